import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../src/app.js';
import { LOGIN_LIMITS } from '../src/console/session.js';
import { StaffClient, staffFile } from './console/support.js';
import { DirectLineClient } from './support/directline-client.js';
import { startTelegramTestServer } from './support/server.js';
import type { TelegramDouble } from './support/telegram-double.js';

/**
 * The limits on every public endpoint, each with its clear answer: 429 and the JSON error body.
 * Web chat: new chats per address, every request per address, messages per conversation. Console:
 * sign-in attempts per address (per username: test/console/auth.test.ts). Telegram: no limit per
 * address on the webhook (Telegram's few servers send every update), per person inside the turn
 * (test/channels/telegram.test.ts).
 */

const PER_MINUTE = 4;
const PER_ADDRESS = 12;
const SECRET = 'limits-webhook-secret-0123456789';

let lastAddress = 0;
/** A documentation address (RFC 5737) no other request used: its counters start at zero. */
const freshAddress = () => `198.51.100.${++lastAddress}`;

/**
 * Runs `attempt` and returns its result, again (once) if a window boundary fell in the middle, since
 * the counters start again at each window. `attempt` must use fresh addresses.
 */
async function inOneWindow<T>(windowSeconds: number, attempt: () => Promise<T>): Promise<T> {
  const windowNow = () => Math.floor(Date.now() / 1000 / windowSeconds);
  const before = windowNow();
  const result = await attempt();
  return windowNow() === before ? result : attempt();
}

async function call(url: string, init: RequestInit & { address: string }): Promise<{ status: number; json: any }> {
  const { address, ...rest } = init;
  const response = await fetch(url, { ...rest, headers: { ...(rest.headers as Record<string, string>), 'x-forwarded-for': address } });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const tooMany = (message: RegExp) => ({ status: 429, json: { error: { code: 'TooManyRequests', message: expect.stringMatching(message) } } });

describe('rate limits', () => {
  let app: App;
  let double: TelegramDouble;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, double, close } = await startTelegramTestServer(
      {
        RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        RATE_LIMIT_PER_IP_PER_MINUTE: String(PER_ADDRESS),
        STAFF_FILE: await staffFile([{ username: 'cw', roles: ['caseworker'] }]),
      },
      { webhook: { secret: SECRET } },
    ));
  });
  afterAll(() => close?.());

  /** A web chat opened from an address of its own, so that it counts toward no tested address. */
  async function openChat(): Promise<{ id: string; token: string }> {
    const address = freshAddress();
    const generated = await call(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', address });
    const started = await call(`${app.url}/v3/directline/conversations`, { method: 'POST', address, headers: { authorization: `Bearer ${generated.json.token}` } });
    return { id: started.json.conversationId, token: started.json.token };
  }

  it('opens RATE_LIMIT_PER_MINUTE new web chats per address a minute, then answers 429; other addresses go on', async () => {
    const { statuses, refused, other } = await inOneWindow(60, async () => {
      const address = freshAddress();
      const generate = () => call(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', address });
      const statuses: number[] = [];
      for (let i = 0; i < PER_MINUTE; i++) statuses.push((await generate()).status);
      return { statuses, refused: await generate(), other: await call(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', address: freshAddress() }) };
    });
    expect(statuses).toEqual(Array(PER_MINUTE).fill(200));
    expect(refused).toEqual(tooMany(/wait a minute/));
    expect(other.status).toBe(200);
  });

  // Every other Direct Line route (tokens/generate meets its own, lower, limit first), with a valid
  // token where it takes one.
  const routes: Array<{ label: string; request: (chat: { id: string; token: string }) => [string, RequestInit] }> = [
    { label: 'POST tokens/refresh', request: (c) => ['/tokens/refresh', { method: 'POST', headers: { authorization: `Bearer ${c.token}` } }] },
    { label: 'POST conversations', request: (c) => ['/conversations', { method: 'POST', headers: { authorization: `Bearer ${c.token}` } }] },
    { label: 'GET conversations/:id', request: (c) => [`/conversations/${c.id}`, { headers: { authorization: `Bearer ${c.token}` } }] },
    { label: 'GET conversations/:id/activities', request: (c) => [`/conversations/${c.id}/activities`, { headers: { authorization: `Bearer ${c.token}` } }] },
    // With a bad token: a valid one would meet the limit per conversation first.
    { label: 'POST conversations/:id/activities', request: (c) => [`/conversations/${c.id}/activities`, { method: 'POST', headers: { authorization: 'Bearer dl1.bad.token', 'content-type': 'application/json' }, body: '{"type":"message","text":"hi"}' }] },
    { label: 'POST conversations/:id/upload', request: (c) => [`/conversations/${c.id}/upload`, { method: 'POST', headers: { authorization: `Bearer ${c.token}` } }] },
    { label: 'GET conversations/:id/stream (without the upgrade)', request: (c) => [`/conversations/${c.id}/stream?t=${c.token}`, {}] },
  ];

  it.each(routes)('answers RATE_LIMIT_PER_IP_PER_MINUTE requests per address a minute on $label, then 429', async ({ request }) => {
    const chat = await openChat();
    const { answers, refused, other } = await inOneWindow(60, async () => {
      const address = freshAddress();
      const [path, init] = request(chat);
      const send = (from: string) => call(`${app.url}/v3/directline${path}`, { ...init, address: from });
      const answers: number[] = [];
      // One at a time, as the limit is reached exactly at the last.
      for (let i = 0; i < PER_ADDRESS; i++) answers.push((await send(address)).status);
      return { answers, refused: await send(address), other: await send(freshAddress()) };
    });
    expect(answers.every((status) => status !== 429)).toBe(true);
    expect(refused).toEqual(tooMany(/from this address/));
    expect(other.status).not.toBe(429);
  });

  it('refuses a WebSocket over the limit before upgrading, with a plain 429', async () => {
    const chat = await openChat();
    const status = await inOneWindow(60, async () => {
      const address = freshAddress();
      for (let i = 0; i < PER_ADDRESS; i++) {
        await call(`${app.url}/v3/directline/conversations/${chat.id}/activities`, { address, headers: { authorization: `Bearer ${chat.token}` } });
      }
      const url = `${app.url.replace('http', 'ws')}/v3/directline/conversations/${chat.id}/stream?t=${chat.token}`;
      return new Promise<number>((resolve) => {
        const socket = new WebSocket(url, { headers: { 'x-forwarded-for': address } });
        socket.on('unexpected-response', (request, response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
      });
    });
    expect(status).toBe(429);
  });

  it('takes RATE_LIMIT_PER_MINUTE messages per conversation a minute, then answers 429', async () => {
    const client = new DirectLineClient(app.url);
    await client.start();
    const { statuses, refused } = await inOneWindow(60, async () => {
      const statuses: number[] = [];
      // Typing runs no turn, and counts like any other activity.
      for (let i = 0; i < PER_MINUTE; i++) statuses.push((await client.send({ type: 'typing' })).status);
      return { statuses, refused: await client.send({ type: 'message', text: 'hello' }) };
    });
    expect(statuses).toEqual(Array(PER_MINUTE).fill(200));
    expect(refused).toEqual(tooMany(/wait a minute/));
  });

  it('takes LOGIN_LIMITS.perAddress sign-in attempts per address in its window, then answers 429, even to the right password', async () => {
    const { statuses, refused } = await inOneWindow(LOGIN_LIMITS.windowSeconds, async () => {
      const address = freshAddress();
      const attempt = (username: string, password: string) =>
        call(`${app.url}/console/api/session`, { method: 'POST', address, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      const statuses: number[] = [];
      // Different names, so that the limit per username is not what refuses.
      for (let i = 0; i < LOGIN_LIMITS.perAddress; i += 10) {
        const batch = Array.from({ length: Math.min(10, LOGIN_LIMITS.perAddress - i) }, (_, j) => attempt(`guess${i + j}`, 'wrong password'));
        statuses.push(...(await Promise.all(batch)).map((answer) => answer.status));
      }
      return { statuses, refused: await attempt('cw', 'correct horse battery staple') };
    });
    expect(statuses).toEqual(Array(LOGIN_LIMITS.perAddress).fill(401));
    expect(refused).toEqual(tooMany(/too many sign-in attempts/));
    // From elsewhere, the account still signs in.
    expect((await new StaffClient(app.url).signIn('cw')).status).toBe(200);
  }, 120_000); // 50 scrypt checks: slow on purpose, and slower on a busy machine

  it('has no limit per address on the Telegram webhook: everything comes from Telegram\'s few servers', async () => {
    const address = freshAddress();
    const people = Array.from({ length: PER_ADDRESS + 5 }, (_, i) => ({ id: 800_000_001 + i, language_code: 'en' }));
    const statuses = await Promise.all(
      people.map(async (person) => {
        const response = await fetch(`${app.url}/telegram/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET, 'x-forwarded-for': address },
          body: JSON.stringify(double.textUpdate(person, '/start')),
        });
        return response.status;
      }),
    );
    expect(statuses).toEqual(people.map(() => 200));
    // Every one of them is answered.
    for (const person of people) await double.waitForPrompt(person.id, 0, 20_000);
  });
});
