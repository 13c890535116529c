import websocket from '@fastify/websocket';
import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { TurnContext } from 'botbuilder-core';
import { loadAssessment } from './assessment/definition.js';
import { HelpBot } from './bot/bot.js';
import { BotStorage } from './bot/bot-storage.js';
import { createI18n } from './bot/i18n.js';
import { createPseudonymizer } from './bot/pseudonym.js';
import { TurnSerializer } from './bot/turn-serializer.js';
import type { BotLogic, ChannelAdapter, TurnObserver } from './bot/channel-adapter.js';
import { HandoffBridge } from './bot/handoff-bridge.js';
import { RecentMessages } from './bot/recent-messages.js';
import { HandoffService } from './handoff/handoff-service.js';
import { DIRECTLINE_CHANNEL, DirectLineAdapter, errorSummary, registerDirectLine } from './channels/directline.js';
import { TELEGRAM_CHANNEL, TelegramAdapter, registerTelegram, type TelegramChannel } from './channels/telegram.js';
import type { Config } from './config.js';
import { HttpError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { StoreUnavailableError, type Store } from './store/store.js';
import { createStore } from './store/create-store.js';
import { LiveContent, type ReloadResult } from './content/live-content.js';
import { createMetrics } from './metrics.js';
import { registerWebChatPage, SECURITY_HEADERS, securityHeaders } from './web-page.js';
import { registerConsole } from './console/routes.js';
import { message } from './bot/replies.js';

export interface App {
  /** Where the server listens, e.g. http://127.0.0.1:3978 */
  url: string;
  server: FastifyInstance;
  store: Store;
  logger: Logger;
  handoff: HandoffService;
  personBridge: HandoffBridge;
  /**
   * Reads the content files and the edits made in the console again. Broken content is refused
   * (the problems are returned) and the bot keeps answering with the last good content.
   */
  reloadContent(): Promise<ReloadResult>;
  /** Stops taking requests, lets running turns finish, closes the store. */
  close(): Promise<void>;
}

/** Builds every part from the configuration and starts listening. */
export async function startApp(config: Config, options: { logger?: Logger; contentDir?: string } = {}): Promise<App> {
  const contentDir = options.contentDir ?? 'content';
  const logger = options.logger ?? createLogger(config.logLevel);
  // The self-check: loaded once; refuses to start on a broken one, naming each file, field and problem.
  const assessment = await loadAssessment(`${contentDir}/assessment`);
  const i18n = createI18n();
  const store = await createStore({ redisUrl: config.redis?.url, keyPrefix: config.redis?.keyPrefix });
  // The same for the knowledge base and services, read with the edits made in the console, which
  // are kept in the store so that they outlive a restart and reach every instance.
  const content = await LiveContent.start({ store, dir: contentDir, ttlSeconds: config.retention.contentOverride, logger }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const knowledge = () => content.knowledge;
  const storage = new BotStorage(store, { ttlSeconds: config.retention.state });
  const handoff = new HandoffService(store, {
    queueSeconds: config.retention.queue,
    transcriptSeconds: config.retention.transcript,
    auditSeconds: config.retention.audit,
  });
  const recentMessages = new RecentMessages(store);
  const metrics = createMetrics(handoff);
  // Each turn is logged with its channel and duration only: no id, no text.
  const observeTurn: TurnObserver = (channel, seconds, failed) => {
    metrics.observeTurn(channel, seconds);
    if (failed) metrics.turnFailed(channel);
    logger.debug({ channel, ms: Math.round(seconds * 1000) }, 'turn');
  };
  const bot = new HelpBot({
    config,
    storage,
    store,
    i18n,
    logger,
    knowledge,
    assessment: () => assessment,
    handoff,
    recentMessages,
  });
  const turns = new TurnSerializer(store);
  const pseudonym = createPseudonymizer(config.secretKey);

  const directLine = { config, store, turns, pseudonym, logger };
  const directLineAdapter = new DirectLineAdapter(directLine);
  const logic: BotLogic = (context) => bot.run(context);
  const onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: errorSummary(error), channel: context.activity.channelId }, 'turn failed');
    metrics.turnFailed(context.activity.channelId ?? 'unknown');
    const t = i18n.getFixedT(context.activity.locale?.slice(0, 2) ?? config.defaultLanguage);
    const key = error instanceof StoreUnavailableError ? 'fallback.storageDown' : 'fallback.error';
    await context.sendActivity(message(t(key))).catch(() => undefined);
  };
  directLineAdapter.onTurnError = onTurnError;
  directLineAdapter.turnObserver = observeTurn;

  /** Every error becomes the JSON error body: a 4xx where the request is at fault, else 500 (logged) or 503. */
  const answerError = (error: FastifyError | Error, reply: FastifyReply) => {
    securityHeaders(reply);
    if (error instanceof HttpError) return reply.code(error.status).send(error.toBody());
    if (error instanceof StoreUnavailableError) {
      return reply.code(503).send(new HttpError('UNAVAILABLE', 'storage is unavailable; please try again').toBody());
    }
    const given = (error as FastifyError).statusCode;
    const status = given && given >= 400 && given < 500 ? given : 500;
    if (status === 500) logger.error({ err: errorSummary(error) }, 'request failed');
    const name = status === 413 ? 'TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA' : status === 500 ? 'INTERNAL' : 'BAD_ARGUMENT';
    return reply.code(status).send(new HttpError(name, status === 500 ? 'something went wrong' : error.message).toBody());
  };

  const server = Fastify({
    // Requests are not logged one by one (their URLs can hold tokens); errors are, without content.
    logger: false,
    bodyLimit: config.limits.maxBodyBytes,
    trustProxy: true,
    // The router's own refusals, in the same shape, without echoing the URL back.
    frameworkErrors: (error, request, reply) => {
      // A WebSocket upgrade refused here never reaches the websocket plugin, which would close its
      // socket: left open, it would be kept for ever (and hold up shutdown).
      if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
      if (error.code === 'FST_ERR_BAD_URL') return answerError(new HttpError('BAD_ARGUMENT', 'the URL is not valid'), reply);
      // A path segment longer than any id or key this server gives out.
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return answerError(new HttpError('NOT_FOUND', 'not found'), reply);
      return answerError(error, reply);
    },
    // Requests Node cannot parse (oversized headers or URL, broken HTTP), also in the same shape.
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const answer =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? new HttpError('HEADERS_TOO_LARGE', 'the request headers or URL are too large')
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? new HttpError('TIMEOUT', 'the request took too long')
            : new HttpError('BAD_ARGUMENT', 'the request is not valid HTTP');
      const body = JSON.stringify(answer.toBody());
      const headers = { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
      }
      socket.destroy(error);
    },
  });
  server.setErrorHandler((error: FastifyError, _request, reply) => answerError(error, reply));
  server.setNotFoundHandler((_request, reply) => answerError(new HttpError('NOT_FOUND', 'not found'), reply));
  // On every response, pages and API alike, errors included.
  server.addHook('onRequest', async (_request, reply) => {
    securityHeaders(reply);
  });

  await server.register(websocket, { options: { maxPayload: 4096 } });

  // While shutting down, /readyz says so, so that a load balancer stops sending new work here.
  let draining = false;
  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  server.get('/readyz', async (_request, reply) => {
    const storeUp = await store.ping().catch(() => false);
    const contentLoaded = knowledge().content.topics.size > 0;
    const ready = storeUp && contentLoaded && !draining;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', store: storeUp, content: contentLoaded, draining });
  });

  const onPersonTyping = async (conversationKey: string) => {
    if (await handoff.get(conversationKey)) await handoff.typing(conversationKey, 'person');
  };
  const { inFlight } = registerDirectLine(server, { ...directLine, onPersonTyping }, directLineAdapter, logic);
  registerWebChatPage(server, config);

  const adapters = new Map<string, ChannelAdapter>([[DIRECTLINE_CHANNEL, directLineAdapter]]);
  let telegram: TelegramChannel | undefined;
  if (config.telegram) {
    const telegramOptions = { ...directLine, i18n, telegram: config.telegram };
    const telegramAdapter = new TelegramAdapter(telegramOptions);
    telegramAdapter.onTurnError = onTurnError;
    telegramAdapter.turnObserver = observeTurn;
    telegram = registerTelegram(server, telegramOptions, telegramAdapter, logic);
    adapters.set(TELEGRAM_CHANNEL, telegramAdapter);
  }
  const personBridge = new HandoffBridge({
    adapters,
    bot,
    handoff,
    i18n,
    knowledge,
    logger,
    waitSeconds: config.handoff.waitSeconds,
  });
  personBridge.startSweeping();
  await registerConsole(server, {
    config,
    store,
    handoff,
    bridge: personBridge,
    knowledge,
    assessment: () => assessment,
    i18n,
    logger,
    content,
  });

  await server.listen({ host: config.host, port: config.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  await telegram?.start().catch(async (error: unknown) => {
    await server.close();
    await content.close();
    await store.close();
    throw error;
  });

  return {
    url: `http://${host}:${port}`,
    server,
    store,
    logger,
    handoff,
    personBridge,
    reloadContent: () => content.reload(),
    async close() {
      draining = true;
      personBridge.stopSweeping();
      await server.close();
      await Promise.allSettled([...inFlight, telegram?.stop()]);
      await content.close();
      await store.close();
    },
  };
}
