/**
 * `npm run bench`: every benchmark of the project in one run, ONE JSON document on stdout (progress
 * on stderr). Everything runs on 127.0.0.1 and stops by itself: every loop is bounded in count and
 * time, and the Redis keys of the run (below a prefix of its own) are deleted at the end.
 *
 *  - turns: turns per second and turn latency with Redis storage, at 100 and 1,000 concurrent
 *    conversations, through the Direct Line path and the Telegram webhook path, beside a baseline
 *    measured in the same run (a bare grammY webhook bot answering a fixed text through the same
 *    Bot API double); ours as a ratio of the baseline.
 *  - memory: heap per active conversation (in-memory mode), Redis bytes per conversation.
 *  - webChat: the page's gzipped first-view weight, beside Microsoft's botframework-webchat bundle.
 *  - search: accuracy, p50/p99 and index build time (bench/search.ts).
 *  - floor: what a web chat turn costs with no network and no Redis (the route and the bot, in the
 *    server's own process): the most any transport work could leave.
 *
 * Each measured phase reports `cpu.otherProcessesCores`: the cores other processes took meanwhile
 * (see bench/cpu.ts); figures taken while that is high were disturbed.
 *
 * Knobs, for development only (the README's figures use the defaults, except BENCH_WAIT_QUIET_SECONDS):
 *   BENCH_LEVELS="100:10,1000:4"   conversations:turns-per-conversation for each level
 *   BENCH_ONLY="turns,memory,web,search,floor"   run only these parts
 *   BENCH_PACED="1000:20000:15000" conversations:interval:duration (ms) of the paced run
 *   BENCH_CPU_PROF=dir             write a CPU profile of each server under test into dir
 *   BENCH_SERVER_LOG_LEVEL=warn    let the servers under test log (to stderr), to see why turns fail
 *   BENCH_WAIT_QUIET_SECONDS=120   on a shared machine: before each measured phase, wait (at most this
 *                                  long) until other processes leave the cores alone
 *   BENCH_REDIS_URL                default redis://127.0.0.1:6379
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { BotApiDouble } from './bot-api-double.js';
import { countAsOurs, waitForQuiet, withLoadFigures } from './cpu.js';
import { DirectLineDriver } from './directline-load.js';
import { createAgent } from './http.js';
import { closedLoop, paced, ramp, type Driver, type LoadResult } from './load.js';
import { measureMemory } from './memory.js';
import { startChild, type Child } from './process.js';
import { connectRedis, deleteBelow, perConversation, redisVersion, usageBelow, type Redis } from './redis-usage.js';
import { runSearchBench } from './search.js';
import { progress, round } from './stats.js';
import { TelegramChats } from './telegram-load.js';
import { measureWebWeight } from './web-weight.js';

const started = performance.now();
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `mhb-bench:${runId}:`;
const SECRET_KEY = randomBytes(32).toString('base64url');
const BOT_TOKEN = `4242:${randomBytes(24).toString('base64url')}`;
const WEBHOOK_SECRET = `bench-${randomBytes(12).toString('hex')}`;
const CPU_PROF = process.env.BENCH_CPU_PROF;
/** Before each measured phase, wait up to this long for other processes to leave the cores alone (default: no wait). */
const WAIT_QUIET_MS = Math.min(600, Math.max(0, Number(process.env.BENCH_WAIT_QUIET_SECONDS ?? 0))) * 1000;
/** Redis's process id (from INFO), for its CPU time per turn. */
let REDIS_PID: number | undefined;
/** For debugging only: the servers under test log at this level (to stderr) instead of not at all. */
const SERVER_LOG_LEVEL = process.env.BENCH_SERVER_LOG_LEVEL;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'turns,memory,web,search,floor').split(',').map((s) => s.trim()));

/** Per level: conversations, and turns each, chosen so that the whole run stays within ~5 minutes on 2 cores. */
const LEVELS = (process.env.BENCH_LEVELS ?? '100:10,1000:4').split(',').map((pair) => {
  const [conversations, turns] = pair.split(':').map(Number);
  if (!conversations || !turns || conversations > 5000 || turns > 1000) throw new Error(`bad BENCH_LEVELS entry "${pair}"`);
  return { conversations, turns };
});
/** A level's measured phase stops sending after this long, whatever is left of its turns. */
const PHASE_DEADLINE_MS = 60_000;
const WARMUP = { conversations: 20, turns: 10 };
/**
 * The baseline answers several times faster than our bot: it sends this many times the turns per
 * conversation, so that its measured phase lasts seconds too, not a fraction of one.
 */
const BASELINE_TURNS_FACTOR = 3;
/** Conversations opened for the in-memory heap measurement. */
const MEMORY_CONVERSATIONS = 500;
/** The paced run: conversations, one message each every intervalMs, for durationMs. */
const PACED = (() => {
  const [conversations, intervalMs, durationMs] = (process.env.BENCH_PACED ?? '1000:20000:15000').split(':').map(Number);
  if (!conversations || !intervalMs || !durationMs || durationMs > 120_000) throw new Error('bad BENCH_PACED (conversations:intervalMs:durationMs)');
  return { conversations, intervalMs, durationMs };
})();

/**
 * The server under test, as deployed: production, Redis, no logs, Node with the young generation
 * the Dockerfile and `npm start` give it. The rate limits are raised to their maximum (still
 * counted on every request, as in production), since here one address sends everything.
 */
const SERVER_ENV = {
  NODE_ENV: 'production',
  NODE_OPTIONS: '--max-semi-space-size=32',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  SECRET_KEY,
  RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
};

async function machine(redis: Redis) {
  const cpus = os.cpus();
  let openFiles = 'unknown';
  try {
    openFiles = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    // left unknown
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: round(os.totalmem() / 1024 ** 3, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis: await redisVersion(redis),
    openFilesLimit: openFiles,
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    date: new Date().toISOString(),
  };
}

type Level = (typeof LEVELS)[number];

/** With BENCH_WAIT_QUIET_SECONDS, waits (bounded) for other processes to leave the cores alone before a measured phase. */
async function quietFirst<T extends { turnsMeasured: number }>(phase: () => Promise<T>, botPid?: number) {
  const roles = { bot: botPid, redis: REDIS_PID };
  if (!WAIT_QUIET_MS) return withLoadFigures(phase, roles);
  const waited = await waitForQuiet(WAIT_QUIET_MS);
  if (!waited.quiet) progress(`  the machine stayed busy with other work for ${waited.waitedSeconds} s; measuring anyway`);
  return { ...(await withLoadFigures(phase, roles)), waitedForQuiet: waited };
}

/** Closed loop at a level, then (at PACED.conversations) the paced run; the same steps for every path. */
async function drive(driver: Driver, level: Level, botPid: number | undefined) {
  await ramp(driver);
  const closed = await quietFirst(() => closedLoop(driver, level.turns, PHASE_DEADLINE_MS), botPid);
  const pacedRun =
    level.conversations === PACED.conversations ? await quietFirst(() => paced(driver, PACED.intervalMs, PACED.durationMs), botPid) : undefined;
  return { closed, paced: pacedRun };
}

async function baselinePhase(double: BotApiDouble, level: Level) {
  const child = await startChild('bench/baseline-bot.ts', {
    env: { BENCH_BOT_TOKEN: BOT_TOKEN, BENCH_API_ROOT: double.url, BENCH_WEBHOOK_SECRET: WEBHOOK_SECRET },
  });
  const agent = createAgent();
  const target = { url: `${child.url}/`, secret: WEBHOOK_SECRET, endsTurn: () => true };
  try {
    await closedLoop(new TelegramChats(target, double, agent, 100_000_000 + level.conversations, WARMUP.conversations), WARMUP.turns, 20_000);
    const chats = new TelegramChats(target, double, agent, 110_000_000 + 10_000 * level.conversations, level.conversations);
    return await drive(chats, { ...level, turns: level.turns * BASELINE_TURNS_FACTOR }, child.process.pid);
  } finally {
    agent.destroy();
    await child.close();
  }
}

async function startServer(prefix: string, env: Record<string, string> = {}): Promise<Child> {
  return startChild('bench/server.ts', {
    env: { ...SERVER_ENV, REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env, ...(SERVER_LOG_LEVEL ? { LOG_LEVEL: SERVER_LOG_LEVEL } : {}) },
    cpuProfDir: CPU_PROF,
    showStdout: Boolean(SERVER_LOG_LEVEL),
  });
}

/** Storage per conversation: after the language choice, and after all the turns of the level. */
async function withRedisUsage<T>(redis: Redis, prefix: string, level: Level, setUp: () => Promise<{ run: () => Promise<T> }>) {
  // A turn's reply reaches the client just before its state is saved and its lock released: a
  // moment's pause lets those writes land before the keys are counted.
  const settled = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return usageBelow(redis, prefix);
  };
  const before = await settled();
  const ready = await setUp();
  const afterSetUp = await settled();
  const result = await ready.run();
  const afterTurns = await settled();
  return {
    result,
    redis: {
      pastLanguageChoice: perConversation(before, afterSetUp, level.conversations),
      afterTheTurns: perConversation(before, afterTurns, level.conversations),
    },
  };
}

async function directLinePhase(redis: Redis, level: Level) {
  const prefix = `${PREFIX}dl${level.conversations}:`;
  const child = await startServer(prefix);
  const agent = createAgent();
  const opened: DirectLineDriver[] = [];
  try {
    const warm = await DirectLineDriver.open(child.url, agent, WARMUP.conversations, `warm${level.conversations}`);
    opened.push(warm);
    await closedLoop(warm, WARMUP.turns, 20_000);
    warm.close();
    return await withRedisUsage(redis, prefix, level, async () => {
      const driver = await DirectLineDriver.open(child.url, agent, level.conversations, `dl${level.conversations}`);
      opened.push(driver);
      return { run: async () => ({ setUpSeconds: driver.setUpSeconds, ...(await drive(driver, level, child.process.pid)) }) };
    });
  } finally {
    for (const driver of opened) driver.close();
    agent.destroy();
    await child.close();
    await deleteBelow(redis, prefix);
  }
}

async function telegramPhase(redis: Redis, double: BotApiDouble, level: Level) {
  const prefix = `${PREFIX}tg${level.conversations}:`;
  const child = await startServer(prefix, {
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: double.url,
    TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1/telegram/hook',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  const agent = createAgent();
  const target = { url: `${child.url}/telegram/hook`, secret: WEBHOOK_SECRET, endsTurn: (m: { hasButtons: boolean }) => m.hasButtons };
  try {
    const warm = new TelegramChats(target, double, agent, 200_000_000 + level.conversations, WARMUP.conversations);
    await warm.setUp();
    await closedLoop(warm, WARMUP.turns, 20_000);
    return await withRedisUsage(redis, prefix, level, async () => {
      const chats = new TelegramChats(target, double, agent, 300_000_000 + 10_000 * level.conversations, level.conversations);
      const setUpSeconds = await chats.setUp();
      return { run: async () => ({ setUpSeconds, ...(await drive(chats, level, child.process.pid)) }) };
    });
  } finally {
    agent.destroy();
    await child.close();
    await deleteBelow(redis, prefix);
  }
}

function ratio(ours: LoadResult, baseline: LoadResult): number {
  return round(ours.turnsPerSecond / baseline.turnsPerSecond, 3);
}

async function main() {
  const redis = await connectRedis(REDIS_URL);
  // Redis works for the bots under test: its CPU time counts as the benchmark's, not as other load.
  REDIS_PID = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]) || undefined;
  countAsOurs(REDIS_PID);
  const double = await BotApiDouble.start();
  const report: Record<string, unknown> = { benchmark: 'migrant-help-bot', runId, machine: await machine(redis) };
  try {
    if (ONLY.has('web')) {
      progress('web chat weight: building the page, measuring botframework-webchat');
      report.webChat = measureWebWeight();
    }
    if (ONLY.has('search')) {
      progress('search: accuracy, latency, index build');
      if (WAIT_QUIET_MS) await waitForQuiet(WAIT_QUIET_MS);
      report.search = runSearchBench();
    }
    let inMemory: Awaited<ReturnType<typeof measureMemory>> | undefined;
    if (ONLY.has('memory')) {
      progress('memory: in-memory mode');
      inMemory = await measureMemory(double, {
        conversations: MEMORY_CONVERSATIONS,
        secretKey: SECRET_KEY,
        botToken: BOT_TOKEN,
        webhookSecret: WEBHOOK_SECRET,
        env: SERVER_ENV,
      });
    }
    if (ONLY.has('floor')) {
      progress('floor: web chat turns in the server process, in-memory store');
      if (WAIT_QUIET_MS) await waitForQuiet(WAIT_QUIET_MS);
      const child = await startChild('bench/server.ts', { env: SERVER_ENV, cpuProfDir: CPU_PROF });
      try {
        const { type: _type, ...floor } = await child.ask<{ type: string; turns: number; cpuMsPerTurn: number; wallMsPerTurn: number }>('floor', 300_000);
        report.floor = {
          method:
            'the same typed question as in turns, through the Direct Line route (fastify inject, no sockets) and the bot, 100 conversations at once, ' +
            'in-memory store (no Redis), in the server process; after a warm-up',
          turns: floor.turns,
          cpuMsPerTurn: round(floor.cpuMsPerTurn, 3),
          wallMsPerTurn: round(floor.wallMsPerTurn, 3),
          turnsPerSecondAtMost: round(1000 / floor.wallMsPerTurn, 1),
        };
      } finally {
        await child.close();
      }
    }
    const levels: Array<Record<string, unknown>> = [];
    const redisPerConversation: Record<string, unknown> = {};
    if (ONLY.has('turns')) {
      for (const level of LEVELS) {
        progress(`turns: ${level.conversations} conversations x ${level.turns} turns: baseline (bare grammY webhook bot)`);
        const baseline = await baselinePhase(double, level);
        progress(`  baseline: ${baseline.closed.turnsPerSecond} turns/s, p99 ${baseline.closed.latencyMs.p99} ms; Direct Line`);
        const directLine = await directLinePhase(redis, level);
        progress(`  direct line: ${directLine.result.closed.turnsPerSecond} turns/s, p99 ${directLine.result.closed.latencyMs.p99} ms; Telegram webhook`);
        const telegram = await telegramPhase(redis, double, level);
        progress(`  telegram: ${telegram.result.closed.turnsPerSecond} turns/s, p99 ${telegram.result.closed.latencyMs.p99} ms`);
        const ours = (path: typeof directLine) => ({
          setUpSeconds: path.result.setUpSeconds,
          closedLoop: { ...path.result.closed, ratioToBaseline: ratio(path.result.closed, baseline.closed) },
          ...(path.result.paced ? { paced: path.result.paced } : {}),
        });
        levels.push({
          conversations: level.conversations,
          baseline: { closedLoop: baseline.closed, ...(baseline.paced ? { paced: baseline.paced } : {}) },
          directLine: ours(directLine),
          telegram: ours(telegram),
        });
        // Questions asked per conversation by the time of the last count: the ramp's, the closed loop's, the paced run's.
        const asked = (path: typeof directLine) =>
          round(1 + (path.result.closed.turnsMeasured + (path.result.paced?.turnsMeasured ?? 0)) / level.conversations, 2);
        redisPerConversation[String(level.conversations)] = {
          directLine: { ...directLine.redis, afterTheTurns: { questionsAskedPerConversation: asked(directLine), ...directLine.redis.afterTheTurns } },
          telegram: { ...telegram.redis, afterTheTurns: { questionsAskedPerConversation: asked(telegram), ...telegram.redis.afterTheTurns } },
        };
      }
      report.turns = {
        method:
          'closed loop: every conversation sends its next message as soon as the reply to the previous one has ended (no think time); ' +
          'a turn is one typed question in, the bot reply out (ours: the topic answer, then the prompt with buttons; the baseline: one fixed text); ' +
          'latency from the start of the POST to the arrival of the reply message that ends the turn (Direct Line: on the WebSocket stream; ' +
          'Telegram: at the Bot API double); Redis storage; each bot in its own process, the load generator and the Bot API double in another; ' +
          `warm-up of ${WARMUP.conversations} conversations x ${WARMUP.turns} turns, then one unmeasured message from every conversation at once ` +
          '(so that every connection exists before measuring), not counted',
        paced:
          `at ${PACED.conversations} conversations, after the closed loop: each conversation sends one message every ${PACED.intervalMs / 1000} s ` +
          `(the first at a random moment, never before its previous reply ended) for ${PACED.durationMs / 1000} s, ` +
          `i.e. ${(PACED.conversations * 1000) / PACED.intervalMs} turns/s offered: latency below saturation`,
        question: 'typed questions answered by search (e.g. "can my boss keep my passport")',
        turnsPerConversation: `ours: as in each level; the baseline: ${BASELINE_TURNS_FACTOR} times as many, so that its much faster phases last seconds too; see turnsMeasured`,
        levels,
      };
    }
    report.memory = {
      ...(inMemory ? { inMemory } : {}),
      ...(Object.keys(redisPerConversation).length
        ? {
            redis: {
              method: 'sum of MEMORY USAGE (SAMPLES 0) over the run\'s keys, difference per conversation (after the warm-up)',
              byLevel: redisPerConversation,
            },
          }
        : {}),
    };
    report.targets = targets(report);
    report.summary = summary(report);
  } finally {
    double.onSendMessage = () => undefined;
    await double.close();
    const left = await deleteBelow(redis, PREFIX).catch(() => 0);
    if (left) progress(`deleted ${left} leftover keys below ${PREFIX}`);
    redis.destroy();
  }
  report.durationSeconds = round((performance.now() - started) / 1000, 1);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** The headline figures in one place (the README's table), and how quiet the machine was. */
function summary(report: Record<string, any>) {
  const levels = (report.turns?.levels ?? []) as Array<Record<string, any>>;
  const line = (r: any) =>
    r && {
      turnsPerSecond: r.turnsPerSecond,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
      turns: r.turnsMeasured,
      errors: r.errors,
      ...(r.cpu ? { botCpuMsPerTurn: r.cpu.cpuMsPerTurn.bot, redisCpuMsPerTurn: r.cpu.cpuMsPerTurn.redis, otherProcessesCores: r.cpu.otherProcessesCores } : {}),
    };
  // Turns per second depend on what else the machine runs; CPU time per turn of the bot process hardly
  // does. Its inverse ratio estimates the throughput ratio with a core to each bot.
  const cpuRatio = (ours: any, baseline: any) =>
    ours.cpu?.cpuMsPerTurn.bot && baseline.cpu?.cpuMsPerTurn.bot ? round(baseline.cpu.cpuMsPerTurn.bot / ours.cpu.cpuMsPerTurn.bot, 3) : undefined;
  const phases = levels.flatMap((l) => ['baseline', 'directLine', 'telegram'].flatMap((p) => [l[p].closedLoop, l[p].paced].filter(Boolean)));
  const other = phases.map((p: any) => p.cpu?.otherProcessesCores).filter((x: unknown): x is number => typeof x === 'number');
  const floor = report.floor as { turnsPerSecondAtMost: number } | undefined;
  const baselineBest = Math.max(0, ...levels.map((l) => l.baseline.closedLoop.turnsPerSecond));
  return {
    ...(floor && baselineBest
      ? {
          floor: {
            ...floor,
            ratioToBaselineAtMost: round(floor.turnsPerSecondAtMost / baselineBest, 3),
            note: 'the web chat with no network and no Redis at all, against the baseline\'s best closed-loop figure: the highest ratio any transport work could reach',
          },
        }
      : {}),
    turns: levels.map((l) => ({
      conversations: l.conversations,
      closedLoop: {
        baseline: line(l.baseline.closedLoop),
        directLine: {
          ...line(l.directLine.closedLoop),
          ratioToBaseline: l.directLine.closedLoop.ratioToBaseline,
          cpuCostRatioToBaseline: cpuRatio(l.directLine.closedLoop, l.baseline.closedLoop),
        },
        telegram: {
          ...line(l.telegram.closedLoop),
          ratioToBaseline: l.telegram.closedLoop.ratioToBaseline,
          cpuCostRatioToBaseline: cpuRatio(l.telegram.closedLoop, l.baseline.closedLoop),
        },
      },
      ...(l.baseline.paced
        ? { paced: { offeredTurnsPerSecond: l.baseline.paced.offeredTurnsPerSecond, baseline: line(l.baseline.paced), directLine: line(l.directLine.paced), telegram: line(l.telegram.paced) } }
        : {}),
    })),
    ...(other.length
      ? {
          otherProcessesCoresMax: Math.max(...other),
          quietMachine: Math.max(...other) < 0.25,
          note:
            'otherProcessesCores: cores taken by processes outside the benchmark while a phase ran; above ~0.25 turns/s and latencies are disturbed. ' +
            'cpuCostRatioToBaseline: the baseline bot\'s CPU time per turn divided by ours, an estimate of the throughput ratio with a core to each bot that other load hardly changes',
        }
      : {}),
  };
}

/** The targets, each with the figure it is judged on. */
function targets(report: Record<string, any>) {
  const out: Record<string, unknown> = {};
  const levels = (report.turns?.levels ?? []) as Array<Record<string, any>>;
  const at1000 = levels.find((l) => l.conversations === 1000);
  for (const path of ['directLine', 'telegram']) {
    out[path] = {
      throughputAtLeastHalfTheBaseline: Object.fromEntries(
        levels.map((l) => [l.conversations, { ratio: l[path].closedLoop.ratioToBaseline, met: l[path].closedLoop.ratioToBaseline >= 0.5 }]),
      ),
      ...(at1000
        ? {
            p99Under50msAt1000: {
              closedLoop: { p99: at1000[path].closedLoop.latencyMs.p99, met: at1000[path].closedLoop.latencyMs.p99 < 50 },
              ...(at1000[path].paced
                ? { paced: { offeredTurnsPerSecond: at1000[path].paced.offeredTurnsPerSecond, p99: at1000[path].paced.latencyMs.p99, met: at1000[path].paced.latencyMs.p99 < 50 } }
                : {}),
            },
          }
        : {}),
    };
  }
  if (at1000) {
    out.baselineAt1000 = {
      note: 'the same latency figures for the bare grammY bot, for scale',
      closedLoopP99: at1000.baseline.closedLoop.latencyMs.p99,
      ...(at1000.baseline.paced ? { pacedP99: at1000.baseline.paced.latencyMs.p99 } : {}),
    };
  }
  if (report.webChat) out.webChatUnder20KB = { gzippedBytes: report.webChat.ours.gzippedBytes, met: report.webChat.ours.withinBudget };
  return out;
}

// A hard stop, so the run ends by itself whatever happens.
const HARD_STOP_MS = 12 * 60_000 + 8 * WAIT_QUIET_MS;
const hardStop = setTimeout(() => {
  progress(`the benchmark took longer than ${HARD_STOP_MS / 60_000} minutes; stopping`);
  process.exit(2);
}, HARD_STOP_MS);
hardStop.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
