import websocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { TurnContext } from 'botbuilder-core';
import { loadAssessment } from './assessment/definition.js';
import { HelpBot } from './bot/bot.js';
import { BotStorage } from './bot/bot-storage.js';
import { createI18n } from './bot/i18n.js';
import { createPseudonymizer } from './bot/pseudonym.js';
import { TurnSerializer } from './bot/turn-serializer.js';
import type { BotLogic, ChannelAdapter } from './bot/channel-adapter.js';
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
import { KnowledgeBase } from './content/knowledge-base.js';
import { ContentError, formatProblem } from './content/load.js';
import { createMetrics } from './metrics.js';
import { registerWebChatPage } from './web-page.js';
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
   * Reads the content files again. Broken content is refused (the problems are returned) and the
   * bot keeps answering with the last good content.
   */
  reloadContent(): { ok: true } | { ok: false; problems: string[] };
  /** Stops taking requests, lets running turns finish, closes the store. */
  close(): Promise<void>;
}

/** Builds every part from the configuration and starts listening. */
export async function startApp(config: Config, options: { logger?: Logger; contentDir?: string } = {}): Promise<App> {
  const contentDir = options.contentDir ?? 'content';
  const logger = options.logger ?? createLogger(config.logLevel);
  // Refuses to start on broken content: the error names each file, field and problem.
  let knowledge = KnowledgeBase.load(contentDir);
  // The same for the self-check: loaded once, the error lists each file, field and problem.
  const assessment = await loadAssessment(`${contentDir}/assessment`);
  const i18n = createI18n();
  const store = await createStore({ redisUrl: config.redis?.url, keyPrefix: config.redis?.keyPrefix });
  const storage = new BotStorage(store, { ttlSeconds: config.retention.state });
  const handoff = new HandoffService(store, {
    queueSeconds: config.retention.queue,
    transcriptSeconds: config.retention.transcript,
    auditSeconds: config.retention.audit,
  });
  const recentMessages = new RecentMessages(store);
  const metrics = createMetrics(handoff);
  // Each turn is logged with its channel and duration only: no id, no text.
  const observeTurn = (channel: string, seconds: number) => {
    metrics.observeTurn(channel, seconds);
    logger.debug({ channel, ms: Math.round(seconds * 1000) }, 'turn');
  };
  const bot = new HelpBot({
    config,
    storage,
    store,
    i18n,
    logger,
    knowledge: () => knowledge,
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

  const server = Fastify({
    // Requests are not logged one by one (their URLs can hold tokens); errors are, without content.
    logger: false,
    bodyLimit: config.limits.maxBodyBytes,
    trustProxy: true,
  });
  server.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send(error.toBody());
    if (error instanceof StoreUnavailableError) {
      return reply.code(503).send(new HttpError('UNAVAILABLE', 'storage is unavailable; please try again').toBody());
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) logger.error({ err: errorSummary(error) }, 'request failed');
    const name = status === 413 ? 'TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA' : status === 500 ? 'INTERNAL' : 'BAD_ARGUMENT';
    return reply.code(status).send(new HttpError(name, status === 500 ? 'something went wrong' : error.message).toBody());
  });
  server.setNotFoundHandler((_request, reply) => reply.code(404).send(new HttpError('NOT_FOUND', 'not found').toBody()));

  await server.register(websocket, { options: { maxPayload: 4096 } });

  // While shutting down, /readyz says so, so that a load balancer stops sending new work here.
  let draining = false;
  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  server.get('/readyz', async (_request, reply) => {
    const storeUp = await store.ping().catch(() => false);
    const contentLoaded = knowledge.content.topics.size > 0;
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
    knowledge: () => knowledge,
    logger,
    waitSeconds: config.handoff.waitSeconds,
  });
  personBridge.startSweeping();
  await registerConsole(server, {
    config,
    store,
    handoff,
    bridge: personBridge,
    knowledge: () => knowledge,
    assessment: () => assessment,
    i18n,
    logger,
  });

  await server.listen({ host: config.host, port: config.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  await telegram?.start().catch(async (error: unknown) => {
    await server.close();
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
    reloadContent() {
      try {
        knowledge = KnowledgeBase.load(contentDir);
        logger.info({ topics: knowledge.content.topics.size, countries: knowledge.content.countries.size }, 'content reloaded');
        return { ok: true };
      } catch (error) {
        const problems = error instanceof ContentError ? error.problems.map(formatProblem) : [String(error)];
        logger.error({ problems }, 'content reload refused; keeping the last good content');
        return { ok: false, problems };
      }
    },
    async close() {
      draining = true;
      personBridge.stopSweeping();
      await server.close();
      await Promise.allSettled([...inFlight, telegram?.stop()]);
      await store.close();
    },
  };
}
