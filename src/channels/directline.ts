import { randomBytes } from 'node:crypto';
import type { Activity, ConversationReference } from 'botbuilder-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { ChannelAdapter, type BotLogic } from '../bot/channel-adapter.js';
import type { Pseudonymizer } from '../bot/pseudonym.js';
import type { TurnSerializer } from '../bot/turn-serializer.js';
import type { Config } from '../config.js';
import { HttpError } from '../errors.js';
import type { Logger } from '../logger.js';
import { limitRate } from '../rate-limit.js';
import { StoreUnavailableError, type AppendedNotice, type LogEntry, type Store, type Unsubscribe } from '../store/store.js';
import { signToken, verifyToken, type TokenClaims } from './directline-token.js';

/**
 * The web chat channel: a Direct Line 3.0 service served by this project. Activities of each
 * conversation are appended to a log in the store (a Redis stream when Redis is used), numbered so
 * that the watermark is simply the last number a client has seen; a notice on the store's pub/sub
 * tells every instance holding a socket for the conversation to push what is new. Nothing is lost
 * on reconnect, and a conversation can move between instances.
 */

export const DIRECTLINE_CHANNEL = 'directline';
const BOT = { id: 'bot', name: 'Helper', role: 'bot' } as const;
const KEEP_ALIVE_MS = 15_000;
const PAGE_SIZE = 100;

const keys = {
  conversation: (id: string) => `dl:conv:${id}`,
  log: (id: string) => `dl:log:${id}`,
  channel: (id: string) => `dl:${id}`,
  /** Rate-limit counters (see rate-limit.ts): per conversation, per address. */
  rate: (scope: string) => `dl:${scope}`,
};

/** Notices on the conversation's pub/sub channel: activities appended to its log, or a new socket. */
type Notice = AppendedNotice<Record<string, unknown>> | { type: 'socket'; socketId: string };

const conversationIdPattern = /^[A-Za-z0-9_-]{10,64}$/;

const incomingActivity = z
  .object({
    type: z.enum(['message', 'event', 'typing', 'conversationUpdate', 'invoke', 'messageReaction']),
    text: z.string().optional(),
    value: z.unknown().optional(),
    name: z.string().max(256).optional(),
    locale: z.string().max(35).optional(),
    textFormat: z.string().max(32).optional(),
    from: z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional(), role: z.string().max(32).optional() }).optional(),
    attachments: z.array(z.unknown()).max(10).optional(),
    channelData: z.unknown().optional(),
  })
  .passthrough();

export interface DirectLineOptions {
  /** The person is typing (no turn is run for it). */
  onPersonTyping?: (conversationId: string) => Promise<void>;
  config: Config;
  store: Store;
  turns: TurnSerializer;
  pseudonym: Pseudonymizer;
  logger: Logger;
}

/** Sends the bot's replies into the conversation's log. */
export class DirectLineAdapter extends ChannelAdapter {
  constructor(private readonly options: DirectLineOptions) {
    super(options.turns, options.config.typingDelayMs);
  }

  protected async deliver(reference: Partial<ConversationReference>, activities: Array<Partial<Activity>>): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) return;
    const timestamp = new Date().toISOString();
    await appendActivities(this.options, conversationId, activities.map((activity) => ({
      type: activity.type,
      text: activity.text,
      textFormat: activity.textFormat,
      locale: activity.locale,
      suggestedActions: activity.suggestedActions,
      attachments: activity.attachments,
      inputHint: activity.inputHint,
      name: activity.name,
      value: activity.value,
      channelData: activity.channelData,
      replyToId: activity.replyToId,
      from: BOT,
      conversation: { id: conversationId },
      timestamp,
    })));
  }

  /** Runs a turn for an activity a client posted. */
  receive(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
    return this.processActivity(activity, logic);
  }
}

/** Appends to the conversation's log, announcing the new activities to its sockets in the same step. */
async function appendActivities(options: DirectLineOptions, conversationId: string, activities: Array<Record<string, unknown>>): Promise<string[]> {
  const { store, config } = options;
  const seqs = await store.appendAll(keys.log(conversationId), activities.map(withoutUndefined), {
    ttlSeconds: config.retention.directLine,
    maxLength: 1000,
    announce: keys.channel(conversationId),
  });
  return seqs.map((seq) => activityId(conversationId, seq));
}

/** Log entries as Direct Line's ActivitySet: the activities with their ids, and the watermark after them. */
function activitySet(conversationId: string, entries: Array<LogEntry<Record<string, unknown>>>, after: number) {
  const activities = entries.map((e) => ({ ...e.value, id: activityId(conversationId, e.seq) }));
  return { activities, watermark: String(entries.at(-1)?.seq ?? after) };
}

function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Registers the `/v3/directline` routes. `logic` is the bot's turn handler. */
export function registerDirectLine(
  app: FastifyInstance,
  options: DirectLineOptions,
  adapter: DirectLineAdapter,
  logic: BotLogic,
): { inFlight: Set<Promise<void>> } {
  const { config, store, pseudonym, logger } = options;
  const inFlight = new Set<Promise<void>>();
  const sockets = new Map<string, { socketId: string; socket: WebSocket }>();

  const newToken = (conversationId: string) => {
    const expiresAt = Math.floor(Date.now() / 1000) + config.directLine.tokenTtlSeconds;
    return { token: signToken(config.secretKey, { conversationId, expiresAt }), expires_in: config.directLine.tokenTtlSeconds };
  };

  const streamUrl = (request: FastifyRequest, conversationId: string, token: string, watermark?: string) => {
    const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
    let url: URL;
    try {
      url = new URL(`/v3/directline/conversations/${conversationId}/stream`, base.replace(/^http/, 'ws'));
    } catch {
      // Only without PUBLIC_URL: the Host (or X-Forwarded-Host/-Proto) header is not a URL's.
      throw new HttpError('BAD_ARGUMENT', 'the Host header is not a valid host name');
    }
    url.searchParams.set('t', token);
    if (watermark) url.searchParams.set('watermark', watermark);
    return url.toString();
  };

  const claimsOf = (request: FastifyRequest): TokenClaims => {
    const header = request.headers.authorization;
    const query = (request.query as { t?: unknown }).t;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof query === 'string' ? query : undefined;
    if (!token) throw new HttpError('UNAUTHORIZED', 'a Direct Line token is required (Authorization: Bearer <token>)');
    const check = verifyToken(config.secretKey, token);
    if (!check.ok) throw new HttpError(check.reason === 'expired' ? 'TOKEN_EXPIRED' : 'BAD_TOKEN', `the token is ${check.reason}`);
    return check.claims;
  };

  /**
   * Conversations seen to exist in the last minute. Their record lives DIRECTLINE_TTL_SECONDS (a day
   * by default), so remembering that for a minute spares a read on nearly every request.
   */
  const seen = new Map<string, number>();
  const SEEN_MS = 60_000;
  const SEEN_MAX = 10_000;
  const conversationExists = async (conversationId: string): Promise<boolean> => {
    const now = Date.now();
    if ((seen.get(conversationId) ?? 0) > now) return true;
    if (!(await store.get(keys.conversation(conversationId)))) return false;
    seen.delete(conversationId);
    seen.set(conversationId, now + SEEN_MS);
    // Oldest first in a Map: drop the oldest beyond the bound.
    if (seen.size > SEEN_MAX) seen.delete(seen.keys().next().value!);
    return true;
  };

  /** The conversation in the path must exist and be the one the token was issued for. */
  const authorize = async (request: FastifyRequest): Promise<string> => {
    const conversationId = (request.params as { conversationId: string }).conversationId;
    if (!conversationIdPattern.test(conversationId)) throw new HttpError('NOT_FOUND', 'no such conversation');
    const claims = claimsOf(request);
    if (claims.conversationId !== conversationId) throw new HttpError('FORBIDDEN', 'the token is for another conversation');
    if (!(await conversationExists(conversationId))) throw new HttpError('NOT_FOUND', 'no such conversation, or it has expired');
    return conversationId;
  };

  const TOO_FAST = 'too many requests; please wait a minute';
  // Checked on the request line and headers, before the body is read: first the address's limit,
  // then the token, so that nothing of a request without a valid one is parsed.
  const byAddress = async (request: FastifyRequest) => {
    const address = pseudonym('ip', request.ip);
    await limitRate(store, keys.rate(`addr:${address}`), config.limits.ratePerIpPerMinute, 'too many requests from this address; please wait a minute');
  };
  const tokens = new WeakMap<FastifyRequest, TokenClaims>();
  const conversations = new WeakMap<FastifyRequest, string>();
  /** Routes open to anyone: the address's limit only. */
  const open = { onRequest: byAddress };
  /** Routes that take a token for any conversation. */
  const withToken = {
    onRequest: [byAddress, async (request: FastifyRequest) => {
      tokens.set(request, claimsOf(request));
    }],
  };
  /** Routes of one conversation: its token, and the conversation must exist. */
  const inConversation = {
    onRequest: [byAddress, async (request: FastifyRequest) => {
      conversations.set(request, await authorize(request));
    }],
  };
  const claimsFor = (request: FastifyRequest) => tokens.get(request) ?? claimsOf(request);
  const conversationOf = async (request: FastifyRequest) => conversations.get(request) ?? authorize(request);

  const openConversation = async (conversationId: string) => {
    await store.set(keys.conversation(conversationId), { createdAt: new Date().toISOString().slice(0, 10) }, {
      ttlSeconds: config.retention.directLine,
      ifEtag: null,
    }).catch(() => undefined);
  };

  const parseWatermark = (raw: unknown): number => {
    if (raw === undefined || raw === '' || raw === '-') return 0;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new HttpError('BAD_ARGUMENT', 'watermark must be a whole number');
    return n;
  };

  const readSince = async (conversationId: string, after: number) =>
    activitySet(conversationId, await store.readLog<Record<string, unknown>>(keys.log(conversationId), after, PAGE_SIZE), after);

  // Anyone may open a web chat; the per-address rate limit keeps one client from minting thousands.
  app.post('/v3/directline/tokens/generate', open, async (request, reply) => {
    await limitRate(store, keys.rate(`ip:${pseudonym('ip', request.ip)}`), config.limits.ratePerMinute, TOO_FAST);
    const conversationId = randomBytes(16).toString('base64url');
    await openConversation(conversationId);
    return reply.send({ conversationId, ...newToken(conversationId) });
  });

  app.post('/v3/directline/tokens/refresh', withToken, async (request, reply) => {
    const claims = claimsFor(request);
    if (!(await conversationExists(claims.conversationId))) throw new HttpError('NOT_FOUND', 'no such conversation, or it has expired');
    return reply.send({ conversationId: claims.conversationId, ...newToken(claims.conversationId) });
  });

  app.post('/v3/directline/conversations', withToken, async (request, reply) => {
    const claims = claimsFor(request);
    const conversationId = claims.conversationId;
    await openConversation(conversationId);
    const { token, expires_in } = newToken(conversationId);
    return reply.code(201).send({ conversationId, token, expires_in, streamUrl: streamUrl(request, conversationId, token) });
  });

  // Reconnect: a fresh stream URL, starting after the client's watermark.
  app.get('/v3/directline/conversations/:conversationId', inConversation, async (request, reply) => {
    const conversationId = await conversationOf(request);
    const watermark = parseWatermark((request.query as { watermark?: unknown }).watermark);
    const { token, expires_in } = newToken(conversationId);
    return reply.send({ conversationId, token, expires_in, streamUrl: streamUrl(request, conversationId, token, String(watermark)) });
  });

  app.get('/v3/directline/conversations/:conversationId/activities', inConversation, async (request) => {
    const conversationId = await conversationOf(request);
    return readSince(conversationId, parseWatermark((request.query as { watermark?: unknown }).watermark));
  });

  app.post('/v3/directline/conversations/:conversationId/activities', inConversation, async (request, reply) => {
    const conversationId = await conversationOf(request);
    await limitRate(store, keys.rate(`conv:${conversationId}`), config.limits.ratePerMinute, TOO_FAST);
    const parsed = incomingActivity.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError('BAD_ARGUMENT', `invalid activity: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim());
    }
    const posted = parsed.data;
    if (posted.type === 'typing') {
      // Not a turn: only a caseworker holding the chat cares (see onPersonTyping).
      await options.onPersonTyping?.(conversationId);
      return reply.send({ id: '' });
    }

    const userId = posted.from?.id ?? `dl_${conversationId}`;
    const timestamp = new Date().toISOString();
    const [id] = await appendActivities(options, conversationId, [{
      type: posted.type,
      text: posted.text,
      value: posted.value,
      name: posted.name,
      locale: posted.locale,
      attachments: posted.attachments,
      channelData: posted.channelData,
      from: { id: userId, name: posted.from?.name, role: 'user' },
      conversation: { id: conversationId },
      timestamp,
    }]);
    const turn = adapter
      .receive(
        {
          id,
          type: posted.type,
          text: posted.text,
          value: posted.value,
          name: posted.name,
          locale: posted.locale,
          attachments: posted.attachments as Activity['attachments'],
          channelId: DIRECTLINE_CHANNEL,
          serviceUrl: '',
          timestamp: new Date(timestamp),
          conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
          from: { id: pseudonym(DIRECTLINE_CHANNEL, userId), name: '', role: 'user' },
          recipient: { id: BOT.id, name: BOT.name, role: 'bot' },
        },
        logic,
      )
      .then(
        () => undefined,
        (error: unknown) => {
          logger.error({ err: errorSummary(error) }, 'direct line turn failed');
          return error;
        },
      );
    const settled = turn.then(() => undefined);
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    // The answer waits for the turn, as Direct Line does: if this instance dies before the bot has
    // handled the message, the client sees the send fail and can send it again, instead of
    // believing it arrived.
    const failure = await turn;
    if (failure instanceof StoreUnavailableError) throw failure;
    if (failure) throw new HttpError('UNAVAILABLE', 'the message could not be handled; please try again');
    return reply.send({ id });
  });

  app.post('/v3/directline/conversations/:conversationId/upload', inConversation, async () => {
    throw new HttpError('UNSUPPORTED_MEDIA', 'files are not accepted; please write your message as text');
  });

  app.route({
    method: 'GET',
    url: '/v3/directline/conversations/:conversationId/stream',
    // Checked before the upgrade, so a bad token gets a plain HTTP 403 or 404.
    ...inConversation,
    preValidation: async (request: FastifyRequest) => {
      parseWatermark((request.query as { watermark?: unknown }).watermark);
    },
    // A plain HTTP request, without the upgrade.
    handler: async (_request: FastifyRequest, reply: FastifyReply) =>
      sendHttpError(reply.header('upgrade', 'websocket'), new HttpError('UPGRADE_REQUIRED', 'this is a WebSocket: connect to it with a WebSocket client')),
    wsHandler: (socket: WebSocket, request: FastifyRequest) => {
      const conversationId = (request.params as { conversationId: string }).conversationId;
      void serveStream(socket, conversationId, parseWatermark((request.query as { watermark?: unknown }).watermark));
    },
  });

  /** Pushes the log to one socket, from the watermark on, then whatever is appended later. */
  async function serveStream(socket: WebSocket, conversationId: string, watermark: number): Promise<void> {
    const socketId = randomBytes(8).toString('base64url');
    let sent = watermark;
    let pushing = Promise.resolve();
    let unsubscribe: Unsubscribe | undefined;
    let closed = false;

    const sendSet = (set: ReturnType<typeof activitySet>) => {
      sent = Number(set.watermark);
      socket.send(JSON.stringify(set));
    };
    /** Reads the log from what this socket was sent last, until it has caught up. */
    const catchUp = async () => {
      while (!closed) {
        const set = await readSince(conversationId, sent);
        if (set.activities.length > 0) sendSet(set);
        if (set.activities.length < PAGE_SIZE) return;
      }
    };
    // One step at a time, in order. Announced activities that follow on from what was sent go out
    // as they are; after a gap (a notice missed, a reconnect) the log is read instead.
    const push = (announced?: AppendedNotice<Record<string, unknown>>['entries']) => {
      pushing = pushing
        .then(async () => {
          if (closed) return;
          const fresh = announced?.filter((e) => e.seq > sent);
          if (fresh && fresh.length === 0) return;
          if (fresh && fresh[0]!.seq === sent + 1) sendSet(activitySet(conversationId, fresh, sent));
          else await catchUp();
        })
        .catch((error: unknown) => logger.warn({ err: errorSummary(error) }, 'direct line stream push failed'));
    };

    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      socket.ping();
      socket.send('');
    }, KEEP_ALIVE_MS);
    keepAlive.unref();

    const close = async () => {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      if (sockets.get(conversationId)?.socketId === socketId) sockets.delete(conversationId);
      await unsubscribe?.().catch(() => undefined);
    };
    socket.on('close', () => void close());
    socket.on('error', () => void close());
    socket.on('message', () => undefined); // clients send nothing on the stream; ignore anything they do

    // One socket per conversation: a newer one (on any instance) replaces this one.
    sockets.get(conversationId)?.socket.close(4000, 'replaced by a newer connection');
    sockets.set(conversationId, { socketId, socket });

    try {
      unsubscribe = await store.subscribe(keys.channel(conversationId), (raw) => {
        const notice = JSON.parse(raw) as Notice;
        if (notice.type === 'appended') push(notice.entries);
        else if (notice.socketId !== socketId) socket.close(4000, 'replaced by a newer connection');
      });
      if (closed) await unsubscribe();
      await store.publish(keys.channel(conversationId), JSON.stringify({ type: 'socket', socketId } satisfies Notice));
      push();
    } catch (error) {
      logger.warn({ err: errorSummary(error) }, 'direct line stream could not start');
      socket.close(1011, 'try again');
    }
  }

  return { inFlight };
}

/** Error details for logs: the kind and message of an error, never the activity it came with. */
export function errorSummary(error: unknown): { type: string; message: string } {
  if (error instanceof Error) return { type: error.name, message: error.message.slice(0, 200) };
  return { type: typeof error, message: '' };
}

export function sendHttpError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).send(error.toBody());
}
