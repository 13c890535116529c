/**
 * The shared Store: every instance of the bot that points at the same Redis (and key prefix) sees
 * the same items, logs, messages and locks. Needs Redis 7 or later (stream ids of the form `0-*`).
 *
 * Layout below the key prefix:
 *   <key>            a hash {v: JSON value, e: etag} written by `set`, or an integer from `increment`,
 *                    or a stream of {v: JSON value} with ids `0-<seq>` from `append`,
 *                    or a list of JSON values from `pushToList`
 *   \0lock:<name>    the token of a lock's current holder; the NUL byte keeps locks out of the
 *                    callers' key space and out of `keys()`
 * Channels are prefixed the same way, so instances on different prefixes never hear each other.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, ErrorReply } from 'redis';
import type { RedisClientType } from 'redis';
import { EtagConflictError, LockTimeoutError, StoreUnavailableError, retentionMs, toJson } from './store.js';
import type { AppendOptions, LogEntry, Release, Store, Unsubscribe, Versioned, WriteOptions } from './store.js';

export interface RedisStoreOptions {
  url: string;
  /** Put in front of every key and channel (default `mhb:`), so deployments and tests can share a Redis. */
  keyPrefix?: string;
  /** A command without an answer after this long fails with StoreUnavailableError (default 5000). */
  commandTimeoutMs?: number;
  /** Hears connection errors, e.g. for logging; callers see outages as StoreUnavailableError anyway. */
  onError?: (error: Error) => void;
}

const LOCK_INFIX = '\0lock:';
const COUNTERS_PER_READ = 1000;

/** Compare-and-set in one step, so no other instance can write between the check and the write. */
const SET_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'e')
if (ARGV[4] == 'absent' and current) or (ARGV[4] == 'match' and current ~= ARGV[5]) then
  return 0
end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

const INCREMENT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return count`;

/**
 * Id `0-*` lets Redis number the entry one past the stream's last id, which it remembers even when
 * trimming removed that entry: numbers are dense and ordered across instances without a counter key
 * that could get out of step with the stream. With a channel (ARGV[3]) the new entries are published
 * in the same step, as an AppendedNotice: readers need not read the log for them.
 * ARGV: retention ms, max length or '', channel or '', then the values (JSON).
 */
const APPEND_SCRIPT = `
local ids = {}
local announced = {}
for i = 4, #ARGV do
  local id
  if ARGV[2] == '' then
    id = redis.call('XADD', KEYS[1], '0-*', 'v', ARGV[i])
  else
    id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '0-*', 'v', ARGV[i])
  end
  ids[#ids + 1] = id
  if ARGV[3] ~= '' then
    announced[#announced + 1] = '{"seq":' .. string.sub(id, 3) .. ',"value":' .. ARGV[i] .. '}'
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('PUBLISH', ARGV[3], '{"type":"appended","entries":[' .. table.concat(announced, ',') .. ']}')
end
return ids`;

/** Pushes, keeps the newest ARGV[3] items, renews retention (ARGV[2] ms): one step. */
const PUSH_SCRIPT = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** Deletes the lock only while it is still ours: after our lease ran out it may be someone else's. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export class RedisStore implements Store {
  readonly kind = 'redis';

  readonly #client: RedisClientType;
  /** One connection in subscriber mode, shared by every subscription of this store. */
  readonly #subscriber: RedisClientType;
  readonly #prefix: string;
  readonly #onError: (error: Error) => void;
  /** Fails operations on a connection that silently stopped answering, instead of letting them hang. */
  readonly #deadline: Deadline;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix ?? 'mhb:';
    this.#onError = options.onError ?? (() => {});
    this.#deadline = new Deadline(options.commandTimeoutMs ?? 5000);
    this.#client = createClient({
      url: options.url,
      // While disconnected, commands fail at once instead of queueing until Redis is back.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2000,
        // Never give up: keep reconnecting in the background, at most every two seconds.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 100),
      },
    });
    this.#subscriber = this.#client.duplicate();
    // Without a listener an 'error' event would crash the process on every Redis outage.
    for (const client of [this.#client, this.#subscriber]) client.on('error', this.#onError);
  }

  /**
   * Opens both connections. The client would retry forever, so this gives up after `timeoutMs`,
   * closes the store and throws StoreUnavailableError.
   */
  async connect(timeoutMs = 5000): Promise<void> {
    const connecting = Promise.all([this.#client.connect(), this.#subscriber.connect()]);
    // After a timeout the abandoned attempt may still settle; nobody is waiting for it any more.
    connecting.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([connecting, timeout]);
    } catch (error) {
      await this.close();
      throw new StoreUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async get<T = unknown>(key: string): Promise<Versioned<T> | undefined> {
    const [item] = await this.getMany<T>([key]);
    return item;
  }

  async getMany<T = unknown>(keys: string[]): Promise<Array<Versioned<T> | undefined>> {
    const replies = await this.#run(() =>
      Promise.all(keys.map((key) => this.#client.hmGet(this.#prefix + key, ['v', 'e']))),
    );
    return replies.map(([value, etag]) =>
      value == null || etag == null ? undefined : { value: JSON.parse(value) as T, etag },
    );
  }

  async set<T = unknown>(key: string, value: T, options: WriteOptions): Promise<string> {
    const json = toJson(value);
    const ttl = retentionMs(options.ttlSeconds);
    const { ifEtag } = options;
    const mode = ifEtag === undefined ? 'any' : ifEtag === null ? 'absent' : 'match';
    const etag = randomUUID();
    const written = await this.#run(() =>
      this.#script(SET_SCRIPT, [this.#prefix + key], [json, etag, String(ttl), mode, ifEtag ?? '']),
    );
    if (written !== 1) throw new EtagConflictError(key);
    return etag;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#run(() => this.#client.del(keys.map((key) => this.#prefix + key)));
  }

  async ttl(key: string): Promise<number> {
    return this.#run(() => this.#client.ttl(this.#prefix + key));
  }

  async keys(prefix: string): Promise<string[]> {
    return this.#scan(`${escapeGlob(this.#prefix + prefix)}*`);
  }

  async keysContaining(fragment: string): Promise<string[]> {
    return this.#scan(`${escapeGlob(this.#prefix)}*${escapeGlob(fragment)}*`);
  }

  async #scan(match: string): Promise<string[]> {
    const found = new Set<string>();
    // SCAN walks the key space in small steps instead of blocking Redis like KEYS would.
    const scan = this.#client.scanIterator({ MATCH: match, COUNT: 500 });
    await this.#run(async () => {
      for await (const batch of scan) {
        for (const key of batch) {
          const name = key.slice(this.#prefix.length);
          if (!name.startsWith(LOCK_INFIX)) found.add(name);
        }
      }
    });
    return [...found];
  }

  async increment(key: string, by: number, options: { ttlSeconds: number }): Promise<number> {
    const ttl = retentionMs(options.ttlSeconds);
    const count = await this.#run(() =>
      this.#script(INCREMENT_SCRIPT, [this.#prefix + key], [String(by), String(ttl)]),
    );
    return Number(count);
  }

  async counters(keys: string[]): Promise<number[]> {
    const counts: number[] = [];
    // In slices, so that years of daily totals never make one huge reply.
    for (let start = 0; start < keys.length; start += COUNTERS_PER_READ) {
      const slice = keys.slice(start, start + COUNTERS_PER_READ).map((key) => this.#prefix + key);
      const values = await this.#run(() => this.#client.mGet(slice));
      counts.push(...values.map((value) => Number(value ?? 0)));
    }
    return counts;
  }

  async append<T = unknown>(log: string, value: T, options: AppendOptions): Promise<number> {
    const [seq] = await this.appendAll(log, [value], options);
    return seq!;
  }

  async appendAll<T = unknown>(log: string, values: T[], options: AppendOptions): Promise<number[]> {
    const json = values.map(toJson);
    const ttl = retentionMs(options.ttlSeconds);
    if (json.length === 0) return [];
    const ids = await this.#run(() =>
      this.#script(APPEND_SCRIPT, [this.#prefix + log], [
        String(ttl),
        options.maxLength === undefined ? '' : String(options.maxLength),
        options.announce === undefined ? '' : this.#prefix + options.announce,
        ...json,
      ]),
    );
    return (ids as string[]).map(seqOf);
  }

  async clearLog(log: string): Promise<void> {
    // XTRIM keeps the stream and its last id, so the next XADD numbers on from there.
    await this.#run(() => this.#client.xTrim(this.#prefix + log, 'MAXLEN', 0));
  }

  async readLog<T = unknown>(log: string, afterSeq: number, limit?: number): Promise<Array<LogEntry<T>>> {
    const entries = await this.#run(() =>
      this.#client.xRange(this.#prefix + log, `(0-${afterSeq}`, '+', limit === undefined ? undefined : { COUNT: limit }),
    );
    return entries.map(({ id, message }) => ({ seq: seqOf(id), value: JSON.parse(String(message.v)) as T }));
  }

  async pushToList<T = unknown>(key: string, value: T, options: { ttlSeconds: number; maxLength: number }): Promise<void> {
    const json = toJson(value);
    const ttl = retentionMs(options.ttlSeconds);
    await this.#run(() => this.#script(PUSH_SCRIPT, [this.#prefix + key], [json, String(ttl), String(Math.max(1, options.maxLength))]));
  }

  async readList<T = unknown>(key: string): Promise<T[]> {
    const items = await this.#run(() => this.#client.lRange(this.#prefix + key, 0, -1));
    return items.map((json) => JSON.parse(json) as T);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#run(() => this.#client.publish(this.#prefix + channel, message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    // Subscribe commands are not refused while offline like other commands; refuse here instead.
    if (!this.#subscriber.isReady) throw new StoreUnavailableError();
    const name = this.#prefix + channel;
    let active = true;
    // A wrapper per subscription, so subscribing one function twice gives two independent subscriptions.
    const listener = (message: string): void => {
      if (active) onMessage(message);
    };
    await this.#run(() => this.#subscriber.subscribe(name, listener));
    return async () => {
      if (!active) return;
      // The flag stops delivery at once; Redis drops the channel when it hears of it, which during
      // an outage is only after reconnecting, so nobody waits for that.
      active = false;
      if (this.#subscriber.isOpen) this.#subscriber.unsubscribe(name, listener).catch(this.#onError);
    };
  }

  async lock(name: string, options: { leaseMs: number; waitMs: number }): Promise<Release> {
    const key = this.#prefix + LOCK_INFIX + name;
    const token = randomUUID();
    const deadline = Date.now() + options.waitMs;
    for (let attempt = 0; ; attempt++) {
      const reply = await this.#run(() =>
        this.#client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: Math.ceil(options.leaseMs) } }),
      );
      if (reply === 'OK') break;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockTimeoutError();
      // Jittered backoff, so waiters on several instances do not retry in lockstep.
      await sleep(Math.min(remaining, Math.min(10 * 2 ** attempt, 100) * (0.5 + Math.random())));
    }
    return async () => {
      try {
        await this.#run(() => this.#script(RELEASE_SCRIPT, [key], [token]));
      } catch (error) {
        // If Redis cannot be told, the lease still runs out by itself; the holder's work is done.
        if (!(error instanceof StoreUnavailableError)) throw error;
      }
    };
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.#client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#deadline.stop();
    await Promise.all([quit(this.#client), quit(this.#subscriber)]);
  }

  /**
   * Runs a Lua script by its digest (Redis keeps scripts it has seen), sending the text only when
   * Redis does not know it yet (after a restart): the text is not sent and hashed on every call.
   */
  async #script(script: string, keys: string[], args: string[]): Promise<unknown> {
    const sha = scriptDigest(script);
    try {
      return await this.#client.evalSha(sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof ErrorReply && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.#client.eval(script, { keys, arguments: args });
    }
  }

  /** Runs commands, turning connection trouble into StoreUnavailableError; Redis's own refusals pass through. */
  async #run<T>(commands: () => Promise<T>): Promise<T> {
    try {
      return await this.#deadline.race(commands());
    } catch (error) {
      if (error instanceof ErrorReply && !/^(LOADING|BUSY|MASTERDOWN)\b/.test(error.message)) throw error;
      throw new StoreUnavailableError(error);
    }
  }
}

/** Lets pending commands finish when connected; otherwise there is nobody to say goodbye to. */
async function quit(client: RedisClientType): Promise<void> {
  if (client.isReady) await client.close();
  else if (client.isOpen) client.destroy();
}

const digests = new Map<string, string>();
function scriptDigest(script: string): string {
  let sha = digests.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    digests.set(script, sha);
  }
  return sha;
}

/** Raised for an operation Redis did not answer in time (turned into StoreUnavailableError). */
class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * Fails operations that have waited longer than `ms`. One coarse timer for all of them (checked a
 * few times per period): a timer and abort signal per command cost more CPU than the commands.
 * The command itself is not withdrawn; its late answer, if any, is ignored.
 */
class Deadline {
  readonly #pending = new Set<{ startedAt: number; fail: (error: Error) => void }>();
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.#timer = setInterval(() => this.#expire(), Math.max(10, Math.floor(ms / 5)));
    this.#timer.unref();
  }

  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { startedAt: performance.now(), fail: reject };
      this.#pending.add(entry);
      work.then(
        (value) => {
          this.#pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(entry);
          reject(error);
        },
      );
    });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #expire(): void {
    const late = performance.now() - this.ms;
    // Oldest first (insertion order): stop at the first one still within its time.
    for (const entry of this.#pending) {
      if (entry.startedAt > late) break;
      this.#pending.delete(entry);
      entry.fail(new RedisTimeoutError(this.ms));
    }
  }
}

function seqOf(streamId: string): number {
  return Number(streamId.slice(streamId.indexOf('-') + 1));
}

/** So a prefix containing `*`, `?`, `[` or `\` matches only itself in SCAN MATCH. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
