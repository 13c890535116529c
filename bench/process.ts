import { fork, type ChildProcess } from 'node:child_process';
import { countAsOurs, forgetProcess } from './cpu.js';
import { withTimeout } from './stats.js';

/**
 * A bot under test in its own Node process, so that it has a core to itself while the load
 * generator (this process) uses the other one. Talks over the IPC channel: `ready` with the URL,
 * `heap` on request, `close`.
 */
export interface Child {
  url: string;
  process: ChildProcess;
  ask<T = any>(type: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export interface ChildOptions {
  env: Record<string, string>;
  /** Run with --expose-gc, so the heap can be measured after a full collection. */
  exposeGc?: boolean;
  /** Write a V8 CPU profile of the child into this directory (node --cpu-prof). */
  cpuProfDir?: string;
  /** Pass the child's stdout (its logs) on to this process's stderr. */
  showStdout?: boolean;
}

export async function startChild(script: string, options: ChildOptions): Promise<Child> {
  const execArgv = ['--import', 'tsx'];
  if (options.exposeGc) execArgv.push('--expose-gc');
  if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const child = fork(script, [], {
    execArgv,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    // The server logs to stdout: shown (on stderr) only when asked for, e.g. with BENCH_SERVER_LOG_LEVEL.
    stdio: ['ignore', options.showStdout ? 'pipe' : 'ignore', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  countAsOurs(child.pid);
  child.once('exit', () => forgetProcess(child.pid));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  type Waiter = { resolve: (message: any) => void; reject: (error: Error) => void };
  const waiting = new Map<string, Waiter[]>();
  child.on('message', (message: { type: string }) => waiting.get(message.type)?.shift()?.resolve(message));
  child.on('exit', (code) => {
    for (const [type, waiters] of waiting) {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${script} exited (${code}) before "${type}": ${stderr.trim().slice(-1500)}`));
    }
  });
  const next = <T>(type: string, timeoutMs: number): Promise<T> =>
    withTimeout(
      new Promise<T>((resolve, reject) => {
        waiting.set(type, [...(waiting.get(type) ?? []), { resolve, reject }]);
      }),
      timeoutMs,
      `${script}: ${type}`,
    );

  const ready = await next<{ url: string }>('ready', 60_000);
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    url: ready.url,
    process: child,
    async ask<T>(type: string, timeoutMs = 30_000) {
      const answer = next<T>(type, timeoutMs);
      child.send({ type });
      return answer;
    },
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      // A clean exit writes the CPU profile; a child that hangs is killed after a while.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
