import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { staffFile } from '../console/support.js';
import { describeBrowser, launchBrowser } from '../support/browser.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer } from '../support/server.js';
import { signInToConsole } from '../support/console-browser.js';

const XSS = '<img src=x onerror=alert(1)>';
const ACCOUNTS = [
  { username: 'amina', name: 'Amina', roles: ['caseworker' as const] },
  { username: 'sara', name: 'Sara', roles: ['supervisor' as const] },
];

/** Every alert, confirm or prompt any console page opened: there must be none. */
const dialogs: string[] = [];

const signIn = (browser: Browser, baseUrl: string, username: string) =>
  signInToConsole(browser, baseUrl, username, { dialogs, waitFor: '#queue-title' });

/** The person opens the web chat, picks English and asks for a person, sharing their last messages. */
async function askForAPerson(person: DirectLineClient): Promise<void> {
  await person.open('en-US');
  await person.waitForPrompt(0);
  await person.ask('lang:en');
  await person.ask('My boss keeps my passport');
  const share = await person.ask('menu:human');
  expect(share.suggestedActions?.actions.map((a) => a.value)).toEqual(['share:yes', 'share:no']);
  const queued = await person.ask('share:yes');
  expect(queued.text).toMatch(/number 1 in the queue/);
}

/**
 * The whole journey with a caseworker: they see the person in the queue, take the chat, both
 * write, the bot stays silent, and handing back brings the menu back to the person.
 */
async function journey(person: DirectLineClient, caseworker: Page): Promise<void> {
  const row = caseworker.locator(`#queue-view tr[data-key="${person.conversationId}"]`);
  await row.waitFor();
  expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['Normal', 'English', 'Web chat', 'not shared']));
  // Words of danger while waiting: the chat turns urgent on the caseworker's screen at once.
  await person.ask('they beat me');
  await expect.poll(() => row.locator('td').first().textContent()).toBe('Urgent');

  const before = person.botMessages().length;
  await row.getByRole('button', { name: 'Take' }).click();
  await caseworker.locator('#case-view .shared').getByText('My boss keeps my passport').waitFor();
  // Beside the open chat, on the narrowest screen that shows both, the taken chat's button is whole
  // inside the queue's pane, not cut off.
  const viewport = caseworker.viewportSize()!;
  await caseworker.setViewportSize({ width: 1130, height: viewport.height });
  const pane = (await caseworker.locator('#queue-view').boundingBox())!;
  const open = (await caseworker.locator(`#queue-view tr[data-key="${person.conversationId}"]`).getByRole('button', { name: 'Open' }).boundingBox())!;
  expect(open.x + open.width).toBeLessThanOrEqual(pane.x + pane.width);
  await caseworker.setViewportSize(viewport);
  const joined = await person.waitForBotMessages(before + 1);
  expect(joined.at(-1)?.text).toBe('Amina from the hotline team has joined the chat. You can write now.');

  const composer = caseworker.getByLabel('Message to the person');
  await composer.pressSequentially('Hello');
  // The person sees that the caseworker is typing.
  await expect.poll(() => person.received.some((a) => a.type === 'typing')).toBe(true);
  await composer.fill('Hello, I am Amina. How can I help?');
  await composer.press('Enter');
  const reply = await person.waitForBotMessages(before + 2);
  expect(reply.at(-1)?.text).toBe('Hello, I am Amina. How can I help?');

  // The person writes; the caseworker sees it live, as text, and the bot says nothing.
  const spoken = person.botMessages().length;
  await person.say(`They took my papers ${XSS}`);
  const shown = caseworker.locator('#case-view .entry.person .text').last();
  await expect.poll(() => shown.textContent()).toBe(`They took my papers ${XSS}`);
  expect(await caseworker.locator('#case-view img').count()).toBe(0);
  expect(dialogs).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(person.botMessages().length).toBe(spoken);

  await caseworker.getByRole('button', { name: 'Hand back to the bot' }).click();
  const menu = await person.waitForPrompt(spoken);
  expect(person.botMessages().slice(spoken).map((m) => m.text)).toContain('The caseworker has left the chat. I am back to help you.');
  expect(menu.suggestedActions?.actions.map((a) => a.value)).toContain('menu:human');
  await expect.poll(() => caseworker.locator(`#queue-view tr[data-key="${person.conversationId}"]`).count()).toBe(0);
}

describeBrowser('the hotline console in a browser', () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestServer({ STAFF_FILE: await staffFile(ACCOUNTS) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows what a person typed as text, never as HTML', async () => {
    const conversationKey = 'xss-check';
    await app.handoff.request({
      conversationKey,
      channel: 'telegram',
      language: 'ar',
      country: 'QA',
      urgent: true,
      shared: { recentMessages: [XSS], selfCheck: { level: 'urgent', risks: ['ind.documents=kept_by_other'], protections: [], triggers: ['not_free_to_leave'] } },
      reference: {},
    });
    await app.handoff.appendMessage(conversationKey, { author: 'person', text: `hello ${XSS}` });
    const page = await signIn(browser, app.url, 'amina');
    const row = page.locator(`tr[data-key="${conversationKey}"]`);
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['Urgent', 'Arabic', 'Telegram', 'Qatar', 'urgent']));
    await row.getByRole('button', { name: 'Open' }).click();
    await page.locator('#case-view .entry.person').waitFor();

    expect(await page.locator('#case-view .recent li').textContent()).toBe(XSS);
    expect(await page.locator('#case-view .entry.person .text').textContent()).toBe(`hello ${XSS}`);
    // The self-check is shown in words, not ids.
    await page.locator('#case-view .shared').getByText('not free to leave').waitFor();
    expect(await page.locator('#case-view .shared').textContent()).not.toContain('ind.documents=');
    // And live, as it arrives over the socket.
    await app.handoff.appendMessage(conversationKey, { author: 'person', text: `again ${XSS}` });
    await expect.poll(() => page.locator('#case-view .entry.person .text').last().textContent()).toBe(`again ${XSS}`);
    await app.handoff.typing(conversationKey, 'person');
    await expect.poll(() => page.locator('#case-view .typing').textContent()).toBe('The person is typing…');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await app.handoff.end(conversationKey, 'test', 'closed');
    await page.context().close();
  });

  it('lets a person on the web chat talk with a caseworker, then hands them back to the bot', async () => {
    const caseworker = await signIn(browser, app.url, 'amina');
    // The console's heartbeat says someone is here to answer; only then does the bot offer the queue.
    await expect.poll(() => app.handoff.onlineStaff()).toContain('amina');
    const person = new DirectLineClient(app.url);
    await askForAPerson(person);
    await journey(person, caseworker);
    person.close();
    await caseworker.context().close();
  });

  it('shows a supervisor every chat with its owner and times, lets them reassign, and shows the audit log', async () => {
    const person = new DirectLineClient(app.url);
    const caseworker = await signIn(browser, app.url, 'amina');
    await expect.poll(() => app.handoff.onlineStaff()).toContain('amina');
    await askForAPerson(person);
    await caseworker.locator(`tr[data-key="${person.conversationId}"]`).getByRole('button', { name: 'Take' }).click();
    await caseworker.getByLabel('Message to the person').fill('Hello');
    await caseworker.getByLabel('Message to the person').press('Enter');
    await expect.poll(async () => (await app.handoff.get(person.conversationId))?.firstResponseAt).toBeTruthy();

    const supervisor = await signIn(browser, app.url, 'sara');
    await supervisor.getByRole('button', { name: 'Supervision' }).click();
    const row = supervisor.locator(`#supervision-view tr[data-key="${person.conversationId}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells).toContain('Amina');
    expect(cells.some((cell) => /^\d+ s$/.test(cell))).toBe(true);

    await row.getByLabel('Reassign to').selectOption({ label: 'Sara' });
    await row.getByRole('button', { name: 'Reassign' }).click();
    await expect.poll(async () => (await app.handoff.get(person.conversationId))?.owner).toBe('sara');
    // The caseworker's console drops the chat from "My chats" by itself.
    await expect.poll(() => caseworker.locator(`#queue-view tr[data-key="${person.conversationId}"]`).count()).toBe(0);

    await supervisor.getByRole('button', { name: 'Show the latest entries' }).click();
    const audit = supervisor.locator('#supervision-view .audit');
    await audit.getByText('transferred').waitFor();
    expect(await audit.textContent()).toContain('claimed');
    person.close();
    await Promise.all([caseworker.context().close(), supervisor.context().close()]);
  });
});

describeRedis('the hotline console across two instances', () => {
  describeBrowser('with the person and the caseworker on different instances', twoInstances);
});

function twoInstances(): void {
  let a: App;
  let b: App;
  let browser: Browser;

  beforeAll(async () => {
    const env = { STAFF_FILE: await staffFile(ACCOUNTS), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() };
    [a, b] = await Promise.all([startTestServer(env), startTestServer(env)]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('works both ways with the person on one instance and the caseworker on the other', async () => {
    const caseworker = await signIn(browser, b.url, 'amina');
    await expect.poll(() => a.handoff.onlineStaff()).toContain('amina');
    const person = new DirectLineClient(a.url);
    await askForAPerson(person);
    await journey(person, caseworker);
    person.close();
  });
}
