import { describe, expect, it } from 'vitest';
import { languageNamed, matchLanguage } from '../../src/bot/i18n.js';

describe('languageNamed: a whole message that names a language', () => {
  it.each([
    ['English', 'en'],
    ['english please', undefined],
    ['  INGLÉS ', 'en'],
    ['ingles', 'en'],
    ['Français !', 'fr'],
    ['francais', 'fr'],
    ['العربية', 'ar'],
    ['فارسی', 'fa'],
    ['فارسي', 'fa'],
    ['Dari', 'fa'],
    ['русский', 'ru'],
    ['українська', 'uk'],
    ['UK', undefined],
    ['es', undefined],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['my boss took my passport', undefined],
  ])('%s → %s', (text, lang) => expect(languageNamed(text)).toBe(lang));
});

describe('matchLanguage: a device or app language tag', () => {
  it.each([
    ['fr-CA', 'fr'],
    ['uk_UA', 'uk'],
    ['prs', 'fa'],
    ['pt-BR', undefined],
    [undefined, undefined],
  ])('%s → %s', (tag, lang) => expect(matchLanguage(tag)).toBe(lang));
});
