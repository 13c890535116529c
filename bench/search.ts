import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Fuse from 'fuse.js';
import { languages, type Language } from '../src/config.js';
import { loadContent, type Content } from '../src/content/load.js';
import { SearchIndex } from '../src/content/search.js';

/**
 * Retrieval benchmark: top-1 and top-3 accuracy per language and overall on realistic questions
 * (bench/search-questions.jsonl), and search time; beside the same figures for a baseline measured
 * in the same run: plain fuse.js over the topic titles only. Prints JSON.
 */
interface Question {
  lang: Language;
  q: string;
  expected: string;
}

type Ranker = (q: string, lang: Language) => string[];

export function runSearchBench(file = 'bench/search-questions.jsonl') {
  const questions = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Question);
  const content = loadContent();

  const buildStart = performance.now();
  const index = new SearchIndex(content);
  const buildMs = performance.now() - buildStart;
  const ours: Ranker = (q, lang) => index.search(q, lang, { limit: 3 }).map((r) => r.id);
  const baseline = titleBaseline(content);
  // Warm up (JIT) on the content's own example questions, never on the questions measured.
  for (const topic of content.topics.values()) {
    for (const lang of languages) for (const q of topic.texts[lang]?.questions.slice(0, 3) ?? []) {
      ours(q, lang);
      baseline(q, lang);
    }
  }

  return {
    questions: questions.length,
    indexBuildMs: round(buildMs),
    ours: measure(questions, ours),
    baseline: { description: 'fuse.js over topic titles only', ...measure(questions, baseline) },
  };
}

function titleBaseline(content: Content): Ranker {
  const fuses = new Map(
    languages.map((lang) => [
      lang,
      new Fuse(
        [...content.topics.values()].map((t) => ({ id: t.id, title: t.texts[lang]?.title ?? '' })),
        { keys: ['title'], ignoreLocation: true, threshold: 0.6 },
      ),
    ]),
  );
  return (q, lang) => fuses.get(lang)!.search(q, { limit: 3 }).map((r) => r.item.id);
}

function measure(questions: Question[], rank: Ranker) {
  const perLanguage: Record<string, { n: number; top1: number; top3: number }> = {};
  const times: number[] = [];
  const misses: Array<{ lang: string; q: string; expected: string; got: string[] }> = [];
  for (const question of questions) {
    const start = performance.now();
    const ids = rank(question.q, question.lang);
    times.push(performance.now() - start);
    const stats = (perLanguage[question.lang] ??= { n: 0, top1: 0, top3: 0 });
    stats.n++;
    if (ids[0] === question.expected) stats.top1++;
    if (ids.slice(0, 3).includes(question.expected)) stats.top3++;
    else misses.push({ ...question, got: ids });
  }
  times.sort((a, b) => a - b);
  const total = Object.values(perLanguage).reduce((a, s) => ({ n: a.n + s.n, top1: a.top1 + s.top1, top3: a.top3 + s.top3 }), { n: 0, top1: 0, top3: 0 });
  const pct = (x: number, n: number) => round((100 * x) / Math.max(1, n));
  return {
    top1: pct(total.top1, total.n),
    top3: pct(total.top3, total.n),
    byLanguage: Object.fromEntries(Object.entries(perLanguage).map(([l, s]) => [l, { top1: pct(s.top1, s.n), top3: pct(s.top3, s.n), n: s.n }])),
    searchMs: { p50: round(times[Math.floor(times.length * 0.5)] ?? 0), p99: round(times[Math.floor(times.length * 0.99)] ?? 0) },
    missesTop3: misses.length,
    ...(process.env.BENCH_MISSES ? { misses } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runSearchBench(), null, 2));
}
