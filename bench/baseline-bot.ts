/**
 * The baseline, in a process of its own: a bare grammY bot that answers every message with a fixed
 * text, served with grammY's own webhookCallback on a plain node http server. No storage, no
 * dialogs, no typing indicator: the least any Telegram bot does per message. Its Bot API is the
 * same double as ours (BENCH_API_ROOT), and it checks the same secret header.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, webhookCallback } from 'grammy';

const token = process.env.BENCH_BOT_TOKEN!;
const apiRoot = process.env.BENCH_API_ROOT!;
const secretToken = process.env.BENCH_WEBHOOK_SECRET!;

const bot = new Bot(token, { client: { apiRoot } });
bot.on('message', (ctx) => ctx.reply('fixed'));
bot.catch(() => undefined);
await bot.init();

const server = createServer(webhookCallback(bot, 'http', { secretToken }));
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, resolve));
const { port } = server.address() as AddressInfo;

process.on('message', (request: { type: string }) => {
  if (request.type === 'close') {
    server.closeAllConnections();
    server.close(() => {
      process.send?.({ type: 'closed' });
      process.exit(0);
    });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
