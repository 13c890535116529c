import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createPseudonymizer } from '../../src/bot/pseudonym.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer, TEST_SECRET } from '../support/server.js';

function forgetSuite(env: () => Record<string, string>) {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer(env());
  });
  afterAll(async () => {
    await app.close();
  });

  /** A person who chose a language and a country, typed a question, and is waiting for a caseworker. */
  async function personWithHistory(): Promise<DirectLineClient> {
    await app.handoff.heartbeat('amina');
    const client = new DirectLineClient(app.url);
    await client.openIn('en');
    await client.ask('menu:services');
    await client.ask('country:GR');
    await client.ask('my boss took my passport');
    await client.ask('/human');
    const before = client.botMessages().length;
    await client.say('share:yes');
    await client.waitForBotMessages(before + 1);
    return client;
  }

  it('keeps nothing without a retention time after a full conversation with a handoff', async () => {
    const client = await personWithHistory();
    const keys = await app.store.keys('');
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect({ key, ttl: await app.store.ttl(key) }).toEqual({ key, ttl: expect.any(Number) }), expect(await app.store.ttl(key)).toBeGreaterThan(0);
    client.close();
  });

  it('/forget asks first, then removes everything about the person and ends their place in the queue', async () => {
    const client = await personWithHistory();
    const userKey = createPseudonymizer(TEST_SECRET)('directline', client.userId);
    const mine = async () => [...(await app.store.keysContaining(client.conversationId)), ...(await app.store.keysContaining(userKey))];
    expect((await mine()).length).toBeGreaterThan(2);
    expect(await app.handoff.get(client.conversationId)).toBeDefined();

    const confirm = await client.ask('/forget');
    expect(confirm.suggestedActions?.actions.map((a) => a.value)).toEqual(['privacy:yes', 'privacy:no']);
    const before = client.botMessages().length;
    await client.say('privacy:yes');
    await client.waitForBotMessages(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const said = client.botMessages().slice(before);
    expect(said.map((m) => m.text)).toEqual([expect.stringMatching(/Everything I kept about you is deleted/)]);
    expect(said[0]?.suggestedActions?.actions.map((a) => [a.value, a.title])).toEqual([['nav:menu', 'Start again']]);

    expect(await app.handoff.get(client.conversationId)).toBeUndefined();
    const left = await mine();
    // Only the web chat's delivery log remains, emptied but for the confirmation just sent, and
    // the record that the conversation exists, so that the open page goes on working.
    expect(left.filter((k) => !k.startsWith('dl:'))).toEqual([]);
    const log = await app.store.readLog<{ text?: string }>(`dl:log:${client.conversationId}`, 0);
    expect(log.map((e) => e.value.text)).toEqual([expect.stringMatching(/deleted/)]);
    expect(JSON.stringify(await app.store.keys(''))).not.toContain(userKey);

    // Starting again (the button, or writing anything) begins from the greeting, in a fresh state.
    const greeting = await client.ask('nav:menu');
    expect(greeting.suggestedActions?.actions.map((a) => a.value)).toContain('lang:en');
    await app.handoff.offline('amina');
    client.close();
  });

  it('takes "yes" typed in the person\'s language as the yes button, and anything else as no', async () => {
    const client = new DirectLineClient(app.url);
    await client.openIn('fr');
    await client.ask('/forget');
    let before = client.botMessages().length;
    await client.ask('pourquoi ?');
    expect(client.botMessages().slice(before).map((m) => m.text).join('\n')).toMatch(/rien n'a été effacé/);
    await client.ask('/forget');
    before = client.botMessages().length;
    const again = await client.ask('Oui');
    expect(client.botMessages().slice(before).map((m) => m.text)).toEqual([expect.stringMatching(/^C'est fait. Tout ce que je gardais sur vous est effacé/)]);
    expect(again.suggestedActions?.actions.map((a) => a.value)).toEqual(['nav:menu']);
    client.close();
  });

  it('keeps everything when the person says no', async () => {
    const client = new DirectLineClient(app.url);
    await client.openIn('en');
    await client.ask('menu:privacy');
    await client.ask('privacy:delete');
    const before = client.botMessages().length;
    const menu = await client.ask('privacy:no');
    expect(client.botMessages().slice(before).map((m) => m.text).join('\n')).toMatch(/nothing was deleted/);
    expect(menu.locale).toBe('en');
    client.close();
  });
}

describe('forgetting a person, in memory', () => {
  forgetSuite(() => ({}));
});

describeRedis('forgetting a person, on Redis', () => {
  forgetSuite(() => ({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() }));
});
