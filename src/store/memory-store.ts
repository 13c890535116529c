/**
 * The single-process Store: everything lives in this process's memory and is lost on restart.
 * It follows the same contract as RedisStore (see test/store/store-contract.ts), so the bot can
 * run without Redis during development or on a single small instance.
 */
import { EtagConflictError, LockTimeoutError, retentionMs, toJson } from './store.js';
import type { AppendOptions, AppendedNotice, LogEntry, Release, Store, Unsubscribe, Versioned, WriteOptions } from './store.js';

type Entry =
  | { kind: 'value'; json: string; etag: string; expiresAt: number }
  | { kind: 'counter'; count: number; expiresAt: number }
  | { kind: 'log'; entries: Array<{ seq: number; json: string }>; lastSeq: number; expiresAt: number }
  | { kind: 'list'; items: string[]; expiresAt: number };

export interface MemoryStoreOptions {
  /** How often expired items are dropped even if nobody reads them again (default one minute). */
  sweepIntervalMs?: number;
}

export class MemoryStore implements Store {
  readonly kind = 'memory';

  readonly #entries = new Map<string, Entry>();
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  /** Per lock name, the promise that settles when the last holder or waiter in line is done. */
  readonly #lockTails = new Map<string, Promise<void>>();
  readonly #sweeper: NodeJS.Timeout;
  #etagCounter = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#sweeper = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweeper is housekeeping only; it must not keep the process alive.
    this.#sweeper.unref();
  }

  async get<T = unknown>(key: string): Promise<Versioned<T> | undefined> {
    const entry = this.#live(key, 'value');
    return entry && { value: JSON.parse(entry.json) as T, etag: entry.etag };
  }

  async getMany<T = unknown>(keys: string[]): Promise<Array<Versioned<T> | undefined>> {
    return Promise.all(keys.map((key) => this.get<T>(key)));
  }

  async set<T = unknown>(key: string, value: T, options: WriteOptions): Promise<string> {
    const json = toJson(value);
    const expiresAt = Date.now() + retentionMs(options.ttlSeconds);
    const current = this.#live(key, 'value');
    const { ifEtag } = options;
    if ((ifEtag === null && current) || (typeof ifEtag === 'string' && current?.etag !== ifEtag)) {
      throw new EtagConflictError(key);
    }
    const etag = String(++this.#etagCounter);
    this.#entries.set(key, { kind: 'value', json, etag, expiresAt });
    return etag;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.#entries.delete(key);
  }

  async ttl(key: string): Promise<number> {
    const entry = this.#live(key);
    // Rounded like Redis's TTL command; every entry here has a retention, so -1 never occurs.
    return entry ? Math.round((entry.expiresAt - Date.now()) / 1000) : -2;
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.#entries.keys()].filter((key) => key.startsWith(prefix) && this.#live(key));
  }

  async keysContaining(fragment: string): Promise<string[]> {
    return [...this.#entries.keys()].filter((key) => key.includes(fragment) && this.#live(key));
  }

  async increment(key: string, by: number, options: { ttlSeconds: number }): Promise<number> {
    const expiresAt = Date.now() + retentionMs(options.ttlSeconds);
    const count = (this.#live(key, 'counter')?.count ?? 0) + by;
    this.#entries.set(key, { kind: 'counter', count, expiresAt });
    return count;
  }

  async counters(keys: string[]): Promise<number[]> {
    return keys.map((key) => this.#live(key, 'counter')?.count ?? 0);
  }

  async append<T = unknown>(log: string, value: T, options: AppendOptions): Promise<number> {
    const [seq] = await this.appendAll(log, [value], options);
    return seq!;
  }

  async appendAll<T = unknown>(log: string, values: T[], options: AppendOptions): Promise<number[]> {
    const json = values.map(toJson);
    const expiresAt = Date.now() + retentionMs(options.ttlSeconds);
    if (json.length === 0) return [];
    let entry = this.#live(log, 'log');
    if (!entry) {
      entry = { kind: 'log', entries: [], lastSeq: 0, expiresAt };
      this.#entries.set(log, entry);
    }
    const appended = json.map((text) => ({ seq: ++entry.lastSeq, json: text }));
    entry.entries.push(...appended);
    entry.expiresAt = expiresAt;
    const { maxLength } = options;
    if (maxLength !== undefined && entry.entries.length > maxLength) {
      entry.entries.splice(0, entry.entries.length - maxLength);
    }
    if (options.announce !== undefined) {
      const notice: AppendedNotice = { type: 'appended', entries: appended.map(({ seq, json: text }) => ({ seq, value: JSON.parse(text) })) };
      await this.publish(options.announce, JSON.stringify(notice));
    }
    return appended.map(({ seq }) => seq);
  }

  async clearLog(log: string): Promise<void> {
    const entry = this.#live(log, 'log');
    if (entry) entry.entries = [];
  }

  async readLog<T = unknown>(log: string, afterSeq: number, limit?: number): Promise<Array<LogEntry<T>>> {
    const entries = this.#live(log, 'log')?.entries ?? [];
    const start = entries.findIndex((entry) => entry.seq > afterSeq);
    if (start < 0) return [];
    const end = limit === undefined ? undefined : start + limit;
    return entries.slice(start, end).map(({ seq, json }) => ({ seq, value: JSON.parse(json) as T }));
  }

  async pushToList<T = unknown>(key: string, value: T, options: { ttlSeconds: number; maxLength: number }): Promise<void> {
    const json = toJson(value);
    const expiresAt = Date.now() + retentionMs(options.ttlSeconds);
    const items = [...(this.#live(key, 'list')?.items ?? []), json].slice(-Math.max(1, options.maxLength));
    this.#entries.set(key, { kind: 'list', items, expiresAt });
  }

  async readList<T = unknown>(key: string): Promise<T[]> {
    return (this.#live(key, 'list')?.items ?? []).map((json) => JSON.parse(json) as T);
  }

  async publish(channel: string, message: string): Promise<void> {
    const listeners = this.#channels.get(channel);
    if (!listeners) return;
    for (const listener of listeners) {
      // Delivered later, like a message over the network, and only if still subscribed by then.
      queueMicrotask(() => {
        if (listeners.has(listener)) listener(message);
      });
    }
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    let listeners = this.#channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.#channels.set(channel, listeners);
    }
    // A wrapper per subscription, so subscribing one function twice gives two independent subscriptions.
    const listener = (message: string): void => onMessage(message);
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#channels.get(channel) === listeners) this.#channels.delete(channel);
    };
  }

  /**
   * Fair: holders are served in the order they asked. Each caller chains a promise of its own turn
   * onto the tail of the line; a waiter that gives up still passes its turn on immediately.
   */
  async lock(name: string, options: { leaseMs: number; waitMs: number }): Promise<Release> {
    const previous = this.#lockTails.get(name) ?? Promise.resolve();
    let endTurn!: () => void;
    const turn = new Promise<void>((resolve) => {
      endTurn = resolve;
    });
    const tail = previous.then(() => turn);
    this.#lockTails.set(name, tail);
    void tail.then(() => {
      if (this.#lockTails.get(name) === tail) this.#lockTails.delete(name);
    });

    if (!(await settlesWithin(previous, options.waitMs))) {
      endTurn();
      throw new LockTimeoutError();
    }
    const lease = setTimeout(endTurn, options.leaseMs);
    lease.unref();
    return async () => {
      clearTimeout(lease);
      endTurn();
    };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#channels.clear();
  }

  /** The entry if it exists and has not expired; an expired one is dropped on the way. */
  #live(key: string): Entry | undefined;
  #live<K extends Entry['kind']>(key: string, kind: K): Extract<Entry, { kind: K }> | undefined;
  #live(key: string, kind?: Entry['kind']): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // Mirrors Redis's WRONGTYPE: one key holds one kind of item.
    if (kind && entry.kind !== kind) throw new Error(`the key holds a ${entry.kind}, not a ${kind}`);
    return entry;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
