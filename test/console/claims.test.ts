import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { REFUSALS } from '../../src/console/routes.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer } from '../support/server.js';
import { StaffClient, staffFile } from './support.js';

/** A person waiting in the queue, as the bot's handoff flow leaves them. */
async function waitingPerson(app: App): Promise<string> {
  const conversationKey = randomUUID();
  await app.handoff.request({
    conversationKey,
    channel: 'directline',
    language: 'fr',
    country: 'IT',
    urgent: false,
    shared: {},
    reference: { channelId: 'directline', conversation: { id: conversationKey }, bot: { id: 'bot' }, user: { id: 'person' } },
  });
  return conversationKey;
}

/** The same rules whether both caseworkers use one instance or each their own, sharing Redis. */
function claimSuite(start: (env: Record<string, string>) => Promise<[App, App]>): void {
  let a: App;
  let b: App;
  let amina: StaffClient;
  let omar: StaffClient;
  let sara: StaffClient;

  beforeAll(async () => {
    const file = await staffFile([
      { username: 'amina', roles: ['caseworker'] },
      { username: 'omar', roles: ['caseworker'], maxChats: 2 },
      { username: 'sara', roles: ['supervisor'] },
    ]);
    [a, b] = await start({ STAFF_FILE: file, HANDOFF_MAX_CHATS: '4' });
    amina = await StaffClient.signIn(a.url, 'amina');
    omar = await StaffClient.signIn(b.url, 'omar');
    sara = await StaffClient.signIn(b.url, 'sara');
  });
  afterAll(async () => {
    await Promise.all([...new Set([a, b])].map((app) => app?.close()));
  });

  it('gives a chat claimed by two caseworkers at once to exactly one of them; the other is told it was taken', async () => {
    for (let round = 0; round < 4; round++) {
      const key = await waitingPerson(a);
      const [first, second] = await Promise.all([amina.call('POST', `/cases/${key}/claim`), omar.call('POST', `/cases/${key}/claim`)]);
      const statuses = [first.status, second.status].sort();
      expect(statuses).toEqual([200, 409]);
      const [won, lost] = first.status === 200 ? [first, second] : [second, first];
      expect(lost.json.error.message).toBe(REFUSALS.taken);
      const owner = (await b.handoff.get(key))?.owner;
      expect(owner).toBe(won.json.case.owner);
      expect(['amina', 'omar']).toContain(owner);
      // Done with it: the next round starts with both caseworkers free.
      const winner = owner === 'amina' ? amina : omar;
      expect((await winner.call('POST', `/cases/${key}/close`)).status).toBe(200);
    }
  });

  it('keeps a taken chat to its owner; a supervisor sees it and can reassign it', async () => {
    const key = await waitingPerson(a);
    expect((await amina.call('POST', `/cases/${key}/claim`)).status).toBe(200);
    expect((await omar.call('POST', `/cases/${key}/claim`)).json.error.message).toBe(REFUSALS.taken);
    expect((await omar.call('GET', `/cases/${key}`)).status).toBe(403);
    for (const [path, body] of [['messages', { text: 'hi' }], ['notes', { text: 'mine now' }], ['transfer', { to: 'omar', note: '' }], ['hand-back', undefined]] as const) {
      expect((await omar.call('POST', `/cases/${key}/${path}`, body)).status, path).toBe(403);
    }
    expect((await omar.call('GET', '/cases')).json.cases.map((c: { conversationKey: string }) => c.conversationKey)).not.toContain(key);

    const everything = (await sara.call('GET', '/cases')).json.cases;
    expect(everything).toContainEqual(expect.objectContaining({ conversationKey: key, owner: 'amina', status: 'active' }));
    const moved = await sara.call('POST', `/cases/${key}/transfer`, { to: 'omar', note: 'Omar speaks French' });
    expect(moved.status).toBe(200);
    expect((await a.handoff.get(key))?.owner).toBe('omar');
    expect((await amina.call('POST', `/cases/${key}/notes`, { text: 'still mine?' })).status).toBe(403);
    const view = (await omar.call('GET', `/cases/${key}`)).json;
    expect(view.notes).toContainEqual(expect.objectContaining({ by: 'sara', text: 'Omar speaks French' }));

    // A caseworker can put their own chat back in the queue, with a note for whoever takes it next.
    expect((await omar.call('POST', `/cases/${key}/transfer`, { to: null, note: 'needs a lawyer' })).status).toBe(200);
    expect((await a.handoff.get(key))?.status).toBe('queued');
    expect((await amina.call('POST', `/cases/${key}/claim`)).status).toBe(200);
    expect((await amina.call('POST', `/cases/${key}/close`)).status).toBe(200);
    expect(await a.handoff.get(key)).toBeUndefined();
  });

  it('holds each caseworker to the chat limit they chose, within their maximum', async () => {
    const me = (await omar.call('GET', '/me')).json;
    expect(me).toMatchObject({ maxChats: 2, chatLimit: 2 });
    expect((await omar.call('PUT', '/me/chat-limit', { limit: 3 })).status).toBe(400);
    expect((await omar.call('PUT', '/me/chat-limit', { limit: 1 })).json).toEqual({ chatLimit: 1 });

    const [first, second] = [await waitingPerson(a), await waitingPerson(a)];
    expect((await omar.call('POST', `/cases/${first}/claim`)).status).toBe(200);
    const refused = await omar.call('POST', `/cases/${second}/claim`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toBe(REFUSALS.limit);
    expect((await a.handoff.get(second))?.status).toBe('queued');

    expect((await omar.call('PUT', '/me/chat-limit', { limit: 2 })).status).toBe(200);
    expect((await omar.call('POST', `/cases/${second}/claim`)).status).toBe(200);
    for (const key of [first, second]) expect((await omar.call('POST', `/cases/${key}/close`)).status).toBe(200);
  });

  it('records a referral only to a service the content lists for that country', async () => {
    const key = await waitingPerson(a);
    await amina.call('POST', `/cases/${key}/claim`);
    const services = (await amina.call('GET', '/services')).json.countries.find((c: { code: string }) => c.code === 'IT').services;
    const { kind, organisation } = services[0];
    expect((await amina.call('POST', `/cases/${key}/referrals`, { country: 'IT', kind, organisation: 'Made Up Org' })).status).toBe(400);
    const made = await amina.call('POST', `/cases/${key}/referrals`, { country: 'IT', kind, organisation });
    expect(made.status).toBe(200);
    expect(made.json.referrals).toEqual([expect.objectContaining({ by: 'amina', country: 'IT', kind, organisation })]);
    expect((await amina.call('POST', `/cases/${key}/close`)).status).toBe(200);
  });
}

describe('claiming chats, one instance in memory', () => {
  claimSuite(async (env) => {
    const app = await startTestServer(env);
    return [app, app];
  });
});

describeRedis('claiming chats, two instances on one Redis', () => {
  claimSuite(async (env) => {
    const shared = { ...env, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() };
    return Promise.all([startTestServer(shared), startTestServer(shared)]);
  });
});
