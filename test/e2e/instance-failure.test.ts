import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { App } from '../../src/app.js';
import type { HandoffEvent } from '../../src/handoff/handoff-service.js';
import { StaffClient, staffFile } from '../console/support.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer, TEST_SECRET } from '../support/server.js';

/**
 * An instance crashing in the middle of a chat with a caseworker. Instance A is the real server
 * (src/main.ts) in a child process of its own, killed with SIGKILL: no drain, no graceful close of
 * its sockets or of its Redis connections, no "finally" of any kind, as after an out-of-memory kill
 * or a crash. (Closing an in-process server, even abruptly, would still run app.close(): it waits
 * for turns, unsubscribes and QUITs Redis, which a crash never does.) Instance B runs in this
 * process on the same Redis prefix, so the test can look at what it holds.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** For waits that cross instances on a busy machine. */
const PATIENCE = { timeout: 10_000 };
const ACCOUNTS = [{ username: 'amina', name: 'Amina', roles: ['caseworker' as const] }];

/** The server's own entry point in a child process; resolves once it logs where it listens. */
class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(env: Record<string, string>, timeoutMs: number): Promise<ServerProcess> {
    // `node --import tsx`, not the tsx command: one process, so that the kill reaches the server itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Never left behind, even if this test process ends abruptly.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.removeListener('exit', orphan));
    // Its output is read to the end (a full pipe would block its logging), and kept for errors.
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    return new Promise((resolve, reject) => {
      let pending = '';
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.removeListener('exit', early);
        outcome();
      };
      const fail = (why: string) =>
        settle(() => {
          child.kill('SIGKILL');
          reject(new Error(`${why}\n${output}`));
        });
      const timer = setTimeout(() => fail(`the server did not start within ${timeoutMs} ms`), timeoutMs);
      const early = (code: number | null, signal: NodeJS.Signals | null) => fail(`the server exited (${code ?? signal}) before listening`);
      child.once('exit', early);
      child.stdout!.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4000);
        if (settled) return;
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          let entry: { msg?: string; url?: string } = {};
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            // not a log line
          }
          if (entry.msg === 'listening' && entry.url) settle(() => resolve(new ServerProcess(child, entry.url!)));
        }
      });
    });
  }

  /** Kills the process outright; resolves with the signal it died of. */
  async crash(): Promise<NodeJS.Signals | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.signalCode;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => this.child.once('exit', (_code, signal) => resolve(signal)));
    this.child.kill('SIGKILL');
    return exited;
  }
}

/** The caseworker's live console socket on B, with every event it pushed. */
function listen(socket: WebSocket): HandoffEvent[] {
  const events: HandoffEvent[] = [];
  socket.on('message', (data) => events.push(JSON.parse(String(data)) as HandoffEvent));
  return events;
}

/** Sequence numbers of a Direct Line conversation's activities ("<conversation>|0000012"). */
const seqOf = (id: string) => Number(id.split('|')[1]);

describeRedis('an instance crashing during a chat with a caseworker', () => {
  let a: ServerProcess;
  let b: App;

  beforeAll(async () => {
    const env = { SECRET_KEY: TEST_SECRET, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix(), STAFF_FILE: await staffFile(ACCOUNTS) };
    // Starting the real entry point compiles the TypeScript on the fly: slow on a busy machine.
    const [started, local] = await Promise.allSettled([ServerProcess.start({ NODE_ENV: 'test', ...env }, 110_000), startTestServer(env)]);
    if (started.status === 'fulfilled') a = started.value;
    if (local.status === 'fulfilled') b = local.value;
    for (const result of [started, local]) if (result.status === 'rejected') throw result.reason;
  }, 120_000);
  afterAll(async () => {
    await a?.crash();
    await b?.close();
  });

  it('keeps the chat going through the other instance, losing nothing said before the crash or while the person was cut off', async () => {
    // The caseworker works on B, through the console API and its live socket.
    const caseworker = await StaffClient.signIn(b.url, 'amina');
    const live = await caseworker.openSocket();
    const events = listen(live);
    await expect.poll(() => b.handoff.onlineStaff(), PATIENCE).toContain('amina');

    // The person is on the web chat, their socket on A, and asks for a person.
    const person = new DirectLineClient(a.url);
    /** The caseworker's console on B was told, live, that the person wrote this. */
    const personSaid = (text: string) =>
      expect.poll(() => events.some((e) => e.type === 'message' && e.conversationKey === person.conversationId && e.entry.author === 'person' && e.entry.text === text), PATIENCE).toBe(true);
    await person.open('en-US');
    await person.waitForPrompt(0);
    await person.ask('lang:en');
    await person.ask('My boss keeps my passport');
    const share = await person.ask('menu:human');
    expect(share.suggestedActions?.actions.map((x) => x.value)).toEqual(['share:yes', 'share:no']);
    const queued = await person.ask('share:yes');
    expect(queued.text).toMatch(/number 1 in the queue/);
    const fromQueued = person.botMessages().length - 1;

    const listed = await caseworker.call('GET', '/cases');
    expect(listed.json.cases).toEqual([expect.objectContaining({ conversationKey: person.conversationId, channel: 'directline', status: 'queued' })]);
    const key = encodeURIComponent(person.conversationId);
    const claimed = await caseworker.call('POST', `/cases/${key}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.json.told).toBe(true);
    await person.waitForBotMessages(fromQueued + 2);

    const send = async (text: string) => {
      const sent = await caseworker.call('POST', `/cases/${key}/messages`, { text });
      expect(sent.status, JSON.stringify(sent.json)).toBe(200);
    };
    await send('Hello, I am Amina. How can I help?');
    await person.waitForBotMessages(fromQueued + 3);
    await person.say('They took my passport when I arrived');
    await personSaid('They took my passport when I arrived');

    // A dies at once. Its port refuses connections from now on.
    const watermarkAtCrash = person.watermark;
    expect(await a.crash()).toBe('SIGKILL');
    await expect(fetch(`${a.url}/healthz`)).rejects.toThrow();

    // While the person is cut off, the caseworker writes: it waits in the conversation's log.
    await send('Are you safe where you are now?');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(person.botMessages().length).toBe(fromQueued + 3);
    expect(person.watermark).toBe(watermarkAtCrash);

    // The person's page reconnects with its watermark; the load balancer sends it to B.
    await person.reconnect(b.url);
    const caughtUp = await person.waitForBotMessages(fromQueued + 4);
    expect(caughtUp.at(-1)?.text).toBe('Are you safe where you are now?');

    // The chat goes on through B, both ways; the bot stays silent.
    await person.say('Yes, I am at a friend\u2019s place');
    await personSaid('Yes, I am at a friend\u2019s place');
    await send('Good. Let us look at what you can do.');
    await person.waitForBotMessages(fromQueued + 5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(person.botMessages().length).toBe(fromQueued + 5);

    // The case survived the crash, with its owner, and everything either side wrote is in the transcript.
    const opened = await caseworker.call('GET', `/cases/${key}`);
    expect(opened.status).toBe(200);
    expect((await b.handoff.get(person.conversationId))?.owner).toBe('amina');
    expect((await b.handoff.transcript(person.conversationId)).map((e) => [e.author, e.text])).toEqual([
      ['staff', 'Hello, I am Amina. How can I help?'],
      ['person', 'They took my passport when I arrived'],
      ['staff', 'Are you safe where you are now?'],
      ['person', 'Yes, I am at a friend\u2019s place'],
      ['staff', 'Good. Let us look at what you can do.'],
    ]);

    // Handing back works from B too: the notice, then the menu.
    const handedBack = await caseworker.call('POST', `/cases/${key}/hand-back`);
    expect(handedBack.json).toEqual({ told: true });
    const menu = await person.waitForPrompt(fromQueued + 5);
    expect(menu.suggestedActions?.actions.map((x) => x.value)).toContain('menu:human');

    // What the person saw, in order, with nothing missing.
    expect(person.botMessages().slice(fromQueued).map((m) => m.text)).toEqual([
      queued.text,
      'Amina from the hotline team has joined the chat. You can write now.',
      'Hello, I am Amina. How can I help?',
      'Are you safe where you are now?',
      'Good. Let us look at what you can do.',
      'The caseworker has left the chat. I am back to help you.',
      menu.text,
    ]);
    // Every activity of the conversation's log reached the person, once each and in order, across both sockets.
    const log = await person.call('GET', `/conversations/${person.conversationId}/activities?watermark=0`);
    expect(log.status).toBe(200);
    const logged = (log.json.activities as Array<{ id: string }>).map((x) => x.id);
    expect(person.received.map((x) => x.id)).toEqual(logged);
    expect(logged.map(seqOf)).toEqual(logged.map((_, i) => i + 1));

    person.close();
    live.close();
  }, 90_000);
});
