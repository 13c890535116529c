import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { SERVICE_KINDS, type ServiceKind } from '../content/schema.js';

/**
 * The self-check as data: `content/assessment/definition.yaml` (questions, options, weights, harms,
 * triggers, advice) and `content/assessment/text/<lang>.yaml` (its wording in every language).
 * `loadAssessment` reads and validates all of it; an error names the file, the field and the
 * problem, and lists every problem found, not just the first.
 *
 * No botbuilder here: the dialogs use this through plain ids (see shared spec design.md).
 */

export const ASSESSMENT_LANGS = ['en', 'fr', 'es', 'ar', 'fa', 'ru', 'uk'] as const;
export type AssessmentLang = (typeof ASSESSMENT_LANGS)[number];

export const HARMS = ['violence', 'exploitation', 'abuse', 'rights'] as const;
export type Harm = (typeof HARMS)[number];

export const FACTOR_LEVELS = ['individual', 'household', 'community', 'structural', 'situational'] as const;
export type FactorLevel = (typeof FACTOR_LEVELS)[number];

/** The result scale, lowest first. `urgent` comes only from triggers, `emergency` only from the safety question. */
export const RESULT_LEVELS = ['low', 'medium', 'high', 'urgent', 'emergency'] as const;
export type ResultLevel = (typeof RESULT_LEVELS)[number];


export const ADVICE_GROUPS = ['now', 'soon', 'later'] as const;
export type AdviceGroup = (typeof ADVICE_GROUPS)[number];

/** The answer every question accepts: counts as neither risk nor protection. */
export const SKIP = 'skip';

const QUESTION_ID = /^[a-z]+\.[a-z][a-z_]*$/;
const OPTION_ID = /^[a-z][a-z_]*$/;
const TOPIC_ID = /^[a-z]+\.[a-z][a-z_]*$/;
const TRIGGER_ID = /^[a-z][a-z_]*$/;

export function isTopicId(item: string): boolean {
  return TOPIC_ID.test(item);
}

export function isServiceKind(item: string): item is ServiceKind {
  return (SERVICE_KINDS as readonly string[]).includes(item);
}

// ---------------------------------------------------------------------------------------------
// definition.yaml

const adviceItemSchema = z.string().superRefine((item, ctx) => {
  if (!isTopicId(item) && !isServiceKind(item)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${item}" is neither a topic id (xxx.yyy, see topics.md) nor a service kind (${SERVICE_KINDS.join(', ')})`,
    });
  }
});

const adviceSchema = z.strictObject({
  now: z.array(adviceItemSchema).optional(),
  soon: z.array(adviceItemSchema).optional(),
  later: z.array(adviceItemSchema).optional(),
});

const optionSchema = z
  .strictObject({
    id: z
      .string()
      .regex(OPTION_ID, 'an option id is lower-case letters and "_"')
      .refine((id) => id !== SKIP, `"${SKIP}" is reserved: every question accepts it already`),
    weight: z.number(),
    harms: z.array(z.enum(HARMS)).min(1).optional(),
    floor: z.enum(['medium', 'high']).optional(),
    trigger: z.string().regex(TRIGGER_ID, 'a trigger id is lower-case letters and "_"').optional(),
    emergency: z.literal(true).optional(),
    level: z.enum(FACTOR_LEVELS).optional(),
    advice: adviceSchema.optional(),
  })
  .superRefine((option, ctx) => {
    const risk = option.weight > 0;
    if (risk && !option.harms) {
      ctx.addIssue({ code: 'custom', path: ['harms'], message: 'a risk (weight above 0) must say which harms it raises' });
    }
    if (!risk) {
      for (const field of ['harms', 'floor', 'trigger', 'emergency'] as const) {
        if (option[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `only a risk (weight above 0) can have "${field}"; this option weighs ${option.weight}`,
          });
        }
      }
    }
    if (option.harms && new Set(option.harms).size !== option.harms.length) {
      ctx.addIssue({ code: 'custom', path: ['harms'], message: 'a harm is listed twice' });
    }
  });

const whenSchema = z.strictObject({
  question: z.string().regex(QUESTION_ID, 'a question id looks like xxx.yyy'),
  answer_in: z.array(z.string()).min(1),
});

const questionSchema = z.strictObject({
  id: z.string().regex(QUESTION_ID, 'a question id looks like xxx.yyy'),
  level: z.enum(FACTOR_LEVELS),
  when: whenSchema.optional(),
  options: z.array(optionSchema).min(2),
});

const definitionSchema = z.strictObject({
  version: z.number().int().positive(),
  bands: z
    .strictObject({ medium: z.number(), high: z.number() })
    .refine((bands) => bands.high > bands.medium, { message: 'bands.high must be above bands.medium', path: ['high'] }),
  questions: z.array(questionSchema).min(1),
});

export type AssessmentDefinition = z.infer<typeof definitionSchema>;
export type AssessmentQuestion = AssessmentDefinition['questions'][number];
export type AssessmentOption = AssessmentQuestion['options'][number];
export type AssessmentAdvice = z.infer<typeof adviceSchema>;
export { definitionSchema as assessmentDefinitionSchema };

// ---------------------------------------------------------------------------------------------
// text/<lang>.yaml

const lineSchema = z
  .string()
  .trim()
  .min(1, 'is empty')
  .refine((text) => !/[\r\n]/.test(text), 'must be one line');

const questionTextSchema = z.strictObject({
  text: lineSchema,
  options: z.record(z.string(), lineSchema),
  factors: z.record(z.string(), lineSchema).optional(),
});

const textSchema = z.strictObject({
  lang: z.enum(ASSESSMENT_LANGS),
  title: lineSchema,
  notice: lineSchema,
  skip: lineSchema,
  levels: z.strictObject({ low: lineSchema, medium: lineSchema, high: lineSchema, urgent: lineSchema, emergency: lineSchema }),
  harms: z.strictObject({ violence: lineSchema, exploitation: lineSchema, abuse: lineSchema, rights: lineSchema }),
  groups: z.strictObject({ now: lineSchema, soon: lineSchema, later: lineSchema }),
  sections: z.strictObject({ risks: lineSchema, protections: lineSchema }),
  questions: z.record(z.string(), questionTextSchema),
});

export type AssessmentText = z.infer<typeof textSchema>;
export { textSchema as assessmentTextSchema };

export interface Assessment {
  definition: AssessmentDefinition;
  texts: Record<AssessmentLang, AssessmentText>;
}

// ---------------------------------------------------------------------------------------------
// errors

export interface AssessmentIssue {
  /** the file, as it was opened */
  file: string;
  /** where in the file: `questions[3](ind.documents).options[1](kept_by_other).weight`, and the line when known */
  path: string;
  message: string;
}

export class AssessmentLoadError extends Error {
  readonly issues: AssessmentIssue[];

  constructor(issues: AssessmentIssue[]) {
    const lines = issues.map((issue) => `  ${issue.file}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    super(`The self-check content is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'AssessmentLoadError';
    this.issues = issues;
  }
}

type PathKey = string | number;

/** Renders a path for an editor: list items show their id, keys with dots are quoted. */
function formatPath(keys: readonly PathKey[], data: unknown): string {
  let out = '';
  let node: unknown = data;
  for (const key of keys) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const id = node && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
      if (typeof id === 'string') out += `(${id})`;
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${out ? '.' : ''}${key}` : `[${JSON.stringify(key)}]`;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

interface ParsedFile {
  file: string;
  data: unknown;
  /** line number (1-based) of the deepest node that exists on the path */
  lineOf(keys: readonly PathKey[]): number | undefined;
}

class IssueList {
  readonly issues: AssessmentIssue[] = [];

  add(file: ParsedFile, keys: readonly PathKey[], message: string): void {
    const line = file.lineOf(keys);
    const where = formatPath(keys, file.data);
    this.issues.push({ file: file.file, path: line === undefined ? where : `${where} (line ${line})`, message });
  }

  addZod(file: ParsedFile, error: z.ZodError): void {
    for (const issue of error.issues) {
      const keys = issue.path.filter((key): key is PathKey => typeof key !== 'symbol');
      const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
      this.add(file, keys, missing ? `is missing (expected ${issue.expected})` : issue.message);
    }
  }
}

async function readYaml(file: string, issues: IssueList): Promise<ParsedFile | undefined> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.issues.push({ file, path: '', message: code === 'ENOENT' ? 'the file is missing' : `cannot be read (${code ?? String(error)})` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = error.linePos?.[0];
      issues.issues.push({
        file,
        path: pos ? `line ${pos.line}, column ${pos.col}` : '',
        message: `not valid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      });
    }
    return undefined;
  }
  const data: unknown = doc.toJS();
  return {
    file,
    data,
    lineOf(keys) {
      for (let depth = keys.length; depth >= 0; depth--) {
        const node = doc.getIn(keys.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
        if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// cross-checks

function checkDefinition(file: ParsedFile, definition: AssessmentDefinition, issues: IssueList): void {
  const index = new Map<string, number>();
  definition.questions.forEach((question, q) => {
    if (index.has(question.id)) issues.add(file, ['questions', q, 'id'], `question "${question.id}" appears twice`);
    index.set(question.id, q);
    const seen = new Set<string>();
    question.options.forEach((option, o) => {
      if (seen.has(option.id)) issues.add(file, ['questions', q, 'options', o, 'id'], `option "${option.id}" appears twice`);
      seen.add(option.id);
    });
  });

  // Safety first: the first question is the emergency exit and is always asked.
  const first = definition.questions[0];
  if (first && (first.when || !first.options.some((option) => option.emergency))) {
    issues.add(file, ['questions', 0], 'the first question must be the safety question: always asked, with an option marked "emergency: true"');
  }

  definition.questions.forEach((question, q) => {
    if (!question.when) return;
    const parentIndex = index.get(question.when.question);
    const parent = parentIndex === undefined ? undefined : definition.questions[parentIndex];
    if (!parent || parentIndex === undefined) {
      issues.add(file, ['questions', q, 'when', 'question'], `"${question.when.question}" is not a question of this definition`);
      return;
    }
    if (parentIndex >= q) {
      issues.add(file, ['questions', q, 'when', 'question'], `"${parent.id}" must come before "${question.id}" to decide whether it is asked`);
    }
    question.when.answer_in.forEach((answer, a) => {
      if (!parent.options.some((option) => option.id === answer)) {
        issues.add(
          file,
          ['questions', q, 'when', 'answer_in', a],
          `"${answer}" is not an option of "${parent.id}" (options: ${parent.options.map((option) => option.id).join(', ')})`,
        );
      }
    });
  });
  if (issues.issues.length === 0) checkFollowUpsAreMonotone(file, definition, issues);
}

/**
 * A follow-up must never let a riskier answer lower the level. For every question with follow-ups
 * and every pair of its answers a, b (skip counts as weight 0) with weight(a) >= weight(b):
 * every follow-up b opens must also be opened by a, and weight(a) + the lowest score of the
 * follow-ups only a opens must be at least weight(b). The same then holds for "adding a protection".
 */
function checkFollowUpsAreMonotone(file: ParsedFile, definition: AssessmentDefinition, issues: IssueList): void {
  const children = new Map<string, AssessmentQuestion[]>();
  for (const question of definition.questions) {
    if (!question.when) continue;
    children.set(question.when.question, [...(children.get(question.when.question) ?? []), question]);
  }
  const lowest = new Map<string, number>();
  const lowestOf = (question: AssessmentQuestion): number => {
    const known = lowest.get(question.id);
    if (known !== undefined) return known;
    const choices = [{ id: SKIP, weight: 0 }, ...question.options];
    const value = Math.min(
      ...choices.map(
        (choice) =>
          choice.weight +
          (children.get(question.id) ?? [])
            .filter((child) => child.when?.answer_in.includes(choice.id))
            .reduce((sum, child) => sum + lowestOf(child), 0),
      ),
    );
    lowest.set(question.id, value);
    return value;
  };

  definition.questions.forEach((question, q) => {
    const followUps = children.get(question.id);
    if (!followUps) return;
    const choices = [{ id: SKIP, weight: 0 }, ...question.options];
    const opens = (choice: string) => followUps.filter((child) => child.when?.answer_in.includes(choice));
    for (const a of choices) {
      for (const b of choices) {
        if (a === b || a.weight < b.weight) continue;
        const openedByA = opens(a.id);
        const onlyB = opens(b.id).filter((child) => !openedByA.includes(child));
        if (onlyB.length > 0) {
          issues.add(
            file,
            ['questions', q, 'options'],
            `"${b.id}" opens ${onlyB.map((child) => `"${child.id}"`).join(', ')} but "${a.id}", which weighs as much or more, does not: ` +
              'a follow-up may only follow the riskiest answers',
          );
          continue;
        }
        const onlyA = openedByA.filter((child) => !opens(b.id).includes(child));
        const worst = a.weight + onlyA.reduce((sum, child) => sum + lowestOf(child), 0);
        if (worst < b.weight) {
          issues.add(
            file,
            ['questions', q, 'options'],
            `answering "${a.id}" and then ${onlyA.map((child) => `"${child.id}"`).join(', ')} can score ${worst}, less than "${b.id}" (${b.weight}): ` +
              `raise the weight of "${a.id}" so that a riskier answer never lowers the level`,
          );
        }
      }
    }
  });
}

function checkText(file: ParsedFile, lang: AssessmentLang, text: AssessmentText, definition: AssessmentDefinition, issues: IssueList): void {
  if (text.lang !== lang) issues.add(file, ['lang'], `says "${text.lang}" but the file is for "${lang}"`);
  const known = new Map(definition.questions.map((question) => [question.id, question]));
  for (const question of definition.questions) {
    const words = text.questions[question.id];
    if (!words) {
      issues.add(file, ['questions'], `question "${question.id}" has no text`);
      continue;
    }
    for (const option of question.options) {
      if (words.options[option.id] === undefined) {
        issues.add(file, ['questions', question.id, 'options'], `option "${option.id}" has no text`);
      }
      const scored = option.weight !== 0 || option.trigger !== undefined || option.emergency === true;
      if (scored && words.factors?.[option.id] === undefined) {
        issues.add(
          file,
          ['questions', question.id, 'factors'],
          `option "${option.id}" is a ${option.weight > 0 ? 'risk' : 'protection'} and needs a phrase for the result`,
        );
      }
    }
  }
  for (const [id, words] of Object.entries(text.questions)) {
    const question = known.get(id);
    if (!question) {
      issues.add(file, ['questions', id], `"${id}" is not a question of definition.yaml`);
      continue;
    }
    const options = new Set(question.options.map((option) => option.id));
    for (const part of ['options', 'factors'] as const) {
      for (const option of Object.keys(words[part] ?? {})) {
        if (!options.has(option)) issues.add(file, ['questions', id, part, option], `"${option}" is not an option of "${id}"`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads and validates `definition.yaml` and `text/<lang>.yaml` for every language. Throws an
 * `AssessmentLoadError` listing every problem (file, field path with line, message).
 */
export async function loadAssessment(dir = 'content/assessment'): Promise<Assessment> {
  const issues = new IssueList();
  const definitionFile = await readYaml(path.join(dir, 'definition.yaml'), issues);
  let definition: AssessmentDefinition | undefined;
  if (definitionFile) {
    const parsed = definitionSchema.safeParse(definitionFile.data);
    if (parsed.success) {
      checkDefinition(definitionFile, parsed.data, issues);
      definition = parsed.data;
    } else {
      issues.addZod(definitionFile, parsed.error);
    }
  }

  const texts: Partial<Record<AssessmentLang, AssessmentText>> = {};
  for (const lang of ASSESSMENT_LANGS) {
    const textFile = await readYaml(path.join(dir, 'text', `${lang}.yaml`), issues);
    if (!textFile) continue;
    const parsed = textSchema.safeParse(textFile.data);
    if (!parsed.success) {
      issues.addZod(textFile, parsed.error);
      continue;
    }
    texts[lang] = parsed.data;
    if (definition) checkText(textFile, lang, parsed.data, definition, issues);
  }

  if (issues.issues.length > 0 || !definition) throw new AssessmentLoadError(issues.issues);
  return { definition, texts: texts as Record<AssessmentLang, AssessmentText> };
}
