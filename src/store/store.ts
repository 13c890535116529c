/**
 * The storage seam of the whole project. Everything that is kept (conversation state, Direct Line
 * activity logs, queues, transcripts) goes through this interface, so the same code runs on one
 * process in memory or on many instances sharing Redis. No botbuilder types here (see design.md).
 *
 * Every write takes a retention time: nothing is kept forever.
 */

/** A stored value with its entity tag, used for optimistic concurrency. */
export interface Versioned<T = unknown> {
  value: T;
  etag: string;
}

export interface WriteOptions {
  /** Retention time in seconds; required, because nothing may be kept forever. */
  ttlSeconds: number;
  /**
   * Compare-and-set: write only if the stored etag equals this one. `undefined` writes
   * unconditionally; `null` writes only if the key does not exist yet.
   */
  ifEtag?: string | null;
}

/** One entry of an append-only log, numbered from 1 in the order it was appended. */
export interface LogEntry<T = unknown> {
  seq: number;
  value: T;
}

export interface AppendOptions {
  /** Retention of the log in seconds, renewed by every append. */
  ttlSeconds: number;
  /** Older entries beyond this many are dropped (on Redis approximately, never fewer kept). */
  maxLength?: number;
  /** A pub/sub channel on which the new entries are published, in the same step, as an AppendedNotice. */
  announce?: string;
}

/** Published by `appendAll` with `announce`: the entries just appended, so readers need not read the log. */
export interface AppendedNotice<T = unknown> {
  type: 'appended';
  entries: Array<LogEntry<T>>;
}

export type Unsubscribe = () => Promise<void>;
export type Release = () => Promise<void>;

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`the stored item changed since it was read (key kind: ${key.split(':')[0]})`);
    this.name = 'EtagConflictError';
  }
}

/** Raised when the backing service is unreachable, so callers can answer "please try again". */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('storage is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

export interface Store {
  readonly kind: 'memory' | 'redis';

  get<T = unknown>(key: string): Promise<Versioned<T> | undefined>;
  getMany<T = unknown>(keys: string[]): Promise<Array<Versioned<T> | undefined>>;
  /** Writes a JSON-serialisable value; returns its new etag. Throws EtagConflictError on a mismatch. */
  set<T = unknown>(key: string, value: T, options: WriteOptions): Promise<string>;
  delete(keys: string[]): Promise<void>;
  /** Remaining retention of a key in seconds; -1 if it has none, -2 if it does not exist. */
  ttl(key: string): Promise<number>;
  /** Every key below a prefix (for forget and for tests that check retention). */
  keys(prefix: string): Promise<string[]>;
  /** Every key that contains a fragment anywhere (for forgetting everything about one person). */
  keysContaining(fragment: string): Promise<string[]>;

  /** Adds to an integer counter (created at 0) and returns the new value; renews retention. */
  increment(key: string, by: number, options: { ttlSeconds: number }): Promise<number>;
  /** Reads counters in the order asked, without touching their retention; a missing one reads 0. */
  counters(keys: string[]): Promise<number[]>;

  /** Appends to a log and returns its sequence number; the log's retention is renewed. */
  append<T = unknown>(log: string, value: T, options: AppendOptions): Promise<number>;
  /** Appends several entries in one step (numbered consecutively) and returns their sequence numbers. */
  appendAll<T = unknown>(log: string, values: T[], options: AppendOptions): Promise<number[]>;
  /**
   * Removes every entry of a log, but numbering goes on where it was, so that a reader holding a
   * watermark keeps receiving what is appended later (forgetting a person's messages).
   */
  clearLog(log: string): Promise<void>;
  /** Entries with seq greater than `afterSeq`, oldest first. */
  readLog<T = unknown>(log: string, afterSeq: number, limit?: number): Promise<Array<LogEntry<T>>>;

  /**
   * Adds to the end of a short list that keeps only its newest `maxLength` items; its retention is
   * renewed. For a few small items: far smaller in Redis than a log, which reserves kilobytes.
   */
  pushToList<T = unknown>(key: string, value: T, options: { ttlSeconds: number; maxLength: number }): Promise<void>;
  /** A list's items, oldest first ([] if there is none). */
  readList<T = unknown>(key: string): Promise<T[]>;

  /** Fire-and-forget messages between instances (a single process delivers to itself). */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;

  /**
   * A lease on a name, held by one holder at a time across every instance sharing the store.
   * Waits up to `waitMs`; the lease ends by itself after `leaseMs` if its holder dies.
   */
  lock(name: string, options: { leaseMs: number; waitMs: number }): Promise<Release>;

  /** True when the backing service answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class LockTimeoutError extends Error {
  constructor() {
    super('timed out waiting for a lock');
    this.name = 'LockTimeoutError';
  }
}

/** Nothing may be kept forever, so a missing or non-positive retention is a programming error. */
export function retentionMs(ttlSeconds: number): number {
  if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
    throw new RangeError(`ttlSeconds must be a positive number of seconds, got ${ttlSeconds}`);
  }
  return Math.ceil(ttlSeconds * 1000);
}

export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('the value cannot be stored as JSON');
  return json;
}
