import Fuse from 'fuse.js';
import { languages, type Language } from '../config.js';
import type { Content } from './load.js';
import { contentTokens } from './normalize.js';
import { stem } from './stem.js';

/**
 * Finds the topic a person means from free text, in any of the seven languages.
 *
 * Each (topic, language) is a document with weighted fields (keywords, title, example questions,
 * answer), indexed by word stems. Query words are matched by stem or, failing that, by fuse.js
 * fuzzy matching (typos); the documents are then ranked with BM25 over the matched terms. When the person's language finds
 * nothing clear, the other languages are tried, and the topic is answered in the person's language.
 */

export interface SearchResult {
  id: string;
  /** 0..1, higher is better. */
  score: number;
  /** The language whose text matched (the person's, or another one tried after it). */
  matchedIn: Language;
}

export interface SearchOptions {
  limit?: number;
  /** Try the other languages when the person's own gives no clear answer (default true). */
  crossLanguage?: boolean;
}

const FIELD_WEIGHTS = { keywords: 3, title: 2.5, questions: 2, body: 0.6 } as const;
type Field = keyof typeof FIELD_WEIGHTS;
const BM25_K1 = 1.2;
const BM25_B = 0.5;
/** A clear answer scores at least this, and the next one at most this share of it (see isClearMatch). */
export const CLEAR_SCORE = 0.3;
const CLEAR_RATIO = 0.92;

interface Doc {
  id: string;
  /** Weighted term frequencies over all fields. */
  tf: Map<string, number>;
  length: number;
}

interface LanguageIndex {
  docs: Doc[];
  df: Map<string, number>;
  avgLength: number;
  /** Fuzzy matchers over the index's terms, by first letter and length. */
  fuzzy: Map<string, Fuse<string>>;
  /** Fuzzy lookups already made: people misspell the same words again and again. */
  typos: Map<string, Array<[string, number]>>;
}

export class SearchIndex {
  private readonly indexes = new Map<Language, LanguageIndex>();

  constructor(content: Content) {
    for (const lang of languages) this.indexes.set(lang, buildIndex(content, lang));
  }

  search(query: string, lang: Language, options: SearchOptions = {}): SearchResult[] {
    const limit = options.limit ?? 5;
    const own = this.searchIn(query, lang, true);
    if (options.crossLanguage === false || isClearMatch(own)) return own.slice(0, limit);
    // The person may write in another language than the one they picked (or mix them).
    const best = new Map(own.map((r) => [r.id, r]));
    for (const other of languages) {
      if (other === lang) continue;
      // Exact stems only: typo tolerance is for the person's own language, and fuzzy matching
      // every word against six other vocabularies would cost more than all the rest.
      for (const result of this.searchIn(query, other, false)) {
        const discounted = { ...result, score: result.score * 0.9 };
        if ((best.get(result.id)?.score ?? 0) < discounted.score) best.set(result.id, discounted);
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  }

  private searchIn(query: string, lang: Language, fuzzy: boolean): SearchResult[] {
    const index = this.indexes.get(lang)!;
    const tokens = contentTokens(query, lang);
    const terms = expandQuery(index, tokens, lang, fuzzy);
    if (terms.size === 0) return [];
    const scores: Array<{ id: string; raw: number }> = [];
    for (const doc of index.docs) {
      let raw = 0;
      for (const [term, weight] of terms) {
        const tf = doc.tf.get(term);
        if (!tf) continue;
        const df = index.df.get(term) ?? 0;
        const idf = Math.log(1 + (index.docs.length - df + 0.5) / (df + 0.5));
        raw += weight * idf * ((tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * doc.length) / index.avgLength)));
      }
      if (raw > 0) scores.push({ id: doc.id, raw });
    }
    scores.sort((a, b) => b.raw - a.raw);
    const queryWords = Math.max(1, tokens.length);
    // Squash into 0..1, relative to how many words the query had, so scores compare across queries.
    return scores.map((s) => ({ id: s.id, score: 1 - Math.exp(-s.raw / (2.5 * Math.sqrt(queryWords))), matchedIn: lang }));
  }
}

/**
 * A clear answer: a fair score, well ahead of the next one. Measured on the benchmark questions,
 * about nine in ten questions count as clear, and fewer than one in fifteen of those is wrong;
 * the others get "Did you mean…" with the best three.
 */
export function isClearMatch(results: SearchResult[]): boolean {
  const [first, second] = results;
  if (!first || first.score < CLEAR_SCORE) return false;
  return !second || second.score / first.score <= CLEAR_RATIO;
}

function buildIndex(content: Content, lang: Language): LanguageIndex {
  const docs: Doc[] = [];
  for (const topic of content.topics.values()) {
    const text = topic.texts[lang];
    if (!text) continue;
    const fields: Record<Field, string> = {
      keywords: text.keywords.join(' '),
      title: text.title,
      questions: text.questions.join(' '),
      body: text.body,
    };
    const tf = new Map<string, number>();
    let length = 0;
    for (const [field, value] of Object.entries(fields) as Array<[Field, string]>) {
      for (const token of contentTokens(value, lang)) {
        const term = stem(token, lang);
        tf.set(term, (tf.get(term) ?? 0) + FIELD_WEIGHTS[field]);
        length += FIELD_WEIGHTS[field];
      }
    }
    docs.push({ id: topic.id, tf, length });
  }
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  // Fuzzy matching looks only among words with the same first letter and about the same length:
  // typos rarely hit the first letter or change the length by more than one, and small lists keep
  // a search well under a millisecond.
  const buckets = new Map<string, string[]>();
  for (const term of df.keys()) {
    if (term.length < 3) continue;
    const key = bucketKey(term[0]!, term.length);
    buckets.set(key, [...(buckets.get(key) ?? []), term]);
  }
  const fuzzy = new Map(
    [...buckets].map(([first, terms]) => [first, new Fuse(terms, { threshold: 0.3, includeScore: true, ignoreLocation: true })]),
  );
  return { docs, df, avgLength: docs.reduce((a, d) => a + d.length, 0) / Math.max(1, docs.length), fuzzy, typos: new Map() };
}

/** Query words to index terms with a weight: 1 for the same stem, less for a typo or a longer form. */
function expandQuery(index: LanguageIndex, tokens: string[], lang: Language, fuzzy: boolean): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (term: string, weight: number) => terms.set(term, Math.max(terms.get(term) ?? 0, weight));
  for (const token of tokens) {
    const term = stem(token, lang);
    if (index.df.has(term)) {
      add(term, 1);
      continue;
    }
    if (!fuzzy || term.length < 4) continue;
    for (const [match, weight] of typoMatches(index, term)) add(match, weight);
  }
  return terms;
}

const TYPO_MEMO_LIMIT = 50_000;

function typoMatches(index: LanguageIndex, term: string): Array<[string, number]> {
  let matches = index.typos.get(term);
  if (!matches) {
    matches = [];
    for (let length = term.length - 1; length <= term.length + 1; length++) {
      for (const hit of index.fuzzy.get(bucketKey(term[0]!, length))?.search(term, { limit: 2 }) ?? []) {
        matches.push([hit.item, 0.75 * (1 - (hit.score ?? 1))]);
      }
    }
    if (index.typos.size >= TYPO_MEMO_LIMIT) index.typos.clear();
    index.typos.set(term, matches);
  }
  return matches;
}

function bucketKey(first: string, length: number): string {
  return `${first}${length}`;
}
