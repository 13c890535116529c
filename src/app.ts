import websocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { HelpBot } from './bot/bot.js';
import { BotStorage } from './bot/bot-storage.js';
import { createI18n } from './bot/i18n.js';
import { createPseudonymizer } from './bot/pseudonym.js';
import { TurnSerializer } from './bot/turn-serializer.js';
import { DirectLineAdapter, errorSummary, registerDirectLine } from './channels/directline.js';
import type { Config } from './config.js';
import { HttpError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { StoreUnavailableError, type Store } from './store/store.js';
import { createStore } from './store/create-store.js';
import { KnowledgeBase } from './content/knowledge-base.js';
import { ContentError, formatProblem } from './content/load.js';
import { registerWebChatPage } from './web-page.js';
import { message } from './bot/replies.js';

export interface App {
  /** Where the server listens, e.g. http://127.0.0.1:3978 */
  url: string;
  server: FastifyInstance;
  store: Store;
  logger: Logger;
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
  const i18n = createI18n();
  const store = await createStore({ redisUrl: config.redis?.url, keyPrefix: config.redis?.keyPrefix });
  const storage = new BotStorage(store, { ttlSeconds: config.retention.state });
  const bot = new HelpBot({ config, storage, i18n, logger, knowledge: () => knowledge });
  const turns = new TurnSerializer(store);
  const pseudonym = createPseudonymizer(config.secretKey);

  const directLine = { config, store, turns, pseudonym, logger };
  const directLineAdapter = new DirectLineAdapter(directLine);
  directLineAdapter.onTurnError = async (context, error) => {
    logger.error({ err: errorSummary(error), channel: context.activity.channelId }, 'turn failed');
    const t = i18n.getFixedT(context.activity.locale?.slice(0, 2) ?? config.defaultLanguage);
    const key = error instanceof StoreUnavailableError ? 'fallback.storageDown' : 'fallback.error';
    await context.sendActivity(message(t(key))).catch(() => undefined);
  };

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
  server.get('/readyz', async (_request, reply) => {
    const storeUp = await store.ping().catch(() => false);
    const contentLoaded = knowledge.content.topics.size > 0;
    const ready = storeUp && contentLoaded && !draining;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', store: storeUp, content: contentLoaded, draining });
  });

  const { inFlight } = registerDirectLine(server, directLine, directLineAdapter, (context) => bot.run(context));
  registerWebChatPage(server, config);

  await server.listen({ host: config.host, port: config.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  return {
    url: `http://${host}:${port}`,
    server,
    store,
    logger,
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
      await server.close();
      await Promise.allSettled([...inFlight]);
      await store.close();
    },
  };
}
