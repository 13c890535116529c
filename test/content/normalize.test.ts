import { describe, expect, it } from 'vitest';
import { contentTokens, normalize } from '../../src/content/normalize.js';
import { stem } from '../../src/content/stem.js';

describe('normalize', () => {
  it.each([
    ['Café CRÈME', 'cafe creme'],
    ['niño, ¿dónde?', 'nino donde'],
    ['Ёлка ёж', 'елка еж'],
    ['أحمد إلى آخر', 'احمد الي اخر'],
    ['مدرسة', 'مدرسه'],
    ['کتاب یک', 'کتاب يک'],
    ['كتاب', 'کتاب'],
    ['می‌خواهم', 'میخواهم'.replace('ی', 'ي')],
    ['٢٠٠٠ ۱۲۳', '2000 123'],
    ['hello!!!   world?', 'hello world'],
  ])('%s → %s', (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('drops words too common to tell topics apart', () => {
    expect(contentTokens('my boss took my passport', 'en')).toEqual(['boss', 'took', 'passport']);
    expect(contentTokens('mon patron a pris mon passeport', 'fr')).toEqual(['patron', 'pris', 'passeport']);
  });
});

describe('stem', () => {
  it.each([
    ['passports', 'en', 'passport'],
    ['паспорта', 'ru', 'паспорт'],
    ['پاسپورتم', 'fa', 'پاسپورت'],
    ['کارها', 'fa', 'کار'],
  ] as const)('%s (%s) → %s', (word, lang, expected) => {
    expect(stem(word, lang)).toBe(expected);
  });

  it('keeps numbers whole', () => {
    expect(stem('112', 'en')).toBe('112');
  });

  it('leaves words of another script whole', () => {
    expect(stem('паспорта', 'en')).toBe('паспорта');
    expect(stem('passports', 'ru')).toBe('passports');
    expect(stem('جوازات', 'uk')).toBe('جوازات');
  });
});
