import { describe, expect, it } from 'vitest';
import { loadAssessment } from '../../src/assessment/definition.js';
import type { ResultLevel } from '../../src/assessment/definition.js';
import {
  checkAnswers,
  describeResult,
  levelRank,
  nextQuestion,
  questionsFor,
  scoreAssessment,
} from '../../src/assessment/score.js';
import { TRIGGERS, answerEach, withTrigger } from './helpers.js';

const { definition, texts } = await loadAssessment();
const score = (answers: Record<string, string>) => scoreAssessment(definition, answers);
const ids = (answers: Record<string, string>) => questionsFor(definition, answers).map((q) => q.id);

/** Every question answered with its most protective option (a neutral one where there is none). */
const allProtective = answerEach(definition, (q) => [...q.options].sort((a, b) => a.weight - b.weight)[0]?.id);
const adultSafe = { ...allProtective, 'safety.danger_now': 'no', 'ind.minor': 'no' };

describe('rule 1: safety first', () => {
  it('asks about danger first', () => {
    expect(ids({})[0]).toBe('safety.danger_now');
    expect(nextQuestion(definition, {})?.id).toBe('safety.danger_now');
  });

  it('stops at once when the person is in danger', () => {
    const answers = { 'safety.danger_now': 'yes' };
    expect(ids(answers)).toEqual(['safety.danger_now']);
    expect(nextQuestion(definition, answers)).toBeUndefined();
    const result = score(answers);
    expect(result.level).toBe('emergency');
    expect(result.complete).toBe(true);
    expect(result.advice.now.topics[0]).toBe('help.emergency');
    expect(result.advice.now.services[0]).toBe('emergency');
    expect(result.advice.now.topics).toContain('help.human');
  });

  it.each([
    ['all protections', allProtective],
    ['every trigger', { 'ind.minor': 'yes', 'ind.minor_alone': 'alone', 'work.free_to_leave': 'no', 'harm.any': 'other' }],
    ['many risks', { 'ind.documents': 'kept_by_other', 'hh.debt': 'growing', 'str.status': 'none_or_unsure' }],
  ])('emergency beats everything: %s', (_name, answers) => {
    expect(score({ ...answers, 'safety.danger_now': 'yes' }).level).toBe('emergency');
  });

  it('goes on when the person is not in danger, or skips the question', () => {
    expect(nextQuestion(definition, { 'safety.danger_now': 'no' })?.id).toBe('ind.minor');
    expect(nextQuestion(definition, { 'safety.danger_now': 'skip' })?.id).toBe('ind.minor');
    expect(score({ 'safety.danger_now': 'no' }).level).toBe('low');
  });
});

describe('rule 2: short, with the child question only for under-18s', () => {
  it.each([
    ['an adult', { 'ind.minor': 'no' }, 15],
    ['someone who skips the age question', { 'ind.minor': 'skip' }, 15],
    ['someone who has not answered the age question yet', {}, 15],
    ['a child', { 'ind.minor': 'yes' }, 16],
  ])('%s gets %#', (_name, answers, count) => {
    const path = ids({ 'safety.danger_now': 'no', ...answers });
    expect(path).toHaveLength(count);
    expect(path.includes('ind.minor_alone')).toBe(count === 16);
  });

  it('asks the child question right after the age question', () => {
    const answers: Record<string, string> = { 'safety.danger_now': 'no', 'ind.minor': 'yes' };
    expect(nextQuestion(definition, answers)?.id).toBe('ind.minor_alone');
  });

  it('walks an adult through 15 questions, one at a time, in order', () => {
    const answers: Record<string, string> = {};
    const seen: string[] = [];
    for (let q = nextQuestion(definition, answers); q; q = nextQuestion(definition, answers)) {
      seen.push(q.id);
      answers[q.id] = q.id === 'ind.minor' || q.id === 'safety.danger_now' ? 'no' : 'skip';
    }
    expect(seen).toEqual(definition.questions.map((q) => q.id).filter((id) => id !== 'ind.minor_alone'));
    expect(score(answers).complete).toBe(true);
  });

  it('ignores an answer to the child question from an adult', () => {
    const result = score({ 'ind.minor': 'no', 'ind.minor_alone': 'alone' });
    expect(result.level).toBe('low');
    expect(result.triggers).toEqual([]);
    expect(result.risks).toEqual([]);
  });

  it('reports an unfinished check as not complete', () => {
    expect(score({ 'safety.danger_now': 'no' }).complete).toBe(false);
  });
});

describe('rule 3: a skipped question is neutral', () => {
  it.each(definition.questions.map((q) => q.id))('skipping %s is the same as not answering it', (id) => {
    const base = { 'safety.danger_now': 'no', 'ind.minor': 'yes' };
    const skipped = score({ ...base, [id]: 'skip' });
    const missing = score(Object.fromEntries(Object.entries(base).filter(([key]) => key !== id)));
    expect({ ...skipped, complete: false }).toEqual({ ...missing, complete: false });
  });

  it('skipping everything is low, with no risks and no protections', () => {
    const result = score(answerEach(definition, () => 'skip'));
    expect(result).toMatchObject({ level: 'low', score: 0, risks: [], protections: [], triggers: [], harms: [] });
    expect(result.complete).toBe(true);
  });
});

describe('rule 5: urgent triggers', () => {
  it.each(TRIGGERS)('%s=%s alone makes the result urgent (%s)', (q, o, trigger) => {
    const result = score(withTrigger({}, q, o));
    expect(result.level).toBe('urgent');
    expect(result.triggers).toEqual([trigger]);
    expect(result.risks[0]).toMatchObject({ question: q, option: o, trigger });
  });

  it.each(TRIGGERS)('%s=%s is urgent even with every protection', (q, o) => {
    const result = score(withTrigger(adultSafe, q, o));
    expect(result.level).toBe('urgent');
    expect(result.protections.length).toBeGreaterThan(0);
  });

  it.each(TRIGGERS)('%s=%s shows emergency and protection hotlines first, and a person', (q, o) => {
    const result = score(withTrigger({ 'ind.documents': 'none', 'hh.means': 'no' }, q, o));
    expect(result.advice.now.services[0]).toBe('emergency');
    expect(['anti_trafficking', 'gbv', 'migrant_support']).toContain(result.advice.now.services[1]);
    expect(result.advice.now.topics[0]).toBe('help.human');
  });

  it('lists several triggers in question order', () => {
    const result = score({ 'ind.minor': 'yes', 'ind.minor_alone': 'alone', 'work.free_to_leave': 'no', 'harm.any': 'household' });
    expect(result.triggers).toEqual(['child_alone', 'not_free_to_leave', 'violence_at_home']);
  });
});

describe('rule 6: a four-step level, explained', () => {
  const cases: Array<[string, Record<string, string>, ResultLevel]> = [
    ['nothing answered', {}, 'low'],
    ['all protections', adultSafe, 'low'],
    ['one small risk', { 'hh.debt': 'manageable' }, 'low'],
    ['two risks', { 'ind.language': 'no', 'com.refused': 'yes' }, 'medium'],
    ['documents kept by someone else', { 'ind.documents': 'kept_by_other' }, 'medium'],
    ['documents kept, even with every protection', { ...adultSafe, 'ind.documents': 'kept_by_other' }, 'medium'],
    ['a growing debt', { 'hh.debt': 'growing' }, 'medium'],
    ['work not as promised', { 'work.as_promised': 'no' }, 'medium'],
    ['risks outweighed by protections', { ...adultSafe, 'ind.language': 'no', 'com.refused': 'yes' }, 'low'],
    [
      'several forced-labour indicators',
      { 'ind.documents': 'kept_by_other', 'hh.debt': 'growing', 'work.as_promised': 'no' },
      'high',
    ],
    [
      'no papers, no money, nobody to turn to',
      { 'str.status': 'none_or_unsure', 'hh.means': 'no', 'com.trusted': 'no', 'str.knows_help': 'no' },
      'high',
    ],
    ['not free to leave', { 'work.free_to_leave': 'no' }, 'urgent'],
    ['in danger now', { 'safety.danger_now': 'yes' }, 'emergency'],
  ];
  it.each(cases)('%s → %s', (_name, answers, level) => {
    expect(score(answers).level).toBe(level);
  });

  it('names the risks, the protections and the harms', () => {
    const result = score({
      'ind.documents': 'kept_by_other',
      'ind.language': 'yes',
      'hh.means': 'no',
      'com.trusted': 'yes',
      'com.refused': 'yes',
    });
    expect(result.risks).toEqual([
      { question: 'ind.documents', option: 'kept_by_other', level: 'individual', harms: ['exploitation', 'rights'], weight: 4 },
      { question: 'hh.means', option: 'no', level: 'household', harms: ['exploitation', 'abuse'], weight: 2 },
      { question: 'com.refused', option: 'yes', level: 'community', harms: ['rights'], weight: 2 },
    ]);
    expect(result.protections.map((f) => [f.question, f.option, f.level])).toEqual([
      ['ind.language', 'yes', 'individual'],
      ['com.trusted', 'yes', 'community'],
    ]);
    expect(result.harms).toEqual(['exploitation', 'rights', 'abuse']);
    expect(result.score).toBe(4 + 2 + 2 - 1 - 1);
  });

  it('gives a factor the level of its option when it differs from the question', () => {
    expect(score({ 'harm.any': 'household' }).risks[0]?.level).toBe('household');
    expect(score({ 'harm.any': 'other' }).risks[0]?.level).toBe('situational');
  });

  it('puts the most important risk first', () => {
    const result = score({ 'ind.documents': 'kept_by_other', 'ind.language': 'a_little', 'harm.any': 'other' });
    expect(result.risks.map((r) => r.question)).toEqual(['harm.any', 'ind.documents', 'ind.language']);
  });

  it('has the words for every level, risk and protection in every language', () => {
    const result = score({ ...adultSafe, 'ind.documents': 'kept_by_other', 'harm.any': 'household' });
    for (const text of Object.values(texts)) {
      const words = describeResult(text, result);
      expect(words.level).toBe(text.levels.urgent);
      expect(words.risks).toHaveLength(result.risks.length);
      expect(words.protections).toHaveLength(result.protections.length);
      for (const phrase of [...words.risks, ...words.protections]) expect(phrase).not.toMatch(/=/);
      expect(words.notice).toBe(text.notice);
    }
    expect(describeResult(texts.en, result).risks).toContain('Someone at home has hurt or threatened you');
    expect(describeResult(texts.en, result).protections).toContain('You understand the local language');
  });
});

describe('rule 6: advice grouped now, soon, later', () => {
  it.each([
    // answers, group, topics that must be there, services that must be there
    [{ 'ind.health': 'yes' }, 'now', ['rights.health'], ['health']],
    [{ 'hh.means': 'no' }, 'now', ['safe.stranded'], ['shelter']],
    [{ 'ind.documents': 'none' }, 'soon', ['rights.documents', 'safe.document_copies'], ['consular', 'legal_aid']],
    [{ 'hh.debt': 'growing' }, 'soon', ['safe.money'], []],
    [{ 'work.as_promised': 'no' }, 'soon', ['rights.unpaid_wages'], ['labour']],
    [{ 'ind.language': 'no' }, 'later', ['safe.integration'], []],
    [{ 'str.status': 'none_or_unsure' }, 'later', ['safe.return'], []],
    [{ 'com.trusted': 'no' }, 'later', ['safe.wellbeing'], ['psychosocial']],
    [{ 'ind.documents': 'own' }, 'later', ['safe.document_copies'], []],
  ] as const)('%j leads to %s: %j %j', (answers, group, topics, services) => {
    const advice = score(answers).advice;
    for (const topic of topics) expect(advice[group].topics).toContain(topic);
    for (const service of services) expect(advice[group].services).toContain(service);
  });

  it('orders advice by the weight of what led to it, without duplicates', () => {
    const advice = score({ 'ind.documents': 'none', 'str.status': 'none_or_unsure', 'str.knows_help': 'no', 'ind.health': 'yes' }).advice;
    // str.status (3) before ind.documents (2) before str.knows_help (1)
    expect(advice.soon.topics.indexOf('rights.universal')).toBeLessThan(advice.soon.topics.indexOf('rights.documents'));
    expect(advice.soon.topics.indexOf('rights.documents')).toBeLessThan(advice.soon.topics.indexOf('help.services'));
    for (const group of ['now', 'soon', 'later'] as const) {
      expect(new Set(advice[group].topics).size).toBe(advice[group].topics.length);
      expect(new Set(advice[group].services).size).toBe(advice[group].services.length);
    }
    expect(advice.soon.services.filter((s) => s === 'legal_aid')).toHaveLength(1);
  });

  it('puts advice from risks before advice from protections', () => {
    const advice = score({ 'ind.documents': 'own', 'ind.language': 'a_little', 'str.status': 'permitted' }).advice;
    expect(advice.later.topics).toEqual(['safe.integration', 'safe.document_copies']);
  });

  it('keeps topic ids and service kinds apart', () => {
    const advice = score(answerEach(definition, (q) => [...q.options].sort((a, b) => b.weight - a.weight)[0]?.id)).advice;
    for (const group of Object.values(advice)) {
      for (const topic of group.topics) expect(topic).toMatch(/^[a-z]+\.[a-z_]+$/);
      for (const service of group.services) expect(service).not.toContain('.');
    }
  });
});

describe('answers from outside', () => {
  it.each([
    [[], /JSON object/],
    ['own', /JSON object/],
    [{ 'ind.passport': 'own' }, /unknown question id "ind\.passport"/],
    [{ 'ind.documents': 'lost' }, /unknown option "lost" for question "ind\.documents"/],
    [{ 'ind.documents': 3 }, /must be a string/],
  ])('%j is refused', (answers, message) => {
    const problems = checkAnswers(definition, answers);
    expect(problems.join('\n')).toMatch(message);
  });

  it('accepts known answers and skip', () => {
    expect(checkAnswers(definition, { 'ind.documents': 'own', 'hh.debt': 'skip' })).toEqual([]);
  });

  it('ignores unknown answers when scoring, without failing', () => {
    expect(score({ 'ind.passport': 'own', 'ind.documents': 'lost', constructor: 'x' }).level).toBe('low');
  });

  it('is pure: the answers and the definition are not changed', () => {
    const answers = Object.freeze({ 'ind.documents': 'kept_by_other', 'harm.any': 'other' });
    const before = JSON.stringify(definition);
    const a = scoreAssessment(definition, answers);
    const b = scoreAssessment(definition, answers);
    expect(a).toEqual(b);
    expect(JSON.stringify(definition)).toBe(before);
  });

  it('ranks levels low < medium < high < urgent < emergency', () => {
    expect((['low', 'medium', 'high', 'urgent', 'emergency'] as const).map(levelRank)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('advice across groups', () => {
  it('names an item once, in its earliest group', () => {
    const advice = score({ 'ind.minor': 'yes', 'ind.minor_alone': 'alone', 'harm.any': 'household' }).advice;
    const all = Object.values(advice).flatMap((group) => [...group.topics, ...group.services]);
    expect(new Set(all).size).toBe(all.length);
    expect(advice.now.topics).toContain('rights.children');
    expect(advice.soon.topics).not.toContain('rights.children');
  });
});
