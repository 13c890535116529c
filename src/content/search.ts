import { languages, type Language } from '../config.js';
import type { Content } from './load.js';
import { contentTokens, tokenize, withoutStopwords } from './normalize.js';
import { stem } from './stem.js';

/**
 * Finds the topic a person means from free text, in any of the seven languages.
 *
 * Each (topic, language) is a document with weighted fields (keywords, title, example questions,
 * answer), indexed by word stems. Query words are matched by stem or, failing that, as typos of an
 * index term (see typoScore); the documents are then ranked with BM25 over the matched terms. When
 * the person's language finds nothing clear, the other languages are tried, and the topic is
 * answered in the person's language.
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

/** A typo may get this share of a word's letters wrong. */
const TYPO_THRESHOLD = 0.3;

/** The documents holding a term, with what BM25 needs from each, fixed at build so a query touches only these. */
interface Posting {
  idf: number;
  /** Positions in LanguageIndex.ids. */
  docs: number[];
  /** For each of `docs`: the BM25 term-frequency factor, with its saturation (k1) and document length (b) applied. */
  tfFactors: number[];
}

interface LanguageIndex {
  /** Topic ids; a document is its position here. */
  ids: string[];
  postings: Map<string, Posting>;
  /** Index terms for typo matching, by first letter and length (see bucketKey). */
  typoCandidates: Map<string, string[]>;
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
    // Normalising and splitting are the same in every language; only the stopwords differ.
    const words = tokenize(query);
    const own = this.searchIn(words, lang, true);
    if (options.crossLanguage === false || isClearMatch(own)) return own.slice(0, limit);
    // The person may write in another language than the one they picked (or mix them).
    const best = new Map(own.map((r) => [r.id, r]));
    for (const other of languages) {
      if (other === lang) continue;
      // Exact stems only: typo tolerance is for the person's own language, and fuzzy matching
      // every word against six other vocabularies would cost more than all the rest.
      for (const result of this.searchIn(words, other, false)) {
        const discounted = { ...result, score: result.score * 0.9 };
        if ((best.get(result.id)?.score ?? 0) < discounted.score) best.set(result.id, discounted);
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  }

  private searchIn(words: string[], lang: Language, fuzzy: boolean): SearchResult[] {
    const index = this.indexes.get(lang)!;
    const tokens = withoutStopwords(words, lang);
    const terms = expandQuery(index, tokens, lang, fuzzy);
    if (terms.size === 0) return [];
    const rawScores = new Float64Array(index.ids.length);
    for (const [term, weight] of terms) {
      const { idf, docs, tfFactors } = index.postings.get(term)!;
      for (let i = 0; i < docs.length; i++) rawScores[docs[i]!]! += weight * idf * tfFactors[i]!;
    }
    const scores: Array<{ id: string; raw: number }> = [];
    rawScores.forEach((raw, doc) => {
      if (raw > 0) scores.push({ id: index.ids[doc]!, raw });
    });
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
  const docs: Array<{ id: string; tf: Map<string, number>; length: number }> = [];
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
  const avgLength = docs.reduce((a, d) => a + d.length, 0) / Math.max(1, docs.length);
  const postings = new Map<string, Posting>();
  docs.forEach((doc, position) => {
    const lengthNorm = BM25_K1 * (1 - BM25_B + (BM25_B * doc.length) / avgLength);
    for (const [term, tf] of doc.tf) {
      const posting = postings.get(term) ?? postings.set(term, { idf: 0, docs: [], tfFactors: [] }).get(term)!;
      posting.docs.push(position);
      posting.tfFactors.push((tf * (BM25_K1 + 1)) / (tf + lengthNorm));
    }
  });
  for (const posting of postings.values()) {
    const df = posting.docs.length;
    posting.idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
  }
  // Fuzzy matching looks only among words with the same first letter and about the same length:
  // typos rarely hit the first letter or change the length by more than one.
  const typoCandidates = new Map<string, string[]>();
  for (const term of postings.keys()) {
    if (term.length < 3) continue;
    const key = bucketKey(term[0]!, term.length);
    (typoCandidates.get(key) ?? typoCandidates.set(key, []).get(key)!).push(term);
  }
  return { ids: docs.map((d) => d.id), postings, typoCandidates, typos: new Map() };
}

/** Query words to index terms (keys of `postings`) with a weight: 1 for the same stem, less for a typo or a longer form. */
function expandQuery(index: LanguageIndex, tokens: string[], lang: Language, fuzzy: boolean): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (term: string, weight: number) => terms.set(term, Math.max(terms.get(term) ?? 0, weight));
  for (const token of tokens) {
    const term = stem(token, lang);
    if (index.postings.has(term)) {
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
      const near: Array<{ candidate: string; score: number }> = [];
      for (const candidate of index.typoCandidates.get(bucketKey(term[0]!, length)) ?? []) {
        const score = typoScore(term, candidate);
        if (score !== undefined) near.push({ candidate, score });
      }
      // The two nearest of each length; the sort is stable, so ties keep the index's order.
      near.sort((a, b) => a.score - b.score);
      for (const { candidate, score } of near.slice(0, 2)) matches.push([candidate, 0.75 * (1 - score)]);
    }
    if (index.typos.size >= TYPO_MEMO_LIMIT) index.typos.clear();
    index.typos.set(term, matches);
  }
  return matches;
}

/**
 * How far a typed word is from an index term, 0.001..TYPO_THRESHOLD, or undefined when further: the fewest letters to
 * substitute, insert or delete for the typed word to appear in the term, per letter typed. These are the scores that
 * fuse.js (threshold 0.3, ignoreLocation) gave before, its 0.001 floor included, so the weights tuned on them stand;
 * fuse.js took most of a search's time, this a small part (for words of up to 32 letters: fuse cut longer ones up).
 */
export function typoScore(typed: string, term: string): number | undefined {
  // Sellers' edit distance, a row per letter typed. Row 0 is all zeros (the match may start anywhere in the term), and
  // the distance is the best of the last row (it may end anywhere).
  const row = new Array<number>(term.length + 1).fill(0);
  let best = 0;
  for (let t = 1; t <= typed.length; t++) {
    let diagonal = row[0]!;
    row[0] = best = t;
    for (let c = 1; c <= term.length; c++) {
      const above = row[c]!;
      row[c] = Math.min(diagonal + (typed[t - 1] === term[c - 1] ? 0 : 1), above + 1, row[c - 1]! + 1);
      diagonal = above;
      best = Math.min(best, row[c]!);
    }
    // A row's best never gets lower further down, so a term already too far is dropped early.
    if (best / typed.length > TYPO_THRESHOLD) return undefined;
  }
  return Math.max(0.001, best / typed.length);
}

function bucketKey(first: string, length: number): string {
  return `${first}${length}`;
}
