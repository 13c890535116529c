import type { AssessmentDefinition, AssessmentOption, AssessmentQuestion } from '../../src/assessment/definition.js';

/** The question set of shared spec assessment.md, in order: id, level, option ids. */
export const SPEC_QUESTIONS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['safety.danger_now', 'situational', ['yes', 'no']],
  ['ind.minor', 'individual', ['yes', 'no']],
  ['ind.minor_alone', 'individual', ['with_adult', 'alone']],
  ['ind.documents', 'individual', ['own', 'kept_by_other', 'none']],
  ['ind.health', 'individual', ['no', 'yes']],
  ['ind.language', 'individual', ['yes', 'a_little', 'no']],
  ['hh.means', 'household', ['yes', 'no']],
  ['hh.debt', 'household', ['none', 'manageable', 'growing']],
  ['com.trusted', 'community', ['yes', 'no']],
  ['com.refused', 'community', ['no', 'yes']],
  ['str.status', 'structural', ['permitted', 'waiting', 'none_or_unsure']],
  ['str.knows_help', 'structural', ['yes', 'no']],
  ['sit.sudden_change', 'situational', ['no', 'yes']],
  ['work.as_promised', 'individual', ['yes', 'no', 'not_working']],
  ['work.free_to_leave', 'situational', ['yes', 'no']],
  ['harm.any', 'situational', ['no', 'household', 'other']],
];

/** Topic ids of shared spec topics.md. */
export const TOPIC_IDS = [
  'rights.universal', 'rights.work', 'rights.unpaid_wages', 'rights.documents', 'rights.detention', 'rights.health',
  'rights.children', 'rights.asylum', 'rights.trafficking', 'rights.smuggling', 'rights.violence',
  'rights.discrimination', 'rights.family',
  'safe.before_departure', 'safe.recruitment', 'safe.job_offers', 'safe.visa_scams', 'safe.document_copies',
  'safe.transit', 'safe.money', 'safe.arrival', 'safe.stranded', 'safe.return', 'safe.integration', 'safe.wellbeing',
  'help.emergency', 'help.services', 'help.human', 'help.privacy',
];

/** The urgent triggers of rule 5: question, option, trigger id. */
export const TRIGGERS: ReadonlyArray<readonly [string, string, string]> = [
  ['work.free_to_leave', 'no', 'not_free_to_leave'],
  ['harm.any', 'other', 'harmed_or_forced'],
  ['harm.any', 'household', 'violence_at_home'],
  ['ind.minor_alone', 'alone', 'child_alone'],
];

export function question(definition: AssessmentDefinition, id: string): AssessmentQuestion {
  const found = definition.questions.find((q) => q.id === id);
  if (!found) throw new Error(`no question ${id}`);
  return found;
}

export function option(definition: AssessmentDefinition, questionId: string, optionId: string): AssessmentOption {
  const found = question(definition, questionId).options.find((o) => o.id === optionId);
  if (!found) throw new Error(`no option ${questionId}=${optionId}`);
  return found;
}

/** Answers that a trigger needs to apply (the child question needs ind.minor=yes). */
export function withTrigger(answers: Record<string, string>, questionId: string, optionId: string): Record<string, string> {
  const out = { ...answers, [questionId]: optionId };
  if (questionId === 'ind.minor_alone') out['ind.minor'] = 'yes';
  return out;
}

/** One answer per question, picked by `pick` (undefined leaves the question out). */
export function answerEach(
  definition: AssessmentDefinition,
  pick: (question: AssessmentQuestion) => string | undefined,
): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const q of definition.questions) {
    const answer = pick(q);
    if (answer !== undefined) answers[q.id] = answer;
  }
  return answers;
}
