import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const assess = (...args: string[]) => runCli('src/cli/assess.ts', args);

describe.concurrent('npm run assess', () => {
  it.each([
    ['emergency', { 'safety.danger_now': 'yes', 'ind.documents': 'own' }, 'emergency'],
    ['urgent', { 'safety.danger_now': 'no', 'ind.documents': 'own', 'work.free_to_leave': 'no' }, 'urgent'],
    ['low', { 'safety.danger_now': 'no', 'ind.documents': 'own', 'hh.means': 'yes', 'com.trusted': 'yes' }, 'low'],
    ['high', { 'ind.documents': 'kept_by_other', 'hh.debt': 'growing', 'work.as_promised': 'no' }, 'high'],
  ])('prints a %s result as JSON', async (_name, answers, level) => {
    const run = await assess('--json', JSON.stringify(answers));
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.level).toBe(level);
    for (const key of ['risks', 'protections', 'triggers', 'harms']) expect(Array.isArray(result[key])).toBe(true);
    for (const group of ['now', 'soon', 'later']) expect(result.advice[group]).toEqual({ topics: expect.any(Array), services: expect.any(Array) });
    if (level === 'urgent') expect(result.triggers).toEqual(['not_free_to_leave']);
    if (level === 'emergency') expect(result.advice.now.services[0]).toBe('emergency');
    if (level === 'high') expect(result.harms).toContain('exploitation');
    if (level === 'low') expect(result.protections).toHaveLength(3);
  });

  it('adds the words with --lang', async () => {
    const run = await assess('--json', '{"ind.documents":"kept_by_other"}', '--lang', 'es');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.words).toMatchObject({
      level: 'Riesgo moderado',
      risks: ['Otra persona tiene tu pasaporte o tu documento de identidad'],
      notice: 'Es información para ti, no una decisión sobre tu situación migratoria.',
    });
  });

  it.each([
    ['invalid JSON', ['--json', '{"ind.documents":'], /not valid JSON/],
    ['an unknown question id', ['--json', '{"ind.passport":"own"}'], /unknown question id "ind\.passport"/],
    ['an unknown option id', ['--json', '{"ind.documents":"lost"}'], /unknown option "lost" for question "ind\.documents"/],
    ['an unknown language', ['--json', '{}', '--lang', 'de'], /unknown language "de"/],
    ['no answers', [], /--json is required/],
  ])('exits 2 with a clear message on %s', async (_name, args, message) => {
    const run = await assess(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
