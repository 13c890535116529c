import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/app.js';
import { toTelegramMessages } from '../../src/channels/telegram.js';
import { DirectLineClient } from '../support/directline-client.js';
import { startTelegramTestServer, startTestServer } from '../support/server.js';

/** What the fuzzing found, each pinned down by a plain example. */

const SECRET = 'findings-webhook-secret-0123456789';

describe('what the fuzzing found', () => {
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, close } = await startTelegramTestServer({}, { webhook: { secret: SECRET } }));
  });
  afterAll(() => close?.());

  const hook = (body: string, secret?: string) =>
    fetch(`${app.url}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body,
    });

  it('refuses a Telegram update whose fields have the wrong type with 400, not 500', async () => {
    const update = { update_id: 1, message: { message_id: 1, date: 1_700_000_000, chat: null, from: { id: 5, is_bot: false, first_name: 'x' }, text: 'hi' } };
    const answer = await hook(JSON.stringify(update), SECRET);
    expect(answer.status).toBe(400);
    expect((await answer.json()).error.message).toMatch(/^not a Telegram update: message\.chat/);
    for (const broken of [{ ...update, message: { ...update.message, chat: { id: '5', type: 'private' } } }, { update_id: 2, callback_query: 'x' }]) {
      expect((await hook(JSON.stringify(broken), SECRET)).status).toBe(400);
    }
    // Update types the bot does not ask for are taken and ignored.
    expect((await hook(JSON.stringify({ update_id: 3, channel_post: { anything: true } }), SECRET)).status).toBe(200);
  });

  it('checks the webhook secret before reading the body', async () => {
    for (const body of ['{"update_id":', 'x'.repeat(100_000)]) expect((await hook(body)).status).toBe(401);
  });

  it('checks the Direct Line token before reading the body', async () => {
    const client = new DirectLineClient(app.url);
    await client.start();
    const broken = await client.call('POST', `/conversations/${client.conversationId}/activities`, '{"type": ', 'dl1.not.valid');
    expect(broken.status).toBe(403);
  });

  it('answers 400 to a Host header no URL can be built from, instead of failing', async () => {
    const generated = await new DirectLineClient(app.url).call('POST', '/tokens/generate', undefined, '');
    const response = await fetch(`${app.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${generated.json.token}`, 'x-forwarded-host': 'a b' },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/Host/);
  });

  it('answers a plain HTTP request to the stream with 426 and the JSON error', async () => {
    const client = new DirectLineClient(app.url);
    await client.start();
    const answer = await client.call('GET', `/conversations/${client.conversationId}/stream`);
    expect(answer).toEqual({ status: 426, json: { error: { code: 'UpgradeRequired', message: expect.any(String) } } });
  });

  it('answers the router\'s refusals in the same JSON shape', async () => {
    const badUrl = await fetch(`${app.url}/v3/directline/conversations/%zz/activities`);
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toEqual({ error: { code: 'BadArgument', message: 'the URL is not valid' } });
    const longParam = await fetch(`${app.url}/v3/directline/conversations/${'a'.repeat(200)}/activities`);
    expect(longParam.status).toBe(404);
    expect((await longParam.json()).error.code).toBe('NotFound');
  });

  it('closes the socket of a WebSocket upgrade to a URL the router cannot read, so that shutdown does not wait for it', async () => {
    const other = await startTestServer();
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${other.url.replace('http', 'ws')}/v3/directline/conversations/%F0%9F%98/stream`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(400);
    const closed = await Promise.race([other.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 5000))]);
    expect(closed).toBe('closed');
  });

  it('does not take "constructor" or "__proto__" for a language: the conversation goes on', async () => {
    for (const typed of ['constructor', '__proto__']) {
      const client = new DirectLineClient(app.url);
      await client.open();
      await client.waitForPrompt(0);
      // Not understood: the languages are offered again.
      const again = await client.ask(typed);
      expect(again.suggestedActions?.actions.map((a) => a.value)).toContain('lang:en');
      // Before, the language became Object's constructor, and every later turn failed.
      await client.ask('lang:en');
      const answer = await client.ask('my boss took my pasport');
      expect(client.botMessages().map((m) => m.text).join('\n')).toMatch(/passport/i);
      expect(answer.suggestedActions?.actions.length).toBeGreaterThan(0);
      client.close();
    }
  });

  it('renders "** **" and "[ ](…)" as typed, never as a Telegram message with nothing to show', () => {
    expect(toTelegramMessages('** **')).toEqual(['** **']);
    expect(toTelegramMessages('[ ](https://example.org)')).toEqual(['[ ](https://example.org)']);
    expect(toTelegramMessages('**bold** and [a link](https://example.org)')).toEqual(['<b>bold</b> and <a href="https://example.org">a link</a>']);
  });
});
