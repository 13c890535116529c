import type { Language } from '../config.js';
import { stopwordCount, tokenize } from './normalize.js';

/**
 * The languages written in each script, and the letters only one of them uses. `bySearch`: whether
 * the language search matched in may decide between them. In Latin script a match proves little
 * (names, borrowed words); in the others the script already did most of the work.
 */
const SCRIPTS = [
  { script: /\p{Script=Arabic}/u, languages: ['ar', 'fa'], own: { fa: /[پچژگیک]/u, ar: /[ةيكى]/u }, bySearch: true },
  { script: /\p{Script=Cyrillic}/u, languages: ['ru', 'uk'], own: { uk: /[іїєґІЇЄҐ]/u, ru: /[ыэъёЫЭЪЁ]/u }, bySearch: true },
  { script: /\p{Script=Latin}/u, languages: ['en', 'fr', 'es'], own: {}, bySearch: false },
] as const satisfies ReadonlyArray<{ script: RegExp; languages: readonly Language[]; own: Partial<Record<Language, RegExp>>; bySearch: boolean }>;

/**
 * The language a message seems written in, or undefined when it cannot tell. The script narrows it
 * down; letters only one language uses decide (Persian پ چ ژ گ ی ک, Arabic ة ي ك; Ukrainian і ї є ґ,
 * Russian ы э ъ ё); then the language whose common words ("my", "mi", "je") it uses most, at least
 * twice; then, between Arabic and Farsi or Russian and Ukrainian, `searchedIn`: the language in which
 * search found its best match. A guess, used to offer a language, never to switch without asking.
 */
export function guessLanguage(text: string, searchedIn?: Language): Language | undefined {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length < 4) return undefined;
  const family = SCRIPTS.find(({ script }) => letters.filter((letter) => script.test(letter)).length > letters.length * 0.6);
  if (!family) return undefined;
  const own = Object.entries(family.own).filter(([, letter]) => letter.test(text)).map(([lang]) => lang as Language);
  if (own.length === 1) return own[0];
  const words = tokenize(text);
  const [best, second] = family.languages
    .map((lang) => ({ lang, count: stopwordCount(words, lang) }))
    .sort((a, b) => b.count - a.count);
  if (best && best.count >= 2 && best.count > (second?.count ?? 0)) return best.lang;
  const languages: readonly Language[] = family.languages;
  return family.bySearch && searchedIn && languages.includes(searchedIn) ? searchedIn : undefined;
}
