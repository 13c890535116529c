import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAssessment } from '../../src/assessment/definition.js';
import type { AssessmentOption, AssessmentQuestion } from '../../src/assessment/definition.js';
import { levelRank, questionsFor, scoreAssessment } from '../../src/assessment/score.js';
import { TRIGGERS, withTrigger } from './helpers.js';

const { definition } = await loadAssessment();
const rank = (answers: Record<string, string>) => levelRank(scoreAssessment(definition, answers).level);
const NUM_RUNS = 1000;

/** Any answers: every question answered with one of its options or skip, or left out (follow-ups too, even when they do not apply). */
const answersArb = fc.record(
  Object.fromEntries(definition.questions.map((q) => [q.id, fc.constantFrom('skip', ...q.options.map((o) => o.id))])) as Record<
    string,
    fc.Arbitrary<string>
  >,
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, string>>;

const questionArb = fc.constantFrom(...definition.questions);

function chosen(question: AssessmentQuestion, answers: Record<string, string>): AssessmentOption | undefined {
  return question.options.find((o) => o.id === answers[question.id]);
}

const isRisk = (o: AssessmentOption | undefined) => o !== undefined && o.weight > 0;
const isProtection = (o: AssessmentOption | undefined) => o !== undefined && o.weight < 0;
const floorRank = (o: AssessmentOption | undefined) =>
  o?.emergency ? 4 : o?.trigger ? 3 : o?.floor ? levelRank(o.floor) : 0;

describe('rule 7: monotone', () => {
  it('adding a risk never lowers the level', () => {
    fc.assert(
      fc.property(answersArb, questionArb, fc.nat(), (answers, question, pick) => {
        const before = chosen(question, answers);
        fc.pre(!isRisk(before));
        const risks = question.options.filter((o) => o.weight > 0);
        const risk = risks[pick % risks.length] as AssessmentOption;
        expect(rank({ ...answers, [question.id]: risk.id })).toBeGreaterThanOrEqual(rank(answers));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('adding a protection never raises the level', () => {
    const withProtection = definition.questions.filter((q) => q.options.some((o) => o.weight < 0));
    fc.assert(
      fc.property(answersArb, fc.constantFrom(...withProtection), fc.nat(), (answers, question, pick) => {
        fc.pre(!isProtection(chosen(question, answers)));
        const protections = question.options.filter((o) => o.weight < 0);
        const protection = protections[pick % protections.length] as AssessmentOption;
        expect(rank({ ...answers, [question.id]: protection.id })).toBeLessThanOrEqual(rank(answers));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a riskier answer (more weight, no lost trigger or floor) never lowers the level, and the reverse never raises it', () => {
    fc.assert(
      fc.property(answersArb, questionArb, fc.nat(), (answers, question, pick) => {
        const before = chosen(question, answers);
        const after = question.options[pick % question.options.length] as AssessmentOption;
        const beforeWeight = before?.weight ?? 0;
        const changed = { ...answers, [question.id]: after.id };
        if (after.weight >= beforeWeight && floorRank(after) >= floorRank(before)) {
          expect(rank(changed)).toBeGreaterThanOrEqual(rank(answers));
        }
        if (after.weight <= beforeWeight && floorRank(after) <= floorRank(before)) {
          expect(rank(changed)).toBeLessThanOrEqual(rank(answers));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('an urgent trigger is never outweighed', () => {
    fc.assert(
      fc.property(answersArb, fc.constantFrom(...TRIGGERS), (answers, [question, option, trigger]) => {
        const result = scoreAssessment(definition, withTrigger(answers, question, option));
        if (result.level === 'emergency') {
          expect(answers['safety.danger_now']).toBe('yes');
        } else {
          expect(result.level).toBe('urgent');
          expect(result.triggers).toContain(trigger);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the level is urgent or above exactly when a trigger or the emergency answer applies', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        const result = scoreAssessment(definition, answers);
        const applied = questionsFor(definition, answers).map((q) => chosen(q, answers));
        expect(levelRank(result.level) >= levelRank('urgent')).toBe(applied.some((o) => o?.trigger || o?.emergency));
        expect(result.level === 'emergency').toBe(applied.some((o) => o?.emergency));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('rule 3: skip is neutral', () => {
  it('skipping a question gives the same result as leaving it out', () => {
    fc.assert(
      fc.property(answersArb, questionArb, (answers, question) => {
        const rest = Object.fromEntries(Object.entries(answers).filter(([id]) => id !== question.id));
        const skipped = scoreAssessment(definition, { ...rest, [question.id]: 'skip' });
        const missing = scoreAssessment(definition, rest);
        expect({ ...skipped, complete: true }).toEqual({ ...missing, complete: true });
        expect(skipped.risks.concat(skipped.protections).some((f) => f.question === question.id)).toBe(false);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('rule 2: never more than 15 questions for an adult, 16 for a child', () => {
  it('holds for any answers', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        const path = questionsFor(definition, answers).map((q) => q.id);
        expect(path.length).toBeLessThanOrEqual(answers['ind.minor'] === 'yes' ? 16 : 15);
        expect(path[0]).toBe('safety.danger_now');
        expect(path.includes('ind.minor_alone')).toBe(path.includes('ind.minor') && answers['ind.minor'] === 'yes');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('the ends of the scale', () => {
  it('every answer protective (or neutral, or skipped) is low', () => {
    const safeAnswers = fc.record(
      Object.fromEntries(
        definition.questions.map((q) => [q.id, fc.constantFrom('skip', ...q.options.filter((o) => o.weight <= 0).map((o) => o.id))]),
      ) as Record<string, fc.Arbitrary<string>>,
      { requiredKeys: [] },
    ) as fc.Arbitrary<Record<string, string>>;
    fc.assert(
      fc.property(safeAnswers, (answers) => {
        expect(scoreAssessment(definition, answers).level).toBe('low');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('every protective answer at once is low', () => {
    const answers = Object.fromEntries(
      definition.questions.map((q) => [q.id, ([...q.options].sort((a, b) => a.weight - b.weight)[0] as AssessmentOption).id]),
    );
    const result = scoreAssessment(definition, answers);
    expect(result.level).toBe('low');
    expect(result.protections.length).toBeGreaterThanOrEqual(6);
    expect(result.risks).toEqual([]);
  });

  const riskAnswers = (skip: (q: AssessmentQuestion) => boolean) =>
    fc.record(
      Object.fromEntries(
        definition.questions.map((q) => [q.id, skip(q) ? fc.constant('skip') : fc.constantFrom(...q.options.filter((o) => o.weight > 0).map((o) => o.id))]),
      ) as Record<string, fc.Arbitrary<string>>,
    ) as fc.Arbitrary<Record<string, string>>;

  it('every scored answer a risk is high or above', () => {
    fc.assert(
      fc.property(riskAnswers(() => false), (answers) => {
        expect(levelRank(scoreAssessment(definition, answers).level)).toBeGreaterThanOrEqual(levelRank('high'));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('every answer a risk is high even without a trigger or the emergency answer', () => {
    const hasTriggerOrEmergency = (q: AssessmentQuestion) => q.options.some((o) => o.trigger || o.emergency);
    fc.assert(
      fc.property(riskAnswers(hasTriggerOrEmergency), (answers) => {
        expect(scoreAssessment(definition, answers).level).toBe('high');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
