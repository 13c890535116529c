import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createPseudonymizer } from '../../src/bot/pseudonym.js';
import { startTelegramTestServer, TEST_SECRET } from '../support/server.js';
import { chatWith, type Person, type TelegramDouble } from '../support/telegram-double.js';
import { StaffClient, staffFile } from './support.js';

/**
 * A caseworker's message that cannot reach the person (Telegram keeps failing) is refused as a
 * whole: the console is told to try again, and the transcript does not claim it was said.
 */
describe('a caseworker message the channel cannot deliver', () => {
  let double: TelegramDouble;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, double, close } = await startTelegramTestServer({ STAFF_FILE: await staffFile([{ username: 'amina', roles: ['caseworker'] }]) }));
  });
  afterAll(() => close?.());

  it('answers 503 and keeps it out of the transcript; sent again once the channel is back, it arrives', async () => {
    const amina = await StaffClient.signIn(app.url, 'amina');
    await app.handoff.heartbeat('amina');
    const person: Person = { id: 700_900_001, language_code: 'en' };
    const key = createPseudonymizer(TEST_SECRET)('telegram', String(person.id));
    const chat = chatWith(double, person);
    const start = await chat.say('/start');
    await chat.tap(start.prompt, 'lang:en');
    const share = await chat.say('/human');
    await chat.tap(share.prompt, 'share:no');
    expect((await amina.call('POST', `/cases/${key}/claim`)).status).toBe(200);

    // One more refusal than the retries (three, each after retry_after): Telegram is down for this message.
    double.failNext('sendMessage', 4, { status: 429, retryAfter: 1 });
    const refused = await amina.call('POST', `/cases/${key}/messages`, { text: 'Hello, I am Amina.' });
    expect(refused.status).toBe(503);
    expect(refused.json.error.message).toMatch(/could not be delivered/);
    const view = await amina.call('GET', `/cases/${key}`);
    expect(JSON.stringify(view.json)).not.toContain('Hello, I am Amina.');

    const before = double.messagesTo(person.id).length;
    expect((await amina.call('POST', `/cases/${key}/messages`, { text: 'Hello, I am Amina.' })).status).toBe(200);
    const arrived = await double.waitForMessages(person.id, before + 1);
    expect(arrived.slice(before).map((m) => m.text)).toContain('Hello, I am Amina.');
  });
});

describe("a person's turn whose replies the channel cannot take", () => {
  let double: TelegramDouble;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, double, close } = await startTelegramTestServer());
  });
  afterAll(() => close?.());

  const failedTurns = async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    return Number(/^bot_turn_errors_total\{channel="telegram"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
  };

  it('is counted as a failed turn in /metrics, and the next turn is answered', async () => {
    const person: Person = { id: 700_900_002, language_code: 'en' };
    const before = await failedTurns();
    double.failNext('sendMessage', 4, { status: 429, retryAfter: 1 });
    double.sendText(person, '/start');
    await expect.poll(failedTurns, { timeout: 15_000 }).toBe(before + 1);
    const sent = double.messagesTo(person.id).length;
    double.sendText(person, '/start');
    expect((await double.waitForPrompt(person.id, sent)).text).toMatch(/language/i);
  });
});
