import { createClient } from 'redis';

/**
 * The benchmark's own Redis connection: the server's version, the memory the run's keys take
 * (MEMORY USAGE, exact: SAMPLES 0), and the deletion of the run's keys afterwards.
 */
export type Redis = ReturnType<typeof createClient>;

export async function connectRedis(url: string): Promise<Redis> {
  if (!/^redis:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error('the benchmark uses a Redis on 127.0.0.1 only');
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function redisVersion(client: Redis): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

async function keysBelow(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
  return keys;
}

export interface RedisUsage {
  keys: number;
  bytes: number;
  /** Bytes by kind of key (the key below the prefix, ids left out), largest first. */
  byKind: Record<string, { keys: number; bytes: number }>;
}

/** What a key is, without its ids: `dl:log`, `rate:dl`, `directline/conversations`, `lock`… */
function kindOf(name: string): string {
  if (name.startsWith('\0lock:')) return 'lock';
  const parts = name.split(/[:/]/).filter(Boolean);
  const words = parts.filter((part) => /^[a-z][a-z-]*$/i.test(part) && part.length < 16 && !/^[a-f0-9]{8,}$/i.test(part));
  return words.slice(0, 2).join(':') || 'other';
}

export async function usageBelow(client: Redis, prefix: string): Promise<RedisUsage> {
  const keys = await keysBelow(client, prefix);
  const byKind: Record<string, { keys: number; bytes: number }> = {};
  let bytes = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const sizes = await Promise.all(batch.map((key) => client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']) as Promise<number | null>));
    batch.forEach((key, index) => {
      const size = Number(sizes[index] ?? 0);
      const kind = kindOf(key.slice(prefix.length));
      const entry = (byKind[kind] ??= { keys: 0, bytes: 0 });
      entry.keys++;
      entry.bytes += size;
      bytes += size;
    });
  }
  const sorted = Object.fromEntries(Object.entries(byKind).sort((a, b) => b[1].bytes - a[1].bytes));
  return { keys: keys.length, bytes, byKind: sorted };
}

/** The difference between two snapshots, per conversation. */
export function perConversation(before: RedisUsage, after: RedisUsage, conversations: number) {
  const kinds = new Set([...Object.keys(before.byKind), ...Object.keys(after.byKind)]);
  const byKind: Record<string, { keysPerConversation: number; bytesPerConversation: number }> = {};
  for (const kind of kinds) {
    const b = before.byKind[kind] ?? { keys: 0, bytes: 0 };
    const a = after.byKind[kind] ?? { keys: 0, bytes: 0 };
    if (a.keys === b.keys && a.bytes === b.bytes) continue;
    byKind[kind] = {
      keysPerConversation: Math.round(((a.keys - b.keys) / conversations) * 100) / 100,
      bytesPerConversation: Math.round((a.bytes - b.bytes) / conversations),
    };
  }
  return {
    conversations,
    bytesPerConversation: Math.round((after.bytes - before.bytes) / conversations),
    keysPerConversation: Math.round(((after.keys - before.keys) / conversations) * 100) / 100,
    byKind,
  };
}

export async function deleteBelow(client: Redis, prefix: string): Promise<number> {
  if (!prefix.startsWith('mhb-bench:')) throw new Error(`refusing to delete keys outside the benchmark's prefix: ${prefix}`);
  const keys = await keysBelow(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.unlink(keys.slice(i, i + 500));
  return keys.length;
}
