import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { i18n } from 'i18next';
import { z } from 'zod';
import type { Assessment } from '../assessment/definition.js';
import { languages, type Language } from '../config.js';
import { countryOf, servicesFileText, topicFields, topicFileText } from '../content/editing.js';
import type { LiveContent, SaveResult } from '../content/live-content.js';
import { sourceHash, translationStatus } from '../content/load.js';
import { SERVICE_KINDS } from '../content/schema.js';
import { HttpError } from '../errors.js';
import type { HandoffService } from '../handoff/handoff-service.js';
import { matrixView, type HistoryView, type RefusalView, type ServicesEditView, type TopicEditView } from './content-views.js';
import { parse } from './parse.js';
import type { ConsoleSessions, Staff } from './session.js';

export interface EditorDeps {
  sessions: ConsoleSessions;
  content: LiveContent;
  handoff: HandoffService;
  assessment: () => Assessment;
  i18n: i18n;
}

const CONFLICT = 'Someone saved this text after you opened it. Their version is shown; copy what you need, then save again.';
const SOURCE_CHANGED = 'The English text changed while you were translating. Check the new English, then save again.';
const INVALID = 'Not saved: the content would not be valid with this change. See the marked fields.';

const topicParams = z.object({ id: z.string().regex(/^(rights|safe|help)\.[a-z_]+$/), lang: z.enum(languages) });
const countryParams = z.object({ country: z.string().regex(/^([A-Z]{2}|INT)$/) });
const line = (max: number) => z.string().max(max);
const topicEdit = z.object({
  version: line(20),
  /** For a translation: the hash of the English shown beside it, so that a change to the English meanwhile is noticed. */
  sourceHash: line(20).optional(),
  title: line(500),
  questions: z.array(line(500)).max(100),
  keywords: z.array(line(200)).max(200),
  sources: z.array(line(1000)).max(50),
  reviewed: z.boolean(),
  body: line(20_000),
});
const servicesEdit = z.object({
  version: line(20),
  services: z
    .array(
      z.object({
        kind: line(50),
        organisation: line(300),
        phone: line(50).optional(),
        web: line(1000).optional(),
        hours: line(200).optional(),
        languages: z.array(line(10)).max(50).optional(),
        source: line(1000),
        /** The editor compared this entry with its source today, even if nothing changed. */
        confirmed: z.boolean().optional(),
      }),
    )
    .max(100),
});

/**
 * The editor area's API (permission `content.edit`: editors and admins): the translation matrix,
 * one topic text or one country's services to read and save, the history of saves and a download
 * of every edit not yet written back to the files. A save that would break the content is refused
 * with the problems by field (422); one that started from an older text is refused with the text
 * there now (409); every save is written to the audit log.
 */
export function registerContentEditor(api: FastifyInstance, deps: EditorDeps): void {
  const { sessions, content } = deps;
  const editor = (request: FastifyRequest) => sessions.authorize(request, 'content.edit');

  const topicOf = (params: unknown) => {
    const { id, lang } = parse(topicParams, params);
    const topic = content.knowledge.topic(id);
    if (!topic) throw new HttpError('NOT_FOUND', `no topic "${id}"`);
    return { topic, lang };
  };

  const topicView = async (id: string, lang: Language): Promise<TopicEditView> => {
    const path = `topics/${id}/${lang}.md`;
    const current = await content.read(path);
    const topic = content.knowledge.topic(id)!;
    const english = topic.texts.en!;
    const live = topic.texts[lang];
    return {
      topicId: id,
      lang,
      path,
      version: current.version,
      status: translationStatus(topic, lang),
      edited: current.edited,
      source: lang === 'en' ? undefined : { title: english.title, body: english.body, hash: sourceHash(english) },
      // A file broken on disk since the last reload starts from the text still live.
      text: topicFields(current.text) ?? (live && { title: live.title, questions: live.questions, keywords: live.keywords, sources: live.sources, reviewed: live.reviewed, body: live.body }),
    };
  };

  const countryOfParams = (params: unknown) => {
    const { country } = parse(countryParams, params);
    if (!content.knowledge.content.countries.has(country)) throw new HttpError('NOT_FOUND', `no services for "${country}"`);
    return country;
  };

  const servicesView = async (country: string): Promise<ServicesEditView> => {
    const path = `services/${country}.yaml`;
    const current = await content.read(path);
    const live = content.knowledge.content.countries.get(country)!;
    return {
      country,
      name: live.names.en,
      path,
      version: current.version,
      edited: current.edited,
      kinds: SERVICE_KINDS,
      services: countryOf(current.text)?.services ?? live.services,
    };
  };

  /** Answers a save: the refreshed view, or why nothing was saved. */
  const settle = async (reply: FastifyReply, staff: Staff, path: string, result: SaveResult, view: () => Promise<TopicEditView | ServicesEditView>) => {
    if ('problems' in result) {
      return reply.code(422).send({ ...new HttpError('INVALID_CONTENT', INVALID).toBody(), problems: result.problems } satisfies RefusalView);
    }
    if ('conflict' in result) return refuse(reply, CONFLICT, await view());
    await deps.handoff.audit(staff.username, 'content.saved', undefined, path);
    return view();
  };

  const refuse = (reply: FastifyReply, message: string, current: TopicEditView | ServicesEditView) =>
    reply.code(409).send({ ...new HttpError('CONFLICT', message).toBody(), current } satisfies RefusalView);

  api.get('/content/matrix', async (request) => {
    await editor(request);
    return matrixView(content.knowledge.content, deps.assessment(), deps.i18n, await content.edited());
  });

  api.get('/content/topics/:id/:lang', async (request) => {
    await editor(request);
    const { topic, lang } = topicOf(request.params);
    return topicView(topic.id, lang);
  });

  api.put('/content/topics/:id/:lang', async (request, reply) => {
    const staff = await editor(request);
    const { topic, lang } = topicOf(request.params);
    const { version, sourceHash: shown, body, ...fields } = parse(topicEdit, request.body);
    const view = () => topicView(topic.id, lang);
    const english = lang === 'en' ? undefined : sourceHash(topic.texts.en!);
    if (english !== undefined && english !== shown) return refuse(reply, SOURCE_CHANGED, await view());
    const path = `topics/${topic.id}/${lang}.md`;
    const current = await content.read(path);
    if (current.version !== version) return refuse(reply, CONFLICT, await view());
    const text = topicFileText(current.text, { ...fields, body }, english);
    return settle(reply, staff, path, await content.save(path, text, version), view);
  });

  api.get('/content/services/:country', async (request) => {
    await editor(request);
    return servicesView(countryOfParams(request.params));
  });

  api.put('/content/services/:country', async (request, reply) => {
    const staff = await editor(request);
    const country = countryOfParams(request.params);
    const { version, services } = parse(servicesEdit, request.body);
    const view = () => servicesView(country);
    const path = `services/${country}.yaml`;
    const current = await content.read(path);
    if (current.version !== version) return refuse(reply, CONFLICT, await view());
    const text = servicesFileText(current.text ?? '', services, new Date().toISOString().slice(0, 10));
    const result: SaveResult = text === undefined
      ? { ok: false, problems: [{ file: path, field: '', message: 'the file on the server is not readable YAML; fix it in content/ first' }] }
      : await content.save(path, text, version);
    return settle(reply, staff, path, result, view);
  });

  api.get('/content/history', async (request) => {
    await editor(request);
    const saves = (await deps.handoff.auditLog(100_000)).filter((entry) => entry.action === 'content.saved').slice(0, 200);
    return { entries: saves.map((entry) => ({ at: entry.at, actor: entry.actor, path: entry.detail ?? '' })) } satisfies HistoryView;
  });

  api.get('/content/export', async (request, reply) => {
    const staff = await editor(request);
    const files = Object.fromEntries(await content.overrides());
    await deps.handoff.audit(staff.username, 'content.exported', undefined, `${Object.keys(files).length} files`);
    return reply.header('content-disposition', 'attachment; filename="content-edits.json"').send(files);
  });
}
