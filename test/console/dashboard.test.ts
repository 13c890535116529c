import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/analytics/check-totals.js';
import { toCsv, type Dashboard } from '../../src/analytics/dashboard.js';
import type { App } from '../../src/app.js';
import { countChecks, countHandoffs, countUsage, smallNumbersIn, smallNumbersInCsv } from '../support/evidence.js';
import { startTestServer } from '../support/server.js';
import { StaffClient, staffFile } from './support.js';

const ACCOUNTS = [
  { username: 'cw', roles: ['caseworker' as const] },
  { username: 'ed', roles: ['editor' as const] },
  { username: 'sup', roles: ['supervisor' as const] },
  { username: 'adm', roles: ['admin' as const] },
];

const today = dayOf(new Date());
const daysAgo = (days: number) => dayOf(new Date(Date.now() - days * 86_400_000));

describe('the evidence dashboard API', () => {
  let app: App;
  const as: Record<string, StaffClient> = {};

  beforeAll(async () => {
    app = await startTestServer({ STAFF_FILE: await staffFile(ACCOUNTS) });
    for (const { username } of ACCOUNTS) as[username] = await StaffClient.signIn(app.url, username);
    // Groups of every size, straight through the recorders: several under 10.
    const answers = { 'safety.danger_now': 'no', 'ind.documents': 'kept_by_other', 'harm.any': 'no' };
    await countChecks(app.store, { times: 40, day: today, level: 'medium', answers });
    await countChecks(app.store, { times: 25, day: daysAgo(8), level: 'low', answers: { ...answers, 'ind.documents': 'own' } });
    await countChecks(app.store, { times: 7, day: today, level: 'urgent', answers: { ...answers, 'harm.any': 'household' }, triggers: ['violence_at_home'] });
    await countChecks(app.store, { times: 18, day: daysAgo(3), country: 'GR', language: 'ar', level: 'high', answers });
    await countChecks(app.store, { times: 3, day: today, country: 'QA', language: 'fa', stage: 'arrived', level: 'urgent', answers: { ...answers, 'harm.any': 'other' }, triggers: ['harmed_or_forced'] });
    await countChecks(app.store, { times: 1, day: daysAgo(20), country: 'TH', language: 'ru', answers });
    await countUsage(app.store, 14, today, { kind: 'topic', language: 'en', topic: 'rights.work' });
    await countUsage(app.store, 2, today, { kind: 'topic', language: 'uk', topic: 'rights.asylum' });
    await countUsage(app.store, 5, daysAgo(1), { kind: 'no_result', language: 'fr' });
    await countHandoffs(app.store, { times: 13, answered: 11, waitSeconds: 30, day: today });
    await countHandoffs(app.store, { times: 2, answered: 2, waitSeconds: 1200, day: today, language: 'fa', channel: 'telegram' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is for supervisors and admins: caseworkers and editors are refused, and so is anyone not signed in', async () => {
    for (const path of ['/stats', '/stats/csv']) {
      expect((await as.cw!.call('GET', path)).status, path).toBe(403);
      expect((await as.ed!.call('GET', path)).status, path).toBe(403);
      expect((await new StaffClient(app.url).call('GET', path)).status, path).toBe(401);
      expect((await as.adm!.call('GET', path)).status, path).toBe(200);
    }
    expect((await as.sup!.call('GET', '/me')).json.can.stats).toBe(true);
    expect((await as.cw!.call('GET', '/me')).json.can.stats).toBe(false);
  });

  it('answers with tables in which no number is under 10, the small groups hidden', async () => {
    const answer = await as.sup!.call('GET', '/stats');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const dashboard = answer.json as Dashboard;
    expect(smallNumbersIn(dashboard)).toEqual([]);
    expect(dashboard.hidden).toBe('fewer than 10');
    expect(dashboard.query).toMatchObject({ to: today, by: 'week' });
    const { levels } = dashboard.checks;
    // Qatar's 3 and Thailand's 1 are not named (a row of their own would say they exist), and the
    // row they share takes in Greece, the smallest named, so that it has 10 too.
    expect(levels.rows.map((row) => [row.label, row.total])).toEqual([
      ['Italy', 72],
      ['Other countries', 22],
    ]);
    expect(JSON.stringify(levels)).not.toMatch(/Qatar|Thailand/);
    expect(answer.json.options.countries).toContainEqual({ code: 'QA', name: 'Qatar' });
    expect(answer.json.options.stages).toEqual(['planning', 'transit', 'arrived', 'returning', 'unknown']);
  });

  it('exports the same tables as a CSV file, every small number written as "fewer than 10"', async () => {
    const query = `?from=${daysAgo(30)}&to=${today}&by=day`;
    const [json, csv] = await Promise.all([as.sup!.call('GET', `/stats${query}`), as.sup!.call('GET', `/stats/csv${query}`)]);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="evidence-${daysAgo(30)}-to-${today}.csv"`);
    expect(smallNumbersInCsv(csv.json)).toEqual([]);
    expect(csv.json).toContain(',fewer than 10\r\n');
    expect(csv.json).toBe(toCsv(json.json));
  });

  it.each([
    ['a country with 3 checks', '?country=QA'],
    ['a language few used', '?language=ru'],
    ['a stage few were at', '?stage=arrived'],
    ['a single day', `?from=${daysAgo(20)}&to=${daysAgo(20)}&by=day`],
  ])('suppresses a view filtered to a small group on its own numbers: %s', async (_case, query) => {
    const json = await as.sup!.call('GET', `/stats${query}`);
    expect(json.status).toBe(200);
    expect(smallNumbersIn(json.json)).toEqual([]);
    expect(json.json.checks.levels.totals.total).toBeNull();
    expect(smallNumbersInCsv((await as.sup!.call('GET', `/stats/csv${query}`)).json)).toEqual([]);
  });

  it('refuses a filter it cannot read (400)', async () => {
    for (const query of ['?from=2026-02-30', '?from=2030-01-02&to=2030-01-01', '?by=hour', '?country=Qatar', '?stage=lost']) {
      expect((await as.sup!.call('GET', `/stats${query}`)).status, query).toBe(400);
    }
  });

  it('writes every view and export to the audit log, with its filters', async () => {
    await as.adm!.call('GET', '/stats?country=GR');
    await as.adm!.call('GET', '/stats/csv?language=ar');
    const { entries } = (await as.sup!.call('GET', '/audit?limit=50')).json;
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'adm', action: 'stats.viewed', detail: expect.stringMatching(/by week, country GR$/) }));
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'adm', action: 'stats.exported', detail: expect.stringMatching(/by week, language ar$/) }));
  });
});

describe('counting what the flows do', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts a request for a person when asked, and when a caseworker first writes, with the wait; never an id', async () => {
    const request = { channel: 'directline', language: 'uk', urgent: false, shared: {}, reference: {} };
    await app.handoff.request({ ...request, conversationKey: 'first' });
    await app.handoff.request({ ...request, conversationKey: 'first' });
    await app.handoff.appendMessage('first', { author: 'staff', by: 'amina', text: 'hello' });
    await app.handoff.appendMessage('first', { author: 'staff', by: 'amina', text: 'again' });
    const keys = (await app.store.keys('stats:')).sort();
    expect(keys).toEqual([`stats:usage:${today}:handoff:uk:directline:asked`, `stats:usage:${today}:handoff:uk:directline:under_1m`]);
    expect(await app.store.counters(keys)).toEqual([1, 1]);
    for (const key of keys) expect(key).not.toMatch(/first|amina/);
  });
});
