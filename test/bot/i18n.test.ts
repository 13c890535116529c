import { describe, expect, it } from 'vitest';
import { createI18n, languageNamed, matchLanguage } from '../../src/bot/i18n.js';

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

describe('numbers in the interface strings', () => {
  const i18n = createI18n();
  it.each([
    ['fa', 'selfCheck.progress', { number: 3, total: 15 }, 'سؤال ۳ از حدود ۱۵'],
    ['fa', 'handoff.queued', { position: 12 }, 'شما نفر ۱۲ در صف هستید.'],
    ['ar', 'selfCheck.progress', { number: 3, total: 15 }, 'السؤال 3 من نحو 15'],
    ['en', 'selfCheck.kept', { days: 30 }, 'Your result is kept for 30 days. Take the check again to see what changed.'],
  ] as const)('in %s, %s is written with the digits the language\'s own texts use', (lang, key, values, expected) => {
    expect(i18n.getFixedT(lang)(key, values)).toBe(expected);
  });
});

