import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { progress, round, summarize, type LatencySummary } from './stats.js';

/**
 * The two ways load is driven, the same for every path (Direct Line, Telegram, the baseline):
 *  - closed loop: each conversation sends its next message as soon as the reply to the previous
 *    one has ended, with no pause; the throughput at saturation, and latency that is mostly queueing;
 *  - paced: each conversation sends one message every `intervalMs` (first at a random moment),
 *    never before its previous reply ended; latency at a given load below saturation.
 */

/** Typed questions that search answers with a topic (an answer, then a prompt with buttons). */
export const QUESTIONS = ['can my boss keep my passport', 'what are my rights at work', 'how do I check a job offer is real'];

/**
 * The bot's apologies when a turn fails (English, the language every benchmark conversation picks):
 * such a reply fails the turn at once, with the reason, instead of being waited on until a timeout.
 */
const FAILURES: ReadonlyMap<string, string> = (() => {
  const fallback = (JSON.parse(readFileSync('locales/en/translation.json', 'utf8')) as { fallback: Record<string, string> }).fallback;
  return new Map(['error', 'storageDown', 'busy'].flatMap((key) => (fallback[key] ? [[fallback[key]!, `fallback.${key}`] as const] : [])));
})();

/** The failure a reply announces (e.g. "fallback.storageDown"), if it is one of the bot's apologies. */
export function failureOf(text: string | undefined): string | undefined {
  return text === undefined ? undefined : FAILURES.get(text.trim());
}

export interface TurnTiming {
  /** From the start of the POST to the message that ends the reply. */
  turnMs: number;
  /** From the start of the POST to the first message of the reply. */
  firstMs: number;
}

export interface Driver {
  readonly count: number;
  /** One message from conversation `index`; resolves when the bot's reply has ended. */
  turn(index: number, text: string): Promise<TurnTiming>;
}

export interface LoadResult {
  conversations: number;
  turnsMeasured: number;
  /** Conversations that stopped on a failed turn, and why (a conversation stops at its first failure). */
  errors: number;
  errorReasons?: Record<string, number>;
  wallSeconds: number;
  turnsPerSecond: number;
  /** POST to the end of the reply (ours: the message with buttons; the baseline: its one message). */
  latencyMs: LatencySummary;
  /** POST to the first message of the reply. */
  firstReplyMs: LatencySummary;
}

/** Failures counted by reason (ids and numbers left out, so that equal causes add up). */
class Failures {
  count = 0;
  readonly reasons: Record<string, number> = {};
  add(error: unknown): void {
    this.count++;
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\d+/g, 'N').slice(0, 160);
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
  }
}

/** What one run measured, from its start: each turn's timings, and the conversations that failed. */
class Run {
  private readonly latencies: number[] = [];
  private readonly firsts: number[] = [];
  private readonly failures = new Failures();
  private readonly started = performance.now();

  constructor(private readonly driver: Driver) {}

  /** Conversation `index` asks its `i`-th question; false if the turn failed (the conversation stops there). */
  async turn(index: number, i: number): Promise<boolean> {
    try {
      const timing = await this.driver.turn(index, QUESTIONS[(index + i) % QUESTIONS.length]!);
      this.latencies.push(timing.turnMs);
      this.firsts.push(timing.firstMs);
      return true;
    } catch (error) {
      this.failures.add(error);
      return false;
    }
  }

  result(): LoadResult {
    const { failures, latencies } = this;
    const wall = (performance.now() - this.started) / 1000;
    if (failures.count) progress(`${failures.count} conversations failed: ${JSON.stringify(failures.reasons)}`);
    return {
      conversations: this.driver.count,
      turnsMeasured: latencies.length,
      errors: failures.count,
      ...(failures.count ? { errorReasons: failures.reasons } : {}),
      wallSeconds: round(wall),
      turnsPerSecond: round(latencies.length / wall, 1),
      latencyMs: summarize(latencies),
      firstReplyMs: summarize(this.firsts),
    };
  }
}

/** Every conversation sends `turns` questions back to back; stops sending once `deadlineMs` has passed. */
export async function closedLoop(driver: Driver, turns: number, deadlineMs: number): Promise<LoadResult & { turnsPerConversation: number }> {
  const run = new Run(driver);
  const deadline = performance.now() + deadlineMs;
  await Promise.all(
    Array.from({ length: driver.count }, async (_, index) => {
      for (let i = 0; i < turns && performance.now() < deadline; i++) {
        if (!(await run.turn(index, i))) return;
      }
    }),
  );
  return { ...run.result(), turnsPerConversation: turns };
}

/**
 * Each conversation sends a message every `intervalMs`, the first at a random moment of the first
 * interval, until `durationMs` has passed (so about count × duration / interval turns in all).
 */
export async function paced(driver: Driver, intervalMs: number, durationMs: number): Promise<LoadResult & { offeredTurnsPerSecond: number; late: number }> {
  const run = new Run(driver);
  let late = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: driver.count }, async (_, index) => {
      let due = started + Math.random() * intervalMs;
      for (let i = 0; due < end; i++) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        else late++; // the previous reply ended after this message was due
        if (!(await run.turn(index, i))) return;
        due += intervalMs;
      }
    }),
  );
  return { ...run.result(), offeredTurnsPerSecond: round((driver.count * 1000) / intervalMs, 1), late };
}

/** One message from every conversation at once, not measured: opens every connection the run will use. */
export async function ramp(driver: Driver): Promise<void> {
  await closedLoop(driver, 1, 30_000);
}
