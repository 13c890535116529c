import { describe, expect, it } from 'vitest';
import { missingKeys, missingPlaceholders } from '../../src/content/coverage.js';

describe('what a translation lacks', () => {
  it('lists the keys the English text has and the translation does not', () => {
    expect(missingKeys({ a: 'x', b: { c: 'y', d: 'z' } }, { a: 'x', b: { c: 'y' } })).toEqual(['b.d']);
  });

  it.each([
    ['the same value', 'You are number {{position}}.', 'Vous êtes numéro {{position}}.', []],
    ['the value, formatted', 'Kept {{days}} days.', 'کپی {{days, number}} روز.', []],
    ['the value left out', 'Kept {{days}} days.', 'Conservé quelques jours.', ['q: {{days}}']],
    ['one of two left out', 'Question {{number}} of {{total}}', 'Question {{number}}', ['q: {{total}}']],
    ['a misspelt value', 'Kept {{days}} days.', 'Conservé {{jours}} jours.', ['q: {{days}}']],
    ['no value at all', 'Hello.', 'Bonjour.', []],
  ])('%s', (_, english, translation, expected) => {
    expect(missingPlaceholders({ q: english }, { q: translation })).toEqual(expected);
  });

  it('leaves a missing key to missingKeys', () => {
    expect(missingPlaceholders({ a: { b: '{{x}}' } }, {})).toEqual([]);
  });
});
