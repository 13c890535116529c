import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createPseudonymizer } from '../../src/bot/pseudonym.js';
import { staffFile } from '../console/support.js';
import { describeBrowser, launchBrowser } from '../support/browser.js';
import { startTelegramTestServer, TEST_SECRET } from '../support/server.js';
import { buttonValues, chatWith, type Person, type TelegramDouble } from '../support/telegram-double.js';
import { signInToConsole } from '../support/console-browser.js';

/**
 * "Talk to a person" with the person on Telegram and the caseworker in the console, in Chromium.
 * The server long-polls the Bot API double; the person's side is driven only through it (updates
 * in, sendMessage calls out), as a Telegram app would see it.
 */

const XSS = '<img src=x onerror=alert(1)>';
const ACCOUNTS = [{ username: 'amina', name: 'Amina', roles: ['caseworker' as const] }];
/** For waits that cross the whole system (Telegram, the bot, the console's socket) on a busy machine. */
const PATIENCE = { timeout: 10_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every alert, confirm or prompt a console page opened: there must be none. */
const dialogs: string[] = [];

const signIn = (browser: Browser, baseUrl: string, username: string) =>
  signInToConsole(browser, baseUrl, username, { dialogs, waitFor: '#queue-title' });

describeBrowser('the hotline console with a person on Telegram', () => {
  let double: TelegramDouble;
  let app: App;
  let close: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, double, close } = await startTelegramTestServer({ STAFF_FILE: await staffFile(ACCOUNTS) }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('lets a person on Telegram talk with a caseworker in the browser, then hands them back to the bot', async () => {
    const caseworker = await signIn(browser, app.url, 'amina');
    // Only with someone online does the bot offer the queue rather than the hotline numbers.
    await expect.poll(() => app.handoff.onlineStaff(), PATIENCE).toContain('amina');

    // The person: /start, English, a question, then /human, sharing their last messages.
    const person: Person = { id: 700_800_001, language_code: 'en' };
    const conversationKey = createPseudonymizer(TEST_SECRET)('telegram', String(person.id));
    const chat = chatWith(double, person);
    const start = await chat.say('/start');
    expect(buttonValues(start.prompt)).toContain('lang:en');
    const menu = await chat.tap(start.prompt, 'lang:en');
    expect(buttonValues(menu.prompt)).toContain('menu:human');
    await chat.say('My boss keeps my passport');
    const share = await chat.say('/human');
    expect(share.replies.map((m) => m.text).join('\n')).toMatch(/caseworker/i);
    expect(buttonValues(share.prompt)).toEqual(['share:yes', 'share:no']);
    const queued = await chat.tap(share.prompt, 'share:yes');
    expect(queued.prompt.text).toMatch(/number 1 in the queue/);
    expect(buttonValues(queued.prompt)).toEqual(['handoff:cancel']);

    // The caseworker sees them in the queue, on Telegram, and takes the chat.
    const row = caseworker.locator(`#queue-view tr[data-key="${conversationKey}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['English', 'Telegram', 'not shared']));
    const sentBeforeClaim = chat.sendCalls().length;
    const before = double.messagesTo(person.id).length;
    await row.getByRole('button', { name: 'Take' }).click();
    await caseworker.locator('#case-view .shared').getByText('My boss keeps my passport').waitFor();
    const [joined] = (await double.waitForMessages(person.id, before + 1)).slice(before);
    expect(joined?.text).toBe('Amina from the hotline team has joined the chat. You can write now.');
    expect(buttonValues(joined!)).toEqual(['handoff:end']);

    // The caseworker types: the person sees "typing…" in Telegram; then the message arrives, escaped for Telegram's HTML.
    const typingBefore = chat.typingCalls().length;
    const composer = caseworker.getByLabel('Message to the person');
    await composer.pressSequentially('Hello');
    await double.until(() => chat.typingCalls().length > typingBefore, 10_000, () => 'no typing shown in the Telegram chat');
    expect(chat.typingCalls().slice(typingBefore).every((call) => call.params.action === 'typing')).toBe(true);
    await composer.fill('Hello, I am Amina. Tell me what happened: dates & places <if you can>.');
    await composer.press('Enter');
    const reply = (await double.waitForMessages(person.id, before + 2)).at(-1);
    expect(reply?.text).toBe('Hello, I am Amina. Tell me what happened: dates &amp; places &lt;if you can&gt;.');
    expect(reply?.parse_mode).toBe('HTML');
    expect(reply?.reply_markup).toBeUndefined();

    // The person writes (no prompt is expected now); the caseworker sees it live, as text; the bot says nothing.
    double.sendText(person, `They took my papers ${XSS}`);
    const shown = caseworker.locator('#case-view .entry.person .text').last();
    await expect.poll(() => shown.textContent(), PATIENCE).toBe(`They took my papers ${XSS}`);
    double.sendText(person, 'what are my rights at work?'); // a question the bot would answer
    await expect.poll(() => shown.textContent(), PATIENCE).toBe('what are my rights at work?');
    expect(await caseworker.locator('#case-view img').count()).toBe(0);
    // Words of danger: the chat turns urgent on the caseworker's screen, and they are told so.
    double.sendText(person, 'he said he will hit me');
    await expect.poll(() => caseworker.locator('#case-title').textContent(), PATIENCE).toBe('Urgent chat');
    await expect.poll(() => caseworker.locator('#notice').textContent(), PATIENCE).toBe('This chat is now urgent: the person wrote words of danger.');
    expect(dialogs).toEqual([]);
    await sleep(1000);
    // Since the claim: "has joined" and the caseworker's message, nothing else, and Telegram took both.
    const duringChat = chat.sendCalls().slice(sentBeforeClaim);
    expect(duringChat.map((call) => call.params.text)).toEqual([joined!.text, reply!.text]);
    expect(duringChat.every((call) => call.ok)).toBe(true);
    expect((await app.handoff.transcript(conversationKey)).map((e) => [e.author, e.text])).toEqual([
      ['staff', 'Hello, I am Amina. Tell me what happened: dates & places <if you can>.'],
      ['person', `They took my papers ${XSS}`],
      ['person', 'what are my rights at work?'],
      ['person', 'he said he will hit me'],
    ]);

    // Handing back: the notice and the menu's inline keyboard, in one message; the bot answers again.
    const spoken = double.messagesTo(person.id).length;
    await caseworker.getByRole('button', { name: 'Hand back to the bot' }).click();
    const back = await double.waitForPrompt(person.id, spoken);
    expect(double.messagesTo(person.id).slice(spoken)).toEqual([back]);
    expect(back.text.split('\n')[0]).toBe('The caseworker has left the chat. I am back to help you.');
    expect(buttonValues(back)).toEqual(expect.arrayContaining(['menu:human', 'menu:rights', 'menu:privacy']));
    expect(chat.sendCalls().slice(sentBeforeClaim).every((call) => call.ok)).toBe(true);
    await expect.poll(() => caseworker.locator(`#queue-view tr[data-key="${conversationKey}"]`).count(), PATIENCE).toBe(0);
    expect(await app.handoff.get(conversationKey)).toBeUndefined();

    const privacy = await chat.tap(back, 'menu:privacy');
    expect(privacy.replies[0]?.text).toMatch(/privacy/i);
    await caseworker.context().close();
  }, 60_000);
});
