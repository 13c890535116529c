import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DirectLineClient } from '../support/directline-client.js';
import { startTestServer } from '../support/server.js';

/**
 * The person's side of talking to a person, through the real web chat. The caseworker's side is
 * driven through the same service and bridge the console uses.
 */
describe('talking to a person, as the person sees it', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer({ HANDOFF_WAIT_SECONDS: '10' });
  });
  afterAll(async () => {
    await app.close();
  });

  async function personAtMenu(): Promise<DirectLineClient> {
    const client = new DirectLineClient(app.url);
    await client.openIn('en');
    return client;
  }

  /** Asks for a person (with this button) and shares nothing: the person is then in the queue. */
  async function joinQueue(client: DirectLineClient, ask = 'menu:human'): Promise<void> {
    await client.ask(ask);
    const before = client.botMessages().length;
    await client.say('share:no');
    await client.waitForBotMessages(before + 1);
  }

  async function texts(client: DirectLineClient, from: number): Promise<string> {
    return client.botMessages().slice(from).map((m) => m.text ?? '').join('\n');
  }

  it('with nobody online, gives the hotline numbers at once instead of a queue', async () => {
    const client = await personAtMenu();
    await client.ask('menu:services');
    await client.ask('country:IT');
    const before = client.botMessages().length;
    await client.ask('/human');
    const said = await texts(client, before);
    expect(said).toContain('They answer at these times: every day, day and night.');
    expect(said).toMatch(/no caseworker can answer right now/i);
    expect(said).toMatch(/800 290 290/); // Italy's anti-trafficking line, from the services file
    expect(await app.handoff.queue()).toEqual([]);
    client.close();
  });

  it('tells the hours in the person\'s language, not as they are configured', async () => {
    const hotline = await startTestServer({ HANDOFF_HOURS: 'mon-fri 09:00-17:00, sat 10:00-13:00', HANDOFF_TIMEZONE: 'Europe/Rome' });
    try {
      const client = new DirectLineClient(hotline.url);
      await client.openIn('fr');
      const before = client.botMessages().length;
      await client.ask('/human');
      const said = client.botMessages().slice(before).map((m) => m.text ?? '').join('\n');
      expect(said).toContain('lundi–vendredi 09:00–17:00 et samedi 10:00–13:00 (heure d’Europe centrale)');
      expect(said).not.toContain('mon-fri');
      client.close();
    } finally {
      await hotline.close();
    }
  });

  it('queues, goes silent while a caseworker has the chat, relays both ways, and hands back to the menu', async () => {
    await app.handoff.heartbeat('amina');
    const client = await personAtMenu();
    let before = client.botMessages().length;
    await client.say('my boss has my passport and i am scared');
    await client.waitForPrompt(before);
    before = client.botMessages().length;
    const share = await client.ask('can i speak to a real person');
    expect(await texts(client, before)).toMatch(/caseworker/i);
    expect(share.suggestedActions?.actions.map((a) => a.value)).toEqual(['share:yes', 'share:no']);
    before = client.botMessages().length;
    await client.say('share:yes');
    await client.waitForBotMessages(before + 1);
    expect(await texts(client, before)).toMatch(/number 1 in the queue/);

    const [waiting] = await app.handoff.queue();
    expect(waiting?.conversationKey).toBe(client.conversationId);
    expect(waiting?.shared.recentMessages).toEqual(['my boss has my passport and i am scared', 'can i speak to a real person']);

    // While waiting, what the person writes reaches the transcript.
    before = client.botMessages().length;
    await client.say('are you there?');
    await client.waitForBotMessages(before + 1);
    expect(await texts(client, before)).toMatch(/still waiting/);

    const claim = await app.handoff.claim(client.conversationId, 'amina', 5);
    expect(claim.ok).toBe(true);
    if (!claim.ok) return;
    await app.personBridge.joined(claim.case, 'Amina');
    await client.waitForBotMessages(before + 2);
    expect(client.botMessages().at(-1)?.text).toMatch(/Amina from the hotline team has joined/);

    // The bot says nothing now, even to a question it would answer.
    before = client.botMessages().length;
    await client.say('what are my rights at work?');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(client.botMessages().length).toBe(before);
    expect((await app.handoff.transcript(client.conversationId)).map((e) => e.text)).toEqual(['are you there?', 'what are my rights at work?']);

    // The caseworker sees the person typing, and the person sees the caseworker typing.
    const events: string[] = [];
    const stop = await app.handoff.subscribe((event) => {
      if (event.type === 'typing') events.push(`${event.conversationKey}:${event.author}`);
    });
    await client.send({ type: 'typing' });
    await expect.poll(() => events).toContain(`${client.conversationId}:person`);
    await stop();
    await app.personBridge.typing(claim.case);
    await expect.poll(() => client.received.some((a) => a.type === 'typing' && a.from.role === 'bot')).toBe(true);

    await app.personBridge.say(claim.case, 'Hello, I am here to help. Where are you now?');
    await client.waitForBotMessages(before + 1);
    expect(client.botMessages().at(-1)?.text).toBe('Hello, I am here to help. Where are you now?');

    await app.handoff.end(client.conversationId, 'amina', 'handed_back');
    await app.personBridge.handBack(claim.case, 'handed_back');
    const menu = await client.waitForPrompt(before + 1);
    expect(await texts(client, before + 1)).toMatch(/back to help you/);
    expect(menu.suggestedActions?.actions.map((a) => a.value)).toContain('menu:human');
    await app.handoff.offline('amina');
    client.close();
  });

  it('after words of danger, puts a request for a person first in the queue, marked urgent', async () => {
    await app.handoff.heartbeat('amina');
    const waiting = await personAtMenu();
    await joinQueue(waiting);

    const client = await personAtMenu();
    const countries = await client.ask('they locked me in and I cannot leave');
    expect(await texts(client, 0)).toMatch(/Your safety comes first.*which country you are in now/s);
    expect(countries.suggestedActions?.actions.map((a) => a.value)).toContain('country:IT');
    const help = await client.ask('country:IT');
    expect(help.suggestedActions?.actions.map((a) => a.value)).toContain('human:urgent');
    await joinQueue(client, 'human:urgent');
    const queue = await app.handoff.queue();
    expect(queue.map((c) => [c.conversationKey, c.urgent])).toEqual([
      [client.conversationId, true],
      [waiting.conversationId, false],
    ]);
    for (const person of [client, waiting]) {
      await app.handoff.end(person.conversationId, 'person', 'cancelled');
      person.close();
    }
    await app.handoff.offline('amina');
  });

  it('words of danger while waiting make the request urgent, first in the queue, and bring the emergency numbers', async () => {
    await app.handoff.heartbeat('amina');
    const earlier = await personAtMenu();
    await joinQueue(earlier);
    const client = await personAtMenu();
    await client.ask('menu:services');
    await client.ask('country:IT');
    await joinQueue(client);
    expect((await app.handoff.queue()).map((c) => c.conversationKey)).toEqual([earlier.conversationId, client.conversationId]);

    const before = client.botMessages().length;
    const reply = await client.ask('they locked me in');
    const said = await texts(client, before);
    expect(said).toMatch(/^\*\*Your safety comes first\.\*\* The caseworker will see that this is urgent/);
    expect(said).toMatch(/Help in Italy[\s\S]*112/);
    expect(said).toMatch(/number 1 in the queue\)/);
    expect(reply.suggestedActions?.actions.map((a) => a.value)).toEqual(['handoff:cancel']);
    expect((await app.handoff.queue()).map((c) => [c.conversationKey, c.urgent])).toEqual([
      [client.conversationId, true],
      [earlier.conversationId, false],
    ]);
    // The caseworker sees the words as written; the audit log says why the chat became urgent.
    expect((await app.handoff.transcript(client.conversationId)).at(-1)).toMatchObject({ author: 'person', text: 'they locked me in' });
    expect((await app.handoff.auditLog()).find((e) => e.conversationKey === client.conversationId && e.action === 'escalated')).toBeDefined();

    // Talking with a caseworker: the chat becomes urgent for them, and the bot stays silent.
    const claim = await app.handoff.claim(earlier.conversationId, 'amina', 5);
    expect(claim.ok).toBe(true);
    const quiet = earlier.botMessages().length;
    await earlier.say('he hit me again');
    await expect.poll(async () => (await app.handoff.get(earlier.conversationId))?.urgent).toBe(true);
    expect(earlier.botMessages().length).toBe(quiet);

    for (const person of [client, earlier]) {
      await app.handoff.end(person.conversationId, 'person', 'cancelled');
      person.close();
    }
    await app.handoff.offline('amina');
  });

  it('takes "yes" typed in the person\'s language as yes to sharing, and anything else as no', async () => {
    await app.handoff.heartbeat('amina');
    for (const [typed, shared] of [['sí', ['mi jefe tiene mi pasaporte', 'sí']], ['quizás', undefined]] as const) {
      const client = new DirectLineClient(app.url);
      await client.openIn('es');
      await client.ask('mi jefe tiene mi pasaporte');
      const share = await client.ask('/human');
      expect(share.suggestedActions?.actions.map((a) => a.value)).toEqual(['share:yes', 'share:no']);
      await client.ask(typed);
      expect((await app.handoff.get(client.conversationId))?.shared.recentMessages).toEqual(shared);
      await app.handoff.end(client.conversationId, 'person', 'cancelled');
      client.close();
    }
    await app.handoff.offline('amina');
  });

  it('lets the person stop waiting at any time', async () => {
    await app.handoff.heartbeat('amina');
    const client = await personAtMenu();
    await joinQueue(client);
    expect((await app.handoff.queue()).some((c) => c.conversationKey === client.conversationId)).toBe(true);
    const before = client.botMessages().length;
    const menu = await client.ask('handoff:cancel');
    expect(await texts(client, before)).toMatch(/left the queue/);
    expect(menu.suggestedActions?.actions.length).toBe(7);
    expect((await app.handoff.queue()).some((c) => c.conversationKey === client.conversationId)).toBe(false);
    await app.handoff.offline('amina');
    client.close();
  });

  it('sends the hotline numbers when nobody answers in time, and tells the new place in the queue', async () => {
    await app.handoff.heartbeat('amina');
    const first = await personAtMenu();
    const second = await personAtMenu();
    for (const client of [first, second]) await joinQueue(client);
    await app.personBridge.sweep(new Date()); // records the places people were told
    await app.handoff.end(first.conversationId, 'person', 'cancelled');
    let before = second.botMessages().length;
    await app.personBridge.sweep(new Date());
    await second.waitForBotMessages(before + 1);
    expect(second.botMessages().at(-1)?.text).toMatch(/now number 1/);

    before = second.botMessages().length;
    await app.personBridge.sweep(new Date(Date.now() + 11_000));
    await second.waitForBotMessages(before + 2);
    expect(await texts(second, before)).toMatch(/Nobody has answered yet/);
    // Only once, however often the sweeper runs.
    await app.personBridge.sweep(new Date(Date.now() + 12_000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.botMessages().length).toBe(before + 2);
    await app.handoff.offline('amina');
    first.close();
    second.close();
  });
});
