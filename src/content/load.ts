import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Reads and validates every file below `dir`. Throws a ContentError listing every problem found,
 * so an editor sees them all at once; the server refuses to start with broken content.
 */
export function loadContent(dir = 'content'): Content {
  const problems: ContentProblem[] = [];
  const topics = new Map<string, Topic>();
  const countries = new Map<string, CountryServices>();

  const topicsDir = join(dir, 'topics');
  for (const folder of listDirs(topicsDir)) {
    const metaFile = join(topicsDir, folder, 'topic.yaml');
    const meta = parseFile(metaFile, topicMetaSchema, problems, (text) => parseYaml(text) as unknown);
    if (!meta) continue;
    if (meta.id !== folder) problems.push({ file: metaFile, field: 'id', message: `must match its folder name "${folder}"` });
    const topic: Topic = { ...meta, texts: {} };
    for (const lang of languages) {
      const file = join(topicsDir, folder, `${lang}.md`);
      if (!existsSync(file)) continue;
      let body = '';
      const front = parseFile(file, topicTextSchema, problems, (text) => {
        const parts = splitFrontMatter(text);
        if (!parts) throw new Error('must start with front matter between two "---" lines');
        body = parts.body;
        return parseYaml(parts.front) as unknown;
      });
      if (!front) continue;
      if (body.length < 50) problems.push({ file, field: 'answer', message: 'the answer after the front matter is missing or too short' });
      if (lang === 'en' && front.translated_from) problems.push({ file, field: 'translated_from', message: 'is only for translations' });
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
    if (!topic.texts.en) problems.push({ file: join(topicsDir, folder, 'en.md'), field: '', message: 'the English text is required' });
    topics.set(meta.id, topic);
  }

  for (const topic of topics.values()) {
    for (const related of topic.related) {
      if (!topics.has(related)) {
        problems.push({ file: join(topicsDir, topic.id, 'topic.yaml'), field: 'related', message: `unknown topic id "${related}"` });
      }
    }
  }

  const servicesDir = join(dir, 'services');
  for (const name of listFiles(servicesDir, '.yaml')) {
    const file = join(servicesDir, name);
    const country = parseFile(file, countrySchema, problems, (text) => parseYaml(text) as unknown);
    if (!country) continue;
    if (`${country.country}.yaml` !== name) problems.push({ file, field: 'country', message: `must match the file name "${name}"` });
    countries.set(country.country, country);
  }
  if (!countries.has('INT')) problems.push({ file: join(servicesDir, 'INT.yaml'), field: '', message: 'the international fallback is required' });

  const browseFile = join(dir, 'browse.yaml');
  const browse = parseFile(browseFile, browseSchema, problems, (text) => parseYaml(text) as unknown) ?? { rights: {}, safe: {} };
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
  file: string,
  schema: S,
  problems: ContentProblem[],
  read: (text: string) => unknown,
): z.infer<S> | undefined {
  let raw: unknown;
  try {
    raw = read(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push({ file, field: '', message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as z.infer<S>;
  for (const issue of parsed.error.issues) problems.push({ file, field: issue.path.join('.'), message: issue.message });
  return undefined;
}

function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function listFiles(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort();
}
