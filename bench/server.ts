/**
 * The server under test, in a process of its own (started by bench/process.ts with an IPC
 * channel): the real app from src/app.ts, configured from the environment it is given. It says
 * where it listens, reports its heap on request (after a full GC when run with --expose-gc) or the
 * floor of a turn's cost (measureFloor), and closes when told to or when its parent goes away.
 */
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

type Request = { type: 'heap' } | { type: 'floor' } | { type: 'close' };

const config = loadConfig(process.env);
const app = await startApp(config, { logger: createLogger(config.logLevel) });

const send = (message: unknown) => process.send?.(message);

async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  // Twice, with a turn of the event loop between, so that weak references and finalizers settle.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The floor under a web chat turn: the same question through the Direct Line route and the bot, but
 * in this process (fastify's inject: no sockets) and with whatever store the server has (the
 * benchmark asks this of an in-memory one: no Redis). What a turn costs before any network.
 */
async function measureFloor(): Promise<{ turns: number; cpuMsPerTurn: number; wallMsPerTurn: number }> {
  const call = async (url: string, token: string, payload?: object) => {
    const answer = await app.server.inject({ method: 'POST', url: `/v3/directline${url}`, headers: { authorization: `Bearer ${token}` }, payload });
    return answer.json() as { token: string; conversationId: string };
  };
  const conversations = await Promise.all(
    Array.from({ length: 100 }, async () => {
      const { token } = await call('/tokens/generate', '');
      const opened = await call('/conversations', token);
      const post = (activity: object) => call(`/conversations/${opened.conversationId}/activities`, opened.token, { ...activity, locale: 'en-US', from: { id: 'floor' } });
      await post({ type: 'event', name: 'webchat/join' });
      await post({ type: 'message', text: 'lang:en' });
      return () => post({ type: 'message', text: 'can my boss keep my passport' });
    }),
  );
  const rounds = async (count: number) => {
    for (let round = 0; round < count; round++) await Promise.all(conversations.map((ask) => ask()));
  };
  await rounds(10); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  await rounds(30);
  const used = process.cpuUsage(cpu);
  const turns = 30 * conversations.length;
  return { turns, cpuMsPerTurn: (used.user + used.system) / 1000 / turns, wallMsPerTurn: (performance.now() - started) / turns };
}

process.on('message', (request: Request) => {
  void (async () => {
    if (request.type === 'floor') {
      send({ type: 'floor', ...(await measureFloor()) });
    } else if (request.type === 'heap') {
      await fullGc();
      const usage = process.memoryUsage();
      send({ type: 'heap', heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external, arrayBuffers: usage.arrayBuffers, gc: Boolean((globalThis as { gc?: unknown }).gc) });
    } else if (request.type === 'close') {
      await app.close().catch(() => undefined);
      send({ type: 'closed' });
      process.exit(0);
    }
  })();
});
// Never outlive the benchmark.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', url: app.url });
