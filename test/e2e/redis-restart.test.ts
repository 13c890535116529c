import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis } from '../support/redis.js';
import { startTestServer } from '../support/server.js';

/** A Redis of this test's own, with persistence, that can be stopped and started again. */
class OwnRedis {
  private process?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'redis-restart-'));
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('redis-server did not start');
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process?.once('exit', resolve));
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown']);
    await exited;
  }

  cleanup(): void {
    this.process?.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describeRedis('Redis restarting in the middle of conversations', () => {
  let redis: OwnRedis;
  let app: App;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    app = await startTestServer({ REDIS_URL: `redis://127.0.0.1:${redis.port}` });
  });
  afterAll(async () => {
    await app?.close();
    redis?.cleanup();
  });

  it('answers "please try again" while Redis is down, reconnects by itself, and loses nothing written before', async () => {
    await app.handoff.heartbeat('amina');
    const waiting = new DirectLineClient(app.url);
    await waiting.openIn('uk');
    await waiting.ask('/human');
    let before = waiting.botMessages().length;
    await waiting.say('share:no');
    await waiting.waitForBotMessages(before + 1);
    before = waiting.botMessages().length;
    await waiting.say('written before the outage');
    await waiting.waitForBotMessages(before + 1);

    const browsing = new DirectLineClient(app.url);
    await browsing.openIn('fr');
    await browsing.ask('menu:rights');

    await redis.stop();
    const during = await browsing.send({ type: 'message', text: 'grp:work' });
    expect(during.status).toBe(503);
    expect(during.json.error.message).toMatch(/try again/);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);

    await redis.start();
    const seen = browsing.botMessages().length;
    // The store reconnects by itself; the person simply tries again.
    let retried = { status: 0 };
    for (let i = 0; i < 50 && retried.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      retried = await browsing.send({ type: 'message', text: 'grp:work' });
    }
    expect(retried.status).toBe(200);
    // The conversation state survived: still in French, still in the rights topics.
    browsing.drop();
    await browsing.reconnect();
    const topics = await browsing.waitForPrompt(seen);
    expect(topics.locale).toBe('fr');
    expect(topics.suggestedActions?.actions.map((a) => a.value)).toContain('topic:rights.work');

    // The queued handoff and its transcript survived too.
    const queued = await app.handoff.get(waiting.conversationId);
    expect(queued?.status).toBe('queued');
    expect((await app.handoff.transcript(waiting.conversationId)).map((e) => e.text)).toEqual(['written before the outage']);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    await app.handoff.offline('amina');
    waiting.close();
    browsing.close();
  });
});
