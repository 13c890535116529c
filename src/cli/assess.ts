import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSESSMENT_LANGS, AssessmentLoadError, loadAssessment } from '../assessment/definition.js';
import type { AssessmentLang } from '../assessment/definition.js';
import { checkAnswers, describeResult, questionsFor, scoreAssessment } from '../assessment/score.js';
import { endQuietlyWhenOutputCloses } from './closed-output.js';

/**
 * Scores a set of self-check answers and prints the result as JSON.
 *
 *   npm run assess -- --json '{"ind.documents":"kept_by_other"}' [--lang fr] [--content DIR]
 *
 * Exit codes: 0 done, 2 bad arguments or answers (the message names the problem), 1 the content
 * itself is broken.
 */

const USAGE = `Usage: npm run assess -- --json '{"question.id":"option", ...}' [--lang ${ASSESSMENT_LANGS.join('|')}] [--content DIR]

Prints the self-check result as JSON: level (low|medium|high|urgent|emergency), score, risks,
protections, triggers, harms and advice grouped now|soon|later. --lang adds the words.`;

class UsageError extends Error {}

interface Args {
  json: string;
  lang?: AssessmentLang;
  content: string;
}

function parseArgs(argv: string[]): Args | 'help' {
  let json: string | undefined;
  let lang: string | undefined;
  let content = path.relative(process.cwd(), fileURLToPath(new URL('../../content/assessment', import.meta.url))) || '.';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--json') json = value();
    else if (name === '--lang') lang = value();
    else if (name === '--content') content = value();
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (json === undefined) throw new UsageError('--json is required');
  if (lang !== undefined && !(ASSESSMENT_LANGS as readonly string[]).includes(lang)) {
    throw new UsageError(`unknown language "${lang}" (languages: ${ASSESSMENT_LANGS.join(', ')})`);
  }
  return { json, content, ...(lang ? { lang: lang as AssessmentLang } : {}) };
}

async function main(argv: string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`assess: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let answers: unknown;
  try {
    answers = JSON.parse(args.json);
  } catch (error) {
    process.stderr.write(`assess: --json is not valid JSON: ${(error as Error).message}\n`);
    return 2;
  }

  let assessment;
  try {
    assessment = await loadAssessment(args.content);
  } catch (error) {
    if (!(error instanceof AssessmentLoadError)) throw error;
    process.stderr.write(`assess: ${error.message}\n`);
    return 1;
  }

  const problems = checkAnswers(assessment.definition, answers);
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`assess: ${problem}\n`);
    return 2;
  }
  const given = answers as Record<string, string>;
  const asked = new Set(questionsFor(assessment.definition, given).map((question) => question.id));
  for (const id of Object.keys(given)) {
    if (!asked.has(id)) process.stderr.write(`assess: note: "${id}" does not apply to these answers and is not counted\n`);
  }

  const result = scoreAssessment(assessment.definition, given);
  const output = args.lang ? { ...result, lang: args.lang, words: describeResult(assessment.texts[args.lang], result) } : result;
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

endQuietlyWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
