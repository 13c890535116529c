import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/analytics/check-totals.js';
import { loadAssessment } from '../../src/assessment/definition.js';
import type { App } from '../../src/app.js';
import { PASSWORD, StaffClient, staffFile } from '../console/support.js';
import { describeBrowser, launchBrowser } from '../support/browser.js';
import { DirectLineClient, type Activity } from '../support/directline-client.js';
import { countChecks, countHandoffs, countUsage, smallNumbersIn } from '../support/evidence.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer } from '../support/server.js';

const { definition } = await loadAssessment();
const SUPERVISOR = [{ username: 'sara', name: 'Sara', roles: ['supervisor' as const] }];
const today = dayOf(new Date());

/** Every total with its value: what a person's choices may or may not change. */
async function totals(app: App): Promise<Record<string, number>> {
  const keys = (await app.store.keys('stats:')).sort();
  const values = await app.store.counters(keys);
  return Object.fromEntries(keys.map((key, i) => [key, values[i]!]));
}

/** The person takes the self-check from the menu, skipping every question, keeps nothing, and answers the question about counting. */
async function selfCheck(person: DirectLineClient, count: 'yes' | 'no'): Promise<Activity> {
  let prompt = await person.ask('menu:check');
  for (let skip = skipOf(prompt); skip; skip = skipOf(prompt)) prompt = await person.ask(skip);
  expect(prompt.suggestedActions?.actions.map((a) => a.value)).toEqual(['sc:yes', 'sc:no']);
  const askCount = await person.ask('sc:no');
  expect(askCount.text).toMatch(/anonymous/);
  return person.ask(`sc:${count}`);
}
const skipOf = (prompt: Activity) => prompt.suggestedActions?.actions.map((a) => a.value).find((value) => /^sc:[a-z]+\.[a-z_]+:skip$/.test(value));

describe('the evidence a person on the web chat leaves', () => {
  let app: App;
  beforeAll(async () => {
    // Two whole checks in one conversation are quicker than people's per-minute limit allows.
    app = await startTestServer({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a person who says no to counting leaves no trace in the totals; a yes is counted, with no id', async () => {
    const person = new DirectLineClient(app.url);
    await person.openIn('en');
    const before = await totals(app);
    await selfCheck(person, 'no');
    // The answers are saved after the turn's last reply: a moment for anything late to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await totals(app)).toEqual(before);

    await person.ask('nav:menu');
    await selfCheck(person, 'yes');
    const after = await totals(app);
    const group = `stats:check:${today}:v${definition.version}:unknown:en:unknown:`;
    const added = Object.entries(after).filter(([key, value]) => value !== (before[key] ?? 0));
    expect(Object.fromEntries(added)).toEqual({
      [`${group}checks`]: 1,
      [`${group}level:low`]: 1,
      ...Object.fromEntries(definition.questions.filter((q) => !q.when).map((q) => [`${group}answer:${q.id}:skip`, 1])),
    });
    for (const key of Object.keys(after)) expect(key).not.toMatch(new RegExp(`${person.userId}|${person.conversationId}`));
    person.close();
  });

  it('counts a topic opened and a search that found nothing, never the words typed', async () => {
    const person = new DirectLineClient(app.url);
    await person.openIn('fr');
    const before = await totals(app);
    await person.ask('topic:rights.work');
    await person.ask('zqxjv wkpfh');
    const after = await totals(app);
    const added = Object.keys(after).filter((key) => after[key] !== before[key]);
    expect(added.sort()).toEqual([`stats:usage:${today}:no_result:fr`, `stats:usage:${today}:topic:fr:rights.work`]);
    expect(JSON.stringify(await app.store.keys(''))).not.toMatch(/zqxjv|wkpfh/);
    person.close();
  });
});

describeRedis('the evidence with Redis', () => {
  it('survives a restart: stopped and started again on the same prefix, the dashboard shows the same', async () => {
    const env = { STAFF_FILE: await staffFile(SUPERVISOR), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() };
    const first = await startTestServer(env);
    await countChecks(first.store, { times: 30, day: today, level: 'medium', answers: { 'ind.documents': 'kept_by_other' } });
    await countChecks(first.store, { times: 12, day: today, country: 'GR', level: 'high' });
    await countChecks(first.store, { times: 4, day: today, country: 'QA', level: 'urgent' });
    await countHandoffs(first.store, { times: 11, answered: 11, waitSeconds: 90, day: today });
    const before = (await (await StaffClient.signIn(first.url, 'sara')).call('GET', '/stats')).json;
    await first.close();

    const second = await startTestServer(env);
    try {
      const after = (await (await StaffClient.signIn(second.url, 'sara')).call('GET', '/stats')).json;
      expect(after).toEqual(before);
      expect(after.checks.levels.totals.total).toBe(46);
      expect(after.usage.handoffsByLanguage.totals.total).toBe(11);
      expect(smallNumbersIn(after)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describeBrowser('the evidence dashboard in a browser', () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestServer({ STAFF_FILE: await staffFile(SUPERVISOR) });
    const answers = { 'ind.documents': 'kept_by_other', 'harm.any': 'no' };
    await countChecks(app.store, { times: 40, day: today, level: 'medium', answers });
    await countChecks(app.store, { times: 22, day: today, level: 'low', answers: { ...answers, 'ind.documents': 'own' } });
    await countChecks(app.store, { times: 3, day: today, level: 'urgent', answers: { ...answers, 'harm.any': 'household' }, triggers: ['violence_at_home'] });
    await countChecks(app.store, { times: 5, day: today, country: 'QA', language: 'ar', level: 'high', answers });
    await countUsage(app.store, 12, today, { kind: 'topic', language: 'en', topic: 'rights.work' });
    await countHandoffs(app.store, { times: 14, answered: 12, waitSeconds: 30, day: today });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows "fewer than 10" where a group is small, and no number under 10 in any cell', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A script error, or anything the Content-Security-Policy refused (an inline style, say).
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => /Content Security Policy|Refused/.test(message.text()) && errors.push(message.text()));
    await page.goto(`${app.url}/console`);
    await page.getByLabel('Username').fill('sara');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Evidence' }).click();
    const pane = page.locator('#evidence-view');
    await pane.locator('table[data-table="levels"]').waitFor();

    const cellsOk = async () => {
      const cells = await pane.locator('td').allTextContents();
      expect(cells.length).toBeGreaterThan(100);
      expect(cells.filter((text) => text !== 'fewer than 10' && !(/^\d+$/.test(text) && Number(text) >= 10))).toEqual([]);
      return cells;
    };
    const cells = await cellsOk();
    expect(cells).toContain('fewer than 10');
    expect(cells).toContain('70');
    expect(await pane.locator('svg.chart rect.bar').count()).toBeGreaterThan(0);
    expect(await pane.locator('svg.chart text.hidden-count').first().textContent()).toBe('fewer than 10');

    // Narrowed to Qatar's 5 checks: everything of theirs reads "fewer than 10", and the CSV follows.
    await pane.getByLabel('Country').selectOption('QA');
    await pane.getByRole('button', { name: 'Show' }).click();
    await expect.poll(async () => pane.locator('table[data-table="levels"] tbody th').allTextContents()).toEqual(['Qatar']);
    // One row of four levels and its total, the column totals and the grand total.
    expect(await pane.locator('table[data-table="levels"] td').allTextContents()).toEqual(Array(10).fill('fewer than 10'));
    await cellsOk();
    expect(await pane.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toMatch(/^\/console\/api\/stats\/csv\?.*country=QA/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
