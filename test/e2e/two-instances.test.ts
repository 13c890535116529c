import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer } from '../support/server.js';

describeRedis('two server instances sharing one Redis', () => {
  let a: App;
  let b: App;
  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() };
    [a, b] = await Promise.all([startTestServer(env), startTestServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('continues on the second instance a conversation started on the first', async () => {
    const client = new DirectLineClient(a.url);
    await client.open('ru-RU');
    await client.waitForPrompt(0);
    await client.ask('lang:ru');
    client.drop();

    // The load balancer now sends this phone to instance B: same token, same state.
    await client.reconnect(b.url);
    const before = client.botMessages().length;
    await client.say('menu:privacy');
    const menu = await client.waitForPrompt(before);
    expect(menu.locale).toBe('ru');
    expect(client.botMessages().slice(before).map((m) => m.text).join('\n')).toMatch(/privacy|конфиденц/i);
    client.close();
  });

  it('pushes replies to a socket held by the other instance', async () => {
    const client = new DirectLineClient(a.url);
    await client.open();
    await client.waitForPrompt(0);
    // Socket on A, messages posted through B: the replies arrive on A's socket.
    const viaB = new DirectLineClient(b.url, client.userId);
    viaB.conversationId = client.conversationId;
    viaB.token = client.token;
    const before = client.botMessages().length;
    const sent = await viaB.send({ type: 'message', text: 'lang:es' });
    expect(sent.status).toBe(200);
    const menu = await client.waitForPrompt(before);
    expect(menu.locale).toBe('es');
    client.close();
  });

  it('runs the turns of one conversation one at a time across instances', async () => {
    const client = new DirectLineClient(a.url);
    await client.openIn('en');
    const viaB = new DirectLineClient(b.url, client.userId);
    viaB.conversationId = client.conversationId;
    viaB.token = client.token;
    const before = client.botMessages().length;
    // Ten quick presses, alternating instances: each must get its own answer and a menu after it.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? viaB : client).send({ type: 'message', text: 'menu:privacy' })),
    );
    const messages = await client.waitForBotMessages(before + 20, 20_000);
    const texts = messages.slice(before).map((m) => (m.suggestedActions ? 'menu' : 'privacy'));
    expect(texts).toEqual(Array.from({ length: 10 }, () => ['privacy', 'menu']).flat());
    client.close();
  });
});
