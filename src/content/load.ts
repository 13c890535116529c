import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { languages, type Language } from '../config.js';
import { browseSchema, countrySchema, topicMetaSchema, topicTextSchema, type Browse, type CountryServices, type TopicMeta } from './schema.js';

/** The knowledge base and services as the bot uses them, validated. */
export interface Content {
  topics: Map<string, Topic>;
  countries: Map<string, CountryServices>;
  /** Topic groups offered as buttons, per category (content/browse.yaml). */
  browse: Browse;
}

export interface Topic extends TopicMeta {
  texts: Partial<Record<Language, TopicText>>;
}

export interface TopicText {
  title: string;
  questions: string[];
  keywords: string[];
  sources: string[];
  reviewed: boolean;
  translatedFrom?: string;
  /** The answer, short Markdown. */
  body: string;
}

export type TranslationStatus = 'current' | 'stale' | 'unreviewed' | 'missing';

/** A problem in one file: where it is and what is wrong, for an editor to fix. */
export interface ContentProblem {
  file: string;
  field: string;
  message: string;
}

export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(`content is invalid:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ContentError';
  }
}

export function formatProblem(p: ContentProblem): string {
  return `${p.file}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** Hash of the English title and answer: a translation records the one it was made from. */
export function sourceHash(text: Pick<TopicText, 'title' | 'body'>): string {
  return createHash('sha256').update(`${text.title}\n\n${text.body.trim()}`).digest('hex').slice(0, 12);
}

export function translationStatus(topic: Topic, lang: Language): TranslationStatus {
  const text = topic.texts[lang];
  if (!text) return 'missing';
  if (lang !== 'en') {
    const english = topic.texts.en;
    if (!english || text.translatedFrom !== sourceHash(english)) return 'stale';
  }
  return text.reviewed ? 'current' : 'unreviewed';
}

/** Splits a Markdown file into its YAML front matter and body. */
export function splitFrontMatter(source: string): { front: string; body: string } | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source.replace(/^\uFEFF/, ''));
  return match ? { front: match[1] ?? '', body: (match[2] ?? '').trim() } : undefined;
}

/** A topic's `<lang>.md`: the parsed front matter (still to be validated) and the answer. Throws when unreadable. */
export function parseTopicFile(source: string): { front: unknown; body: string } {
  const parts = splitFrontMatter(source);
  if (!parts) throw new Error('must start with front matter between two "---" lines');
  return { front: parseYaml(parts.front) as unknown, body: parts.body };
}

/**
 * Where the loader reads: the files below `dir`, except where an override (an edit made in the
 * console, keyed by the path relative to `dir`) replaces a file or adds a new one.
 */
class ContentSource {
  constructor(
    private readonly dir: string,
    private readonly overrides: ReadonlyMap<string, string>,
  ) {}

  /** The name problems are reported under. */
  file(relative: string): string {
    return join(this.dir, relative);
  }

  exists(relative: string): boolean {
    return this.overrides.has(relative) || existsSync(this.file(relative));
  }

  read(relative: string): string {
    return this.overrides.get(relative) ?? readFileSync(this.file(relative), 'utf8');
  }

  /** Topic folders come from the files only: the console edits a topic's texts, never creates a topic. */
  dirs(relative: string): string[] {
    const dir = this.file(relative);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  }

  files(relative: string, extension: string): string[] {
    const dir = this.file(relative);
    const onDisk = existsSync(dir) ? readdirSync(dir) : [];
    const overridden = [...this.overrides.keys()].filter((key) => dirname(key) === relative).map((key) => basename(key));
    return [...new Set([...onDisk, ...overridden])].filter((name) => name.endsWith(extension)).sort();
  }
}

/**
 * Reads and validates every file below `dir`, with `overrides` (path relative to `dir` → the
 * file's full text) read instead of the files they name. Throws a ContentError listing every
 * problem found, so an editor sees them all at once; the server refuses to start with broken content.
 */
export function loadContent(dir = 'content', overrides: ReadonlyMap<string, string> = new Map()): Content {
  const source = new ContentSource(dir, overrides);
  const problems: ContentProblem[] = [];
  const topics = new Map<string, Topic>();
  const countries = new Map<string, CountryServices>();

  for (const folder of source.dirs('topics')) {
    const metaFile = `topics/${folder}/topic.yaml`;
    const meta = parseFile(source, metaFile, topicMetaSchema, problems, (text) => parseYaml(text) as unknown);
    if (!meta) continue;
    if (meta.id !== folder) problems.push({ file: source.file(metaFile), field: 'id', message: `must match its folder name "${folder}"` });
    const topic: Topic = { ...meta, texts: {} };
    for (const lang of languages) {
      const file = `topics/${folder}/${lang}.md`;
      if (!source.exists(file)) continue;
      let body: string | undefined;
      const front = parseFile(source, file, topicTextSchema, problems, (text) => {
        const parsed = parseTopicFile(text);
        body = parsed.body;
        return parsed.front;
      });
      // Checked even when the front matter has problems, so that an editor sees them all at once.
      if (body !== undefined && body.length < 50) problems.push({ file: source.file(file), field: 'answer', message: 'the answer after the front matter is missing or too short' });
      if (!front || body === undefined) continue;
      if (lang === 'en' && front.translated_from) problems.push({ file: source.file(file), field: 'translated_from', message: 'is only for translations' });
      topic.texts[lang] = {
        title: front.title,
        questions: front.questions,
        keywords: front.keywords,
        sources: front.sources,
        reviewed: front.reviewed,
        translatedFrom: front.translated_from,
        body,
      };
    }
    if (!topic.texts.en) problems.push({ file: source.file(`topics/${folder}/en.md`), field: '', message: 'the English text is required' });
    topics.set(meta.id, topic);
  }

  for (const topic of topics.values()) {
    for (const related of topic.related) {
      if (!topics.has(related)) {
        problems.push({ file: source.file(`topics/${topic.id}/topic.yaml`), field: 'related', message: `unknown topic id "${related}"` });
      }
    }
  }

  for (const name of source.files('services', '.yaml')) {
    const file = `services/${name}`;
    const country = parseFile(source, file, countrySchema, problems, (text) => parseYaml(text) as unknown);
    if (!country) continue;
    if (`${country.country}.yaml` !== name) problems.push({ file: source.file(file), field: 'country', message: `must match the file name "${name}"` });
    countries.set(country.country, country);
  }
  if (!countries.has('INT')) problems.push({ file: source.file('services/INT.yaml'), field: '', message: 'the international fallback is required' });

  const browseFile = source.file('browse.yaml');
  const browse = parseFile(source, 'browse.yaml', browseSchema, problems, (text) => parseYaml(text) as unknown) ?? { rights: {}, safe: {} };
  const grouped = new Map<string, number>();
  for (const [category, groups] of Object.entries(browse)) {
    for (const [group, ids] of Object.entries(groups)) {
      for (const id of ids) {
        grouped.set(id, (grouped.get(id) ?? 0) + 1);
        if (topics.get(id)?.category !== category) {
          problems.push({ file: browseFile, field: `${category}.${group}`, message: `"${id}" is not a ${category} topic` });
        }
      }
    }
  }
  for (const topic of topics.values()) {
    if (topic.category !== 'help' && grouped.get(topic.id) !== 1) {
      problems.push({ file: browseFile, field: topic.category, message: `"${topic.id}" must be in exactly one group` });
    }
  }

  if (problems.length > 0) throw new ContentError(problems);
  return { topics, countries, browse };
}

function parseFile<S extends z.ZodType>(
  source: ContentSource,
  relative: string,
  schema: S,
  problems: ContentProblem[],
  read: (text: string) => unknown,
): z.infer<S> | undefined {
  const file = source.file(relative);
  let raw: unknown;
  try {
    raw = read(source.read(relative));
  } catch (error) {
    problems.push({ file, field: '', message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as z.infer<S>;
  for (const issue of parsed.error.issues) problems.push({ file, field: issue.path.join('.'), message: issue.message });
  return undefined;
}
