import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { languages, type Language } from '../config.js';
import { ContentError, loadContent } from '../content/load.js';
import { SearchIndex } from '../content/search.js';
import { endQuietlyWhenOutputCloses } from './closed-output.js';

/**
 * npm run search -- --lang fr "mon patron a pris mon passeport"   ranked topic ids with scores
 *   --json             JSON instead of a table
 *   --batch FILE       JSON lines {"lang","q"} in, one JSON line {"lang","q","results":[{"id","score"}]} out
 */
function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { lang: { type: 'string', default: 'en' }, json: { type: 'boolean', default: false }, batch: { type: 'string' }, limit: { type: 'string', default: '5' } },
  });
  const lang = values.lang as Language;
  if (!languages.includes(lang)) return fail(`--lang must be one of ${languages.join(' ')}`);
  const limit = Number(values.limit);
  let index: SearchIndex;
  try {
    index = new SearchIndex(loadContent());
  } catch (error) {
    return fail(error instanceof ContentError ? error.message : String(error));
  }
  const run = (q: string, l: Language) => index.search(q, l, { limit }).map((r) => ({ id: r.id, score: Number(r.score.toFixed(3)) }));

  if (values.batch) {
    const lines = readFileSync(values.batch, 'utf8').split('\n').filter((l) => l.trim());
    for (const [n, line] of lines.entries()) {
      let item: { lang?: string; q?: string };
      try {
        item = JSON.parse(line) as { lang?: string; q?: string };
      } catch {
        return fail(`${values.batch}:${n + 1}: not valid JSON`);
      }
      const itemLang = (item.lang ?? lang) as Language;
      if (!languages.includes(itemLang) || typeof item.q !== 'string') return fail(`${values.batch}:${n + 1}: needs "lang" (one of ${languages.join(' ')}) and "q"`);
      console.log(JSON.stringify({ lang: itemLang, q: item.q, results: run(item.q, itemLang) }));
    }
    return 0;
  }
  const query = positionals.join(' ').trim();
  if (!query) return fail('usage: npm run search -- --lang fr "mon patron a pris mon passeport" [--json]');
  const results = run(query, lang);
  if (values.json) console.log(JSON.stringify({ lang, q: query, results }));
  else if (results.length === 0) console.log('no topic matched');
  else for (const r of results) console.log(`${r.score.toFixed(3)}  ${r.id}`);
  return 0;
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

endQuietlyWhenOutputCloses();
process.exitCode = main();
