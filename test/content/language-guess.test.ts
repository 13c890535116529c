import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/config.js';
import { guessLanguage } from '../../src/content/language-guess.js';

describe('guessing the language a message is written in', () => {
  it.each([
    ['what are my rights at work', undefined, 'en'],
    ['my boss took my pasport', undefined, 'en'],
    ['mon patron a pris mon passeport', undefined, 'fr'],
    ["je veux parler à quelqu'un", undefined, 'fr'],
    ['mi jefe tiene mi pasaporte', undefined, 'es'],
    ['¿dónde puedo dormir esta noche?', undefined, 'es'],
    // Letters only one language of the script uses.
    ['کارفرما پاسپورتم را گرفته', undefined, 'fa'],
    ['الكفيل اخذ جوازي', undefined, 'ar'],
    ['роботодавець не платить мені', undefined, 'uk'],
    ['они не платят мне зарплату', undefined, 'ru'],
    // Nothing to tell by: search may decide between languages of one script, never in Latin script.
    ['работодатель забрал паспорт', undefined, undefined],
    ['работодатель забрал паспорт', 'ru', 'ru'],
    ['работодатель забрал паспорт', 'fr', undefined],
    ['pasaporte visa', 'es', undefined],
    // Too little to tell.
    ['help', undefined, undefined],
    ['hola', undefined, undefined],
    ['Italy', undefined, undefined],
    ['12345 !!', undefined, undefined],
    ['👍👍👍👍👍', undefined, undefined],
  ] as Array<[string, Language | undefined, Language | undefined]>)('"%s" (search matched in %s) → %s', (text, searchedIn, expected) => {
    expect(guessLanguage(text, searchedIn)).toBe(expected);
  });
});
