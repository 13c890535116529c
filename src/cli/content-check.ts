import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAssessment } from '../assessment/definition.js';
import { languages } from '../config.js';
import { DangerDetector } from '../content/danger.js';
import { SmallTalk } from '../content/small-talk.js';
import { missingKeys, missingPlaceholders } from '../content/coverage.js';
import { ContentError, formatProblem, loadContent, translationStatus, type Content, type TranslationStatus } from '../content/load.js';
import { endQuietlyWhenOutputCloses } from './closed-output.js';

/**
 * npm run content:check — validates all content and prints what an editor needs to know:
 * a topic × language table (missing, stale, unreviewed), services not checked for 12 months,
 * answers outside 120–250 words. Exits 1 on errors (broken files, unknown ids), 0 on warnings.
 */
const MONTHS_BEFORE_RECHECK = 12;
const SYMBOL: Record<TranslationStatus, string> = { current: 'ok', unreviewed: 'u', stale: 'STALE', missing: 'MISSING' };

function main(): number {
  const errors: string[] = [];
  let content: Content | undefined;
  try {
    content = loadContent();
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    errors.push(...error.problems.map(formatProblem));
  }
  for (const [what, load] of [
    ['assessment', () => loadAssessment()],
    ['danger phrases', () => DangerDetector.load()],
    ['small talk', () => SmallTalk.load()],
  ] as const) {
    try {
      load();
    } catch (error) {
      errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  errors.push(...checkLocales());

  const warnings: string[] = [];
  if (content) {
    printCoverage(content);
    warnings.push(...staleServices(content), ...answerLengths(content));
  }
  for (const w of warnings) console.log(`warning: ${w}`);
  for (const e of errors) console.error(`error: ${e}`);
  console.log(`\n${errors.length} error(s), ${warnings.length} warning(s)`);
  return errors.length > 0 ? 1 : 0;
}

function printCoverage(content: Content): void {
  const counts: Record<string, Record<TranslationStatus, number>> = {};
  const rows = [['topic', ...languages].join('\t')];
  for (const topic of content.topics.values()) {
    const cells = languages.map((lang) => {
      const status = translationStatus(topic, lang);
      const c = (counts[lang] ??= { current: 0, unreviewed: 0, stale: 0, missing: 0 });
      c[status]++;
      return SYMBOL[status];
    });
    rows.push([topic.id, ...cells].join('\t'));
  }
  console.log('Translations (ok = reviewed and current, u = not reviewed yet, STALE = English changed since, MISSING)');
  console.log(rows.join('\n'));
  console.log(
    `\n${languages.map((l) => `${l}: ${counts[l]!.current} ok, ${counts[l]!.unreviewed} unreviewed, ${counts[l]!.stale} stale, ${counts[l]!.missing} missing`).join('\n')}\n`,
  );
}

function staleServices(content: Content, now = new Date()): string[] {
  const limit = new Date(now);
  limit.setMonth(limit.getMonth() - MONTHS_BEFORE_RECHECK);
  const out: string[] = [];
  for (const country of content.countries.values()) {
    for (const service of country.services) {
      if (new Date(service.checked) < limit) {
        out.push(`content/services/${country.country}.yaml: "${service.organisation}" was last checked ${service.checked}; compare it with ${service.source}`);
      }
    }
  }
  return out;
}

function answerLengths(content: Content): string[] {
  const out: string[] = [];
  for (const topic of content.topics.values()) {
    for (const lang of languages) {
      const text = topic.texts[lang];
      if (!text) continue;
      const words = text.body.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
      if (words < 100 || words > 280) out.push(`content/topics/${topic.id}/${lang}.md: the answer has ${words} words (aim for 120-250)`);
    }
  }
  return out;
}

/** Every interface string of the English locale exists in every language, showing the same values. */
function checkLocales(): string[] {
  const read = (lang: string) => JSON.parse(readFileSync(join('locales', lang, 'translation.json'), 'utf8')) as unknown;
  const english = read('en');
  const out: string[] = [];
  const listed = (items: string[]) => `${items.slice(0, 10).join(', ')}${items.length > 10 ? ` and ${items.length - 10} more` : ''}`;
  for (const lang of languages.filter((l) => l !== 'en')) {
    const translation = read(lang);
    const missing = missingKeys(english, translation);
    if (missing.length) out.push(`locales/${lang}/translation.json: missing ${listed(missing)}`);
    const dropped = missingPlaceholders(english, translation);
    if (dropped.length) out.push(`locales/${lang}/translation.json: leaves out ${listed(dropped)}`);
  }
  return out;
}

endQuietlyWhenOutputCloses();
process.exitCode = main();
