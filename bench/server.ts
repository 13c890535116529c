/**
 * The server under test, in a process of its own (started by bench/process.ts with an IPC
 * channel): the real app from src/app.ts, configured from the environment it is given. It says
 * where it listens, reports its heap on request (after a full GC when run with --expose-gc), and
 * closes when told to or when its parent goes away.
 */
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

type Request = { type: 'heap' } | { type: 'close' };

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

process.on('message', (request: Request) => {
  void (async () => {
    if (request.type === 'heap') {
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
