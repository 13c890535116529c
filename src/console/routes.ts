import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { i18n } from 'i18next';
import { z } from 'zod';
import type { Assessment } from '../assessment/definition.js';
import { languages, type Config, type Language } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import { SERVICE_KINDS } from '../content/schema.js';
import { HttpError } from '../errors.js';
import type { ClaimResult, HandoffCase, HandoffService } from '../handoff/handoff-service.js';
import { isOpen } from '../handoff/opening-hours.js';
import type { PersonBridge } from '../handoff/person-bridge.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { securityHeaders } from '../web-page.js';
import type { LiveContent } from '../content/live-content.js';
import { StaffDirectory, usernameSchema } from './accounts.js';
import { registerDashboard } from './dashboard-routes.js';
import { registerContentEditor } from './editor-routes.js';
import { registerLive } from './live.js';
import { registerConsolePage } from './page.js';
import { parse } from './parse.js';
import { can, mayAct, mayView } from './permissions.js';
import { ConsoleSessions, type Staff } from './session.js';
import { caseView, summarize, type ActionView, type AuditView, type CannedView, type MeView, type QueueView, type ServicesView, type StaffListView } from './views.js';

export interface ConsoleDeps {
  config: Config;
  store: Store;
  handoff: HandoffService;
  /** Reaches the person on their channel, from any instance. */
  bridge: PersonBridge;
  knowledge: () => KnowledgeBase;
  assessment: () => Assessment;
  i18n: i18n;
  logger: Logger;
  /** The content with the editors' changes, for the editor area. */
  content: LiveContent;
  /** Where `npm run build:web` put the console page (default dist/web). */
  webDir?: string;
}

/** Why a claim or an action on a case did not happen, in the words the console shows. */
export const REFUSALS = {
  taken: 'Someone else has already taken this chat.',
  limit: 'You have reached your chat limit. Finish or transfer a chat first, or raise your limit.',
  gone: 'This chat has ended.',
} as const;

const NOTE_CHARS = 2000;

/**
 * The hotline console: the page at /console, a JSON API under /console/api and a WebSocket at
 * /console/ws for live updates. Every handler starts by asking the session for the permission it
 * needs, so that no endpoint can forget it; every view of a conversation and every action is
 * written to the audit log.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const { config, store, handoff, bridge, logger } = deps;
  const directory = new StaffDirectory(config.console.staffFile, (error) =>
    logger.error({ err: error.message }, 'the staff accounts file is broken: nobody can sign in until it is fixed'),
  );
  const sessions = new ConsoleSessions({ config, store, staff: directory, audit: (actor, action) => handoff.audit(actor, action) });
  const textSchema = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
  // Room for the longest message in UTF-8 and the JSON around it; more is refused with 413.
  const route = { bodyLimit: config.limits.maxMessageChars * 4 + 1024 };
  const limitKey = (username: string) => `console:chat-limit:${username}`;

  registerConsolePage(app, deps.webDir ?? 'dist/web');
  await registerLive(app, { sessions, handoff, logger });

  const names = async () => new Map((await directory.all()).map((a) => [a.username, a.name]));

  const chatLimit = async (staff: Staff) => {
    const chosen = (await store.get<number>(limitKey(staff.username)))?.value;
    return Math.min(chosen ?? staff.maxChats, staff.maxChats);
  };

  const keyOf = (request: FastifyRequest) => parse(z.object({ key: z.string().min(1).max(256) }), request.params).key;

  const findCase = async (request: FastifyRequest): Promise<HandoffCase> => {
    const found = await handoff.get(keyOf(request));
    if (!found) throw new HttpError('NOT_FOUND', REFUSALS.gone);
    return found;
  };

  /** A case this member of staff may act on; `live` also requires someone to have taken it. */
  const actionable = async (request: FastifyRequest, staff: Staff, live = false): Promise<HandoffCase> => {
    const found = await findCase(request);
    if (!mayAct(staff, found)) throw new HttpError('FORBIDDEN', 'only the caseworker who has this chat, or a supervisor, can do this');
    if (live && found.status !== 'active') throw new HttpError('CONFLICT', 'take the chat first');
    return found;
  };

  const settled = (result: ClaimResult): HandoffCase => {
    if (result.ok) return result.case;
    throw new HttpError(result.reason === 'gone' ? 'NOT_FOUND' : 'CONFLICT', REFUSALS[result.reason]);
  };

  /** Tells the person something after the change is made; a failure is logged, the change stands. */
  const tell = async (what: string, send: () => Promise<void>): Promise<boolean> => {
    try {
      await send();
      return true;
    } catch (error) {
      logger.error({ err: (error as Error).message, what }, 'could not reach the person');
      return false;
    }
  };

  /** A staff message: first to the person (refused as a whole if that fails), then to the transcript. */
  const say = async (staff: Staff, found: HandoffCase, text: string, action: string, detail?: string) => {
    if (!(await tell('message', () => bridge.say(found, text)))) {
      throw new HttpError('UNAVAILABLE', 'the message could not be delivered; please try again');
    }
    const entry = await handoff.appendMessage(found.conversationKey, { author: 'staff', by: staff.username, text });
    await handoff.audit(staff.username, action, found.conversationKey, detail);
    return { entry: { ...entry, byName: staff.name } };
  };

  const languageOf = (found: HandoffCase): Language =>
    (languages as readonly string[]).includes(found.language) ? (found.language as Language) : config.defaultLanguage;

  const hours = () => {
    const { hours: configured } = config.handoff;
    return { open: isOpen(configured, new Date()), text: configured.text, timeZone: configured.timeZone, holidays: [...configured.holidays] };
  };

  await app.register(
    async (api) => {
      // Nothing a console shows may be kept by a browser or a proxy.
      api.addHook('onSend', async (_request, reply) => {
        securityHeaders(reply).header('cache-control', 'no-store');
      });
      // Everything but signing in needs a session, checked before the body is parsed: 401 first.
      api.addHook('onRequest', async (request) => {
        const signingIn = request.method === 'POST' && request.routeOptions.url === '/console/api/session';
        if (!signingIn) await sessions.requireSession(request);
      });

      // ---- signing in ----

      api.post('/session', route, async (request, response) => {
        const body = parse(z.object({ username: z.string().trim().toLowerCase().pipe(usernameSchema), password: z.string().min(1).max(1024) }), request.body);
        const staff = await sessions.login(request, response, body.username, body.password);
        return { csrfToken: staff.csrfToken };
      });

      api.delete('/session', async (request, response) => {
        const staff = await sessions.authorize(request);
        await sessions.logout(request, response, staff);
        return response.code(204).send();
      });

      api.get('/me', async (request) => {
        const staff = await sessions.authorize(request);
        return {
          username: staff.username,
          name: staff.name,
          roles: staff.roles,
          can: { work: can(staff.roles, 'cases.work'), supervise: can(staff.roles, 'cases.supervise'), edit: can(staff.roles, 'content.edit'), stats: can(staff.roles, 'stats.read') },
          csrfToken: staff.csrfToken,
          chatLimit: await chatLimit(staff),
          maxChats: staff.maxChats,
          hours: hours(),
        } satisfies MeView;
      });

      api.put('/me/chat-limit', route, async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const { limit } = parse(z.object({ limit: z.number().int().min(1).max(staff.maxChats) }), request.body);
        await store.set(limitKey(staff.username), limit, { ttlSeconds: config.retention.audit });
        await handoff.audit(staff.username, 'set_chat_limit', undefined, String(limit));
        return { chatLimit: limit };
      });

      // ---- the queue ----

      api.get('/cases', async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const supervise = can(staff.roles, 'cases.supervise');
        const [all, known] = await Promise.all([handoff.cases(), names()]);
        const now = new Date();
        return {
          serverTime: now.toISOString(),
          hours: hours(),
          cases: all.filter((c) => mayView(staff, c)).map((c) => summarize(c, now, known)),
          online: supervise ? (await handoff.onlineStaff()).sort().map((username) => ({ username, name: known.get(username) ?? username })) : undefined,
        } satisfies QueueView;
      });

      api.get('/staff', async (request) => {
        await sessions.authorize(request, 'cases.work');
        const online = new Set(await handoff.onlineStaff());
        return {
          staff: (await directory.all())
            .filter((a) => can(a.roles, 'cases.work'))
            .map((a) => ({ username: a.username, name: a.name, online: online.has(a.username) })),
        } satisfies StaffListView;
      });

      // ---- one conversation ----

      api.get('/cases/:key', async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const found = await findCase(request);
        if (!mayView(staff, found)) throw new HttpError('FORBIDDEN', 'this chat is with another caseworker');
        const [transcript, known] = await Promise.all([handoff.transcript(found.conversationKey), names()]);
        await handoff.audit(staff.username, 'viewed', found.conversationKey);
        return caseView(found, transcript, { now: new Date(), names: known, words: deps.assessment().texts.en });
      });

      api.get('/cases/:key/canned', async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const found = await findCase(request);
        if (!mayView(staff, found)) throw new HttpError('FORBIDDEN', 'this chat is with another caseworker');
        const lang = languageOf(found);
        const t = deps.i18n.getFixedT(lang);
        const ids = Object.keys((deps.i18n.getResource('en', 'translation', 'console.canned') ?? {}) as Record<string, string>);
        const knowledge = deps.knowledge();
        return {
          language: lang,
          canned: ids.map((id) => ({
            id,
            text: t(`console.canned.${id}`, { name: staff.name }),
            translated: deps.i18n.getResource(lang, 'translation', `console.canned.${id}`) !== undefined,
          })),
          topics: [...knowledge.content.topics.keys()].sort().map((id) => ({ id, title: knowledge.topicText(id, lang)?.title ?? id })),
        } satisfies CannedView;
      });

      api.post('/cases/:key/claim', async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const claimed = settled(await handoff.claim(keyOf(request), staff.username, await chatLimit(staff)));
        const told = await tell('joined', () => bridge.joined(claimed, staff.name));
        return { case: summarize(claimed, new Date(), await names()), told } satisfies ActionView;
      });

      api.post('/cases/:key/messages', route, async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const { text } = parse(z.object({ text: textSchema(config.limits.maxMessageChars) }), request.body);
        return say(staff, await actionable(request, staff, true), text, 'messaged');
      });

      api.post('/cases/:key/topic-answers', route, async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const { topicId } = parse(z.object({ topicId: z.string().max(100) }), request.body);
        const found = await actionable(request, staff, true);
        const answer = deps.knowledge().topicText(topicId, languageOf(found));
        if (!answer) throw new HttpError('BAD_ARGUMENT', `topicId: no topic "${topicId}"`);
        return say(staff, found, `**${answer.title}**\n\n${answer.body}`, 'sent_topic', topicId);
      });

      api.post('/cases/:key/typing', async (request, response) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const found = await actionable(request, staff, true);
        await tell('typing', () => bridge.typing(found));
        return response.code(204).send();
      });

      api.post('/cases/:key/notes', route, async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const { text } = parse(z.object({ text: textSchema(NOTE_CHARS) }), request.body);
        const found = await actionable(request, staff);
        return { notes: settled(await handoff.addNote(found.conversationKey, staff.username, text)).notes };
      });

      api.post('/cases/:key/referrals', route, async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const referral = parse(
          z.object({ country: z.string().regex(/^([A-Z]{2}|INT)$/), kind: z.enum(SERVICE_KINDS), organisation: z.string().min(1).max(200) }),
          request.body,
        );
        const listed = deps.knowledge().content.countries.get(referral.country)?.services ?? [];
        if (!listed.some((s) => s.kind === referral.kind && s.organisation === referral.organisation)) {
          throw new HttpError('BAD_ARGUMENT', 'organisation: not a service of this kind listed for this country');
        }
        const found = await actionable(request, staff);
        return { referrals: settled(await handoff.addReferral(found.conversationKey, staff.username, referral)).referrals };
      });

      api.post('/cases/:key/transfer', route, async (request) => {
        const staff = await sessions.authorize(request, 'cases.work');
        const { to, note } = parse(z.object({ to: usernameSchema.nullable(), note: z.string().trim().max(NOTE_CHARS) }), request.body);
        const found = await actionable(request, staff);
        const colleague = to === null ? undefined : await directory.find(to);
        if (to !== null && !(colleague && can(colleague.roles, 'cases.work'))) throw new HttpError('BAD_ARGUMENT', `to: "${to}" cannot take chats`);
        if (to !== null && to === found.owner) throw new HttpError('BAD_ARGUMENT', `to: the chat is already with ${to}`);
        const moved = settled(await handoff.transfer(found.conversationKey, staff.username, to ?? undefined, note));
        const told = colleague ? await tell('joined', () => bridge.joined(moved, colleague.name)) : true;
        return { case: summarize(moved, new Date(), await names()), told } satisfies ActionView;
      });

      for (const [path, reason] of [['/cases/:key/hand-back', 'handed_back'], ['/cases/:key/close', 'closed']] as const) {
        api.post(path, async (request) => {
          const staff = await sessions.authorize(request, 'cases.work');
          const found = await actionable(request, staff);
          // Ended first, so that the bot is free to speak again when the person is told.
          const ended = await handoff.end(found.conversationKey, staff.username, reason);
          if (!ended) throw new HttpError('NOT_FOUND', REFUSALS.gone);
          return { told: await tell(reason, () => bridge.handBack(ended, reason)) } satisfies ActionView;
        });
      }

      // ---- reference data and supervision ----

      api.get('/services', async (request) => {
        await sessions.authorize(request, 'cases.work');
        const countries = [...deps.knowledge().content.countries.values()].sort((a, b) => a.country.localeCompare(b.country));
        return {
          countries: countries.map((c) => ({
            code: c.country,
            name: c.names.en,
            services: c.services.map((s) => ({ kind: s.kind, organisation: s.organisation, phone: s.phone, web: s.web })),
          })),
        } satisfies ServicesView;
      });

      api.get('/audit', async (request) => {
        const staff = await sessions.authorize(request, 'cases.supervise');
        const query = parse(
          z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500), conversationKey: z.string().max(256).optional() }),
          request.query,
        );
        const entries = await handoff.auditLog(query.conversationKey ? 100_000 : query.limit);
        await handoff.audit(staff.username, 'read_audit', query.conversationKey);
        return {
          entries: query.conversationKey ? entries.filter((e) => e.conversationKey === query.conversationKey).slice(0, query.limit) : entries,
        } satisfies AuditView;
      });

      registerContentEditor(api, { ...deps, sessions });
      registerDashboard(api, { ...deps, sessions });
    },
    { prefix: '/console/api' },
  );
}
