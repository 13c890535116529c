import { createRequire } from 'node:module';
import type { Language } from '../config.js';

/**
 * Word stems, so that "passports", "passport" and "passport's" meet, and "забрали" meets
 * "забрал". nlp.js stemmers for six languages; Persian gets a light suffix stripper here, as its
 * nlp.js stemmer leaves words whole.
 */
interface Stemmer {
  stem(word: string): string;
  /** Set on nlp.js stemmers: every word they ever stemmed, never dropped by themselves. */
  cache?: object;
}

const require = createRequire(import.meta.url);
const load = (pkg: string, name: string): Stemmer => {
  const Class = (require(pkg) as Record<string, new () => Stemmer>)[name]!;
  return new Class();
};

/** Persian suffixes, longest first: plurals, possessive and object endings, comparatives. */
const PERSIAN_SUFFIXES = ['هایمان', 'هایتان', 'هایشان', 'هایم', 'هایت', 'هایش', 'های', 'ها', 'ترین', 'تر', 'مان', 'تان', 'شان', 'ان', 'ات', 'ام', 'ای', 'اش', 'رو', 'م', 'ت', 'ش', 'ي'];

const persian: Stemmer = {
  stem(word) {
    for (const suffix of PERSIAN_SUFFIXES) {
      if (word.length - suffix.length >= 3 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
    }
    return word;
  },
};

const stemmers: Record<Language, Stemmer> = {
  en: load('@nlpjs/lang-en-min', 'StemmerEn'),
  fr: load('@nlpjs/lang-fr', 'StemmerFr'),
  es: load('@nlpjs/lang-es', 'StemmerEs'),
  ar: load('@nlpjs/lang-ar', 'StemmerAr'),
  fa: persian,
  ru: load('@nlpjs/lang-ru', 'StemmerRu'),
  uk: load('@nlpjs/lang-uk', 'StemmerUk'),
};

/**
 * The script of each language's stemmer. A word with no letter of it comes out of the stemmer as it went in (checked
 * on every word of the content and the benchmark questions), so it skips the stemmer: search reads every question in
 * all seven languages when its own gives no clear answer, and most of that would be stemming words of another script.
 */
const LATIN = /\p{Script=Latin}/u;
const ARABIC = /\p{Script=Arabic}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const scripts: Record<Language, RegExp> = { en: LATIN, fr: LATIN, es: LATIN, ar: ARABIC, fa: ARABIC, ru: CYRILLIC, uk: CYRILLIC };

/** Stemming is the costly part of indexing and search; words repeat, so results are kept. */
const memo = new Map<Language, Map<string, string>>();
const MEMO_LIMIT = 200_000;

export function stem(word: string, lang: Language): string {
  const cache = memo.get(lang) ?? memo.set(lang, new Map()).get(lang)!;
  let result = cache.get(word);
  if (result === undefined) {
    result = stemWord(word, lang);
    if (cache.size >= MEMO_LIMIT) {
      cache.clear();
      // The stemmer's own cache grows with ours (it sees only our misses): otherwise any words people
      // type would pile up in it for as long as the server runs.
      if (stemmers[lang].cache) stemmers[lang].cache = {};
    }
    cache.set(word, result);
  }
  return result;
}

function stemWord(word: string, lang: Language): string {
  if (/\d/.test(word) || !scripts[lang].test(word)) return word;
  try {
    return stemmers[lang].stem(word) || word;
  } catch {
    return word;
  }
}
