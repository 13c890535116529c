import type {
  AdviceGroup,
  AssessmentDefinition,
  AssessmentOption,
  AssessmentQuestion,
  AssessmentText,
  FactorLevel,
  Harm,
  ResultLevel,
} from './definition.js';
import type { ServiceKind } from '../content/schema.js';

/**
 * Scoring of the self-check. Everything here is pure: answers in, result out, no I/O and no state.
 *
 * The level is built so that monotonicity holds by construction:
 *   score = sum of the weights of the answers that apply (skip or no answer: 0)
 *   band  = low | medium | high, from fixed score thresholds (`bands` in the definition)
 *   level = max(band, the `floor` of any answer, `urgent` if any answer has a trigger,
 *               `emergency` if an answer is the emergency exit)
 * A risk has a positive weight and can only add floors and triggers, so it never lowers the
 * level; a protection has a negative weight and no floor or trigger, so it never raises it; a
 * trigger sets `urgent` through the max, which no sum can undo. Follow-ups are checked at load
 * (see `checkFollowUpsAreMonotone`) so that opening one never undoes this.
 */

export type { ResultLevel } from './definition.js';

const LEVEL_ORDER: readonly ResultLevel[] = ['low', 'medium', 'high', 'urgent', 'emergency'];
const SKIP = 'skip';

/** Position of a level on the scale: low 0 … emergency 4. */
export function levelRank(level: ResultLevel): number {
  return LEVEL_ORDER.indexOf(level);
}

function maxLevel(a: ResultLevel, b: ResultLevel): ResultLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

export type Answers = Readonly<Record<string, string>>;

export interface Factor {
  question: string;
  option: string;
  /** the level of the determinants model the factor sits at */
  level: FactorLevel;
  harms: Harm[];
  weight: number;
  trigger?: string;
  emergency?: true;
}

export interface AdviceList {
  /** topic ids of the knowledge base (shared spec topics.md) */
  topics: string[];
  /** kinds of service to show from the services list of the person's country */
  services: ServiceKind[];
}

export interface AssessmentResult {
  /** version of the definition the result was scored with */
  version: number;
  level: ResultLevel;
  /** sum of the weights of the answers given */
  score: number;
  /** risk factors, the most important first (emergency, then triggers, then weight) */
  risks: Factor[];
  /** protective factors, the strongest first */
  protections: Factor[];
  /** urgent trigger ids, in question order */
  triggers: string[];
  /** the harms the risks raise, the most important first */
  harms: Harm[];
  /** next steps, each list ordered by the weight of what led to it; an item appears once, in its earliest group */
  advice: Record<AdviceGroup, AdviceList>;
  /** true when every question that applies has an answer (skip counts) or the check stopped at an emergency */
  complete: boolean;
}

function has(answers: Answers, id: string): boolean {
  return Object.hasOwn(answers, id) && typeof answers[id] === 'string';
}

function chosenOption(question: AssessmentQuestion, answers: Answers): AssessmentOption | undefined {
  if (!has(answers, question.id)) return undefined;
  const answer = answers[question.id];
  if (answer === SKIP) return undefined;
  return question.options.find((option) => option.id === answer);
}

/**
 * The questions that apply, in order, given the answers so far: a follow-up only when its
 * condition holds (the child question only for under-18s), nothing after an emergency answer.
 */
export function questionsFor(definition: AssessmentDefinition, answers: Answers): AssessmentQuestion[] {
  const asked: AssessmentQuestion[] = [];
  const applies = new Set<string>();
  for (const question of definition.questions) {
    const when = question.when;
    if (when) {
      if (!applies.has(when.question) || !has(answers, when.question)) continue;
      if (!when.answer_in.includes(answers[when.question] as string)) continue;
    }
    asked.push(question);
    applies.add(question.id);
    if (chosenOption(question, answers)?.emergency) break;
  }
  return asked;
}

/** The next question to ask, or undefined when the check is done. */
export function nextQuestion(definition: AssessmentDefinition, answers: Answers): AssessmentQuestion | undefined {
  return questionsFor(definition, answers).find((question) => !has(answers, question.id));
}

/**
 * Problems with a set of answers from outside (the CLI, stored state): not an object of strings,
 * unknown question ids, unknown option ids. Empty when all is well. Answers to follow-ups that do
 * not apply are not problems: they are ignored by `scoreAssessment`.
 */
export function checkAnswers(definition: AssessmentDefinition, answers: unknown): string[] {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    return ['the answers must be a JSON object of question id to option id, like {"ind.documents":"own"}'];
  }
  const problems: string[] = [];
  for (const [id, answer] of Object.entries(answers)) {
    const question = definition.questions.find((q) => q.id === id);
    if (!question) {
      problems.push(`unknown question id "${id}" (questions: ${definition.questions.map((q) => q.id).join(', ')})`);
      continue;
    }
    const options = [...question.options.map((option) => option.id), SKIP];
    if (typeof answer !== 'string') {
      problems.push(`the answer to "${id}" must be a string, one of: ${options.join(', ')}`);
    } else if (!options.includes(answer)) {
      problems.push(`unknown option "${answer}" for question "${id}" (options: ${options.join(', ')})`);
    }
  }
  return problems;
}

interface Ranked {
  factor: Factor;
  option: AssessmentOption;
  order: number;
}

/** Emergency first, then triggers, then weight; ties keep question order. */
function compareRisk(a: Ranked, b: Ranked): number {
  const key = (r: Ranked) => [r.factor.emergency ? 1 : 0, r.factor.trigger ? 1 : 0, r.factor.weight] as const;
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return (kb[i] as number) - (ka[i] as number);
  }
  return a.order - b.order;
}

export function scoreAssessment(definition: AssessmentDefinition, answers: Answers): AssessmentResult {
  const asked = questionsFor(definition, answers);
  const risks: Ranked[] = [];
  const protections: Ranked[] = [];
  let score = 0;
  let level: ResultLevel = 'low';

  asked.forEach((question, order) => {
    const option = chosenOption(question, answers);
    if (!option) return;
    score += option.weight;
    const factor: Factor = {
      question: question.id,
      option: option.id,
      level: option.level ?? question.level,
      harms: [...(option.harms ?? [])],
      weight: option.weight,
      ...(option.trigger ? { trigger: option.trigger } : {}),
      ...(option.emergency ? { emergency: true as const } : {}),
    };
    if (option.weight > 0 || option.trigger || option.emergency) risks.push({ factor, option, order });
    else if (option.weight < 0) protections.push({ factor, option, order });
    if (option.floor) level = maxLevel(level, option.floor);
    if (option.trigger) level = maxLevel(level, 'urgent');
    if (option.emergency) level = maxLevel(level, 'emergency');
  });

  const band: ResultLevel = score >= definition.bands.high ? 'high' : score >= definition.bands.medium ? 'medium' : 'low';
  level = maxLevel(level, band);

  risks.sort(compareRisk);
  protections.sort((a, b) => a.factor.weight - b.factor.weight || a.order - b.order);

  const triggers: string[] = [];
  for (const question of asked) {
    const trigger = chosenOption(question, answers)?.trigger;
    if (trigger && !triggers.includes(trigger)) triggers.push(trigger);
  }

  const harms: Harm[] = [];
  for (const { factor } of risks) for (const harm of factor.harms) if (!harms.includes(harm)) harms.push(harm);

  const advice: Record<AdviceGroup, AdviceList> = {
    now: { topics: [], services: [] },
    soon: { topics: [], services: [] },
    later: { topics: [], services: [] },
  };
  // Each item once, in the earliest group that names it (a step for now is not repeated for later),
  // and within a group in the order of what led to it.
  const seen = new Set<string>();
  for (const group of ['now', 'soon', 'later'] as const) {
    for (const { option } of [...risks, ...protections]) {
      for (const item of option.advice?.[group] ?? []) {
        if (seen.has(item)) continue;
        seen.add(item);
        // The loader guarantees the shape: topic ids have a dot, service kinds do not.
        if (item.includes('.')) advice[group].topics.push(item);
        else advice[group].services.push(item as ServiceKind);
      }
    }
  }

  const stopped = asked.some((question) => chosenOption(question, answers)?.emergency);
  return {
    version: definition.version,
    level,
    score,
    risks: risks.map((r) => r.factor),
    protections: protections.map((r) => r.factor),
    triggers,
    harms,
    advice,
    complete: stopped || asked.every((question) => has(answers, question.id)),
  };
}

export interface ResultWords {
  notice: string;
  level: string;
  risks: string[];
  protections: string[];
  harms: string[];
  groups: Record<AdviceGroup, string>;
}

/** The result in words of one language (the text files are checked at load to hold every phrase). */
export function describeResult(text: AssessmentText, result: AssessmentResult): ResultWords {
  const phrase = (factor: Factor) => text.questions[factor.question]?.factors?.[factor.option] ?? `${factor.question}=${factor.option}`;
  return {
    notice: text.notice,
    level: text.levels[result.level],
    risks: result.risks.map(phrase),
    protections: result.protections.map(phrase),
    harms: result.harms.map((harm) => text.harms[harm]),
    groups: { ...text.groups },
  };
}
