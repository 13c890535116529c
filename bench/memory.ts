import type { BotApiDouble } from './bot-api-double.js';
import { DirectLineDriver } from './directline-load.js';
import { createAgent } from './http.js';
import { startChild } from './process.js';
import { progress, round } from './stats.js';
import { TelegramChats } from './telegram-load.js';

/**
 * Memory per active conversation in in-memory mode (no REDIS_URL): the server runs in its own
 * process with --expose-gc; its heap is read after full collections before and after K
 * conversations are taken past the language choice. Web chats keep their WebSocket stream open
 * (an active web chat); Telegram chats have no connection, only state.
 */
export interface MemoryOptions {
  conversations: number;
  secretKey: string;
  botToken: string;
  webhookSecret: string;
  env: Record<string, string>;
}

export async function measureMemory(double: BotApiDouble, options: MemoryOptions) {
  const K = options.conversations;
  const child = await startChild('bench/server.ts', {
    exposeGc: true,
    env: {
      ...options.env,
      // No REDIS_URL: the in-memory store.
      TELEGRAM_BOT_TOKEN: options.botToken,
      TELEGRAM_API_ROOT: double.url,
      TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: options.webhookSecret,
    },
  });
  const agent = createAgent();
  try {
    type Heap = { heapUsed: number; rss: number; external: number; arrayBuffers: number; gc: boolean };
    const webhook = {
      url: `${child.url}/telegram/hook`,
      secret: options.webhookSecret,
      endsTurn: (m: { hasButtons: boolean }) => m.hasButtons,
    };
    // Warm-up: first conversations load lazy modules and caches that are not per conversation.
    const warm = await DirectLineDriver.open(child.url, agent, 20, 'mem-warm');
    warm.close();
    await new TelegramChats(webhook, double, agent, 600_000_000, 20).setUp();

    const heap0 = await child.ask<Heap>('heap');
    progress(`memory: opening ${K} web chats (in-memory store)`);
    const web = await DirectLineDriver.open(child.url, agent, K, 'mem');
    const heap1 = await child.ask<Heap>('heap');
    progress(`memory: opening ${K} Telegram chats (in-memory store)`);
    await new TelegramChats(webhook, double, agent, 610_000_000, K).setUp();
    const heap2 = await child.ask<Heap>('heap');
    web.close();

    // The heap is what grows with conversations; external memory (socket buffers) is shown beside
    // it. RSS is left out: freed heap pages are not returned at once, so its difference is noise.
    const per = (a: Heap, b: Heap) => ({
      heapBytesPerConversation: Math.round((b.heapUsed - a.heapUsed) / K),
      externalBytesPerConversation: Math.round((b.external - a.external) / K),
    });
    return {
      mode: 'in-memory store (no REDIS_URL), heap after full GC (node --expose-gc) in the server process',
      gcExposed: heap0.gc,
      conversations: K,
      state: 'past the language choice, at the menu prompt',
      heapUsedMB: { before: mb(heap0.heapUsed), afterWebChats: mb(heap1.heapUsed), afterTelegramChats: mb(heap2.heapUsed) },
      webChat: { ...per(heap0, heap1), note: 'WebSocket stream open; includes the conversation log kept for reconnects' },
      telegram: per(heap1, heap2),
    };
  } finally {
    agent.destroy();
    await child.close();
  }
}

function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}
