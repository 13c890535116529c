import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/app.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { signToken } from '../../src/channels/directline-token.js';
import { startTestServer, TEST_SECRET } from '../support/server.js';

/** The Direct Line 3.0 contract, the same with memory storage and with Redis. */
function directLineSuite(env: () => Record<string, string>): void {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer(env());
  });
  afterAll(async () => {
    await app.close();
  });

  it('starts a conversation, greets in the browser language suggestion, and offers seven languages', async () => {
    const client = new DirectLineClient(app.url);
    await client.open('fr-FR');
    const prompt = await client.waitForPrompt(0);
    expect(prompt.locale).toBe('fr');
    expect(prompt.suggestedActions?.actions.map((a) => a.value)).toEqual(['lang:en', 'lang:fr', 'lang:es', 'lang:ar', 'lang:fa', 'lang:ru', 'lang:uk']);
    client.close();
  });

  it('exchanges messages: picking a language opens the menu in that language', async () => {
    const client = new DirectLineClient(app.url);
    const menu = await client.openIn('uk');
    expect(menu.locale).toBe('uk');
    expect(menu.suggestedActions?.actions.map((a) => a.value)).toEqual([
      'menu:rights', 'menu:safe', 'menu:check', 'menu:services', 'menu:human', 'menu:language', 'menu:privacy',
    ]);
    // The person's own message is echoed on the stream, as Direct Line clients expect.
    expect(client.received.some((a) => a.from.id === client.userId && a.text === 'lang:uk')).toBe(true);
    client.close();
  });

  it('misses nothing across a dropped socket: reconnecting with the watermark delivers what was sent meanwhile', async () => {
    const client = new DirectLineClient(app.url);
    await client.openIn('en');
    const seen = client.botMessages().length;
    client.drop();
    // While the socket is down, the person sends (over HTTP) and the bot answers.
    await client.say('menu:privacy');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.reconnect();
    const messages = await client.waitForBotMessages(seen + 2);
    expect(messages.slice(seen).map((a) => a.text).join('\n')).toMatch(/privacy/i);
    // Activity ids are dense and ordered: nothing skipped, nothing twice.
    const ids = client.received.map((a) => Number(a.id.split('|')[1]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    client.close();
  });

  it('serves activities over HTTP since a watermark', async () => {
    const client = new DirectLineClient(app.url);
    await client.open();
    await client.waitForPrompt(0);
    const all = await client.call('GET', `/conversations/${client.conversationId}/activities`);
    expect(all.status).toBe(200);
    const since = await client.call('GET', `/conversations/${client.conversationId}/activities?watermark=1`);
    expect(since.json.activities.length).toBe(all.json.activities.length - 1);
    expect(since.json.watermark).toBe(all.json.watermark);
    client.close();
  });

  it('refreshes a token, and the new token works', async () => {
    const client = new DirectLineClient(app.url);
    await client.start();
    const refreshed = await client.call('POST', '/tokens/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.conversationId).toBe(client.conversationId);
    client.token = refreshed.json.token;
    expect((await client.send({ type: 'message', text: 'hello' })).status).toBe(200);
  });

  it('refuses bad tokens (403), a token for another conversation (403), and unknown conversations (404)', async () => {
    const a = new DirectLineClient(app.url);
    const b = new DirectLineClient(app.url);
    await a.start();
    await b.start();
    expect((await a.call('GET', `/conversations/${a.conversationId}/activities`, undefined, 'dl1.forged.token')).status).toBe(403);
    expect((await a.call('GET', `/conversations/${a.conversationId}/activities`, undefined, '')).status).toBe(401);
    expect((await a.call('GET', `/conversations/${b.conversationId}/activities`)).status).toBe(403);
    expect((await a.call('GET', '/conversations/unknownConversation1/activities')).status).toBe(403);
    const missing = await a.call('POST', '/tokens/refresh', undefined, 'dl1.eyJjIjoiYSIsImUiOjF9.x');
    expect(missing.status).toBe(403);
    // A genuine token for a conversation that was never opened (or has expired).
    const never = 'neverOpenedConversation1';
    const token = signToken(TEST_SECRET, { conversationId: never, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    expect((await a.call('GET', `/conversations/${never}/activities`, undefined, token)).status).toBe(404);
    expect((await a.call('POST', `/conversations/${never}/activities`, { type: 'message', text: 'hi' }, token)).status).toBe(404);
    expect((await a.call('POST', '/tokens/refresh', undefined, token)).status).toBe(404);
  });

  it('refuses a WebSocket without a valid token before upgrading', async () => {
    const client = new DirectLineClient(app.url);
    await client.start();
    const url = `${app.url.replace('http', 'ws')}/v3/directline/conversations/${client.conversationId}/stream?t=bad`;
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(url);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });

  it('answers malformed bodies with 400 and oversized ones with 413, and keeps the conversation working', async () => {
    const client = new DirectLineClient(app.url);
    await client.open();
    await client.waitForPrompt(0);
    const broken = await client.call('POST', `/conversations/${client.conversationId}/activities`, '{"type": "message", "text": ');
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('BadArgument');
    const wrongType = await client.send({ type: 42 });
    expect(wrongType.status).toBe(400);
    const huge = await client.send({ type: 'message', text: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    const menu = await client.ask('lang:en');
    expect(menu.suggestedActions?.actions.length).toBe(7);
    client.close();
  });

  it('answers a long message kindly instead of failing', async () => {
    const client = new DirectLineClient(app.url);
    await client.openIn('en');
    const before = client.botMessages().length;
    await client.say('word '.repeat(1000));
    const reply = await client.waitForPrompt(before);
    expect(client.botMessages().slice(before).map((a) => a.text).join(' ')).toMatch(/too long/i);
    expect(reply.suggestedActions?.actions.length).toBe(7);
    client.close();
  });

  it('replaces the older socket when a second one opens for the same conversation', async () => {
    const client = new DirectLineClient(app.url);
    const streamUrl = await client.start();
    const first = new WebSocket(streamUrl);
    const closed = new Promise<number>((resolve) => first.on('close', (code) => resolve(code)));
    await new Promise((resolve) => first.on('open', resolve));
    await client.reconnect();
    expect(await closed).toBe(4000);
    client.close();
  });
}

describe('Direct Line with memory storage', () => {
  directLineSuite(() => ({}));
});

describeRedis('Direct Line with Redis storage', () => {
  directLineSuite(() => ({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() }));
});
