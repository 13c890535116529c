import { Document, YAMLSeq, isMap, isNode, isScalar, isSeq, parseDocument, parse as parseYaml } from 'yaml';
import { parseTopicFile, splitFrontMatter } from './load.js';
import { countrySchema, topicTextSchema, type CountryServices, type ServiceEntry } from './schema.js';

/**
 * Turns what an editor typed in the console into the text of a content file, written the way a
 * person would write it by hand, so that exported files read and diff like the others.
 */

/** What the console edits of a topic's text in one language. */
export interface TopicFields {
  title: string;
  questions: string[];
  keywords: string[];
  sources: string[];
  reviewed: boolean;
  /** The answer, short Markdown. */
  body: string;
}

/** A topic file's fields, or undefined when there is no file yet or it cannot be read (the editor starts afresh). */
export function topicFields(text: string | undefined): TopicFields | undefined {
  if (text === undefined) return undefined;
  try {
    const { front, body } = parseTopicFile(text);
    const parsed = topicTextSchema.safeParse(front);
    if (!parsed.success) return undefined;
    const { title, questions, keywords, sources, reviewed } = parsed.data;
    return { title, questions, keywords, sources, reviewed, body };
  } catch {
    return undefined;
  }
}

/** `<lang>.md`: front matter, then the answer; a translation records the English it was made from. */
export function topicFileText(previous: string | undefined, fields: TopicFields, translatedFrom?: string): string {
  const { body, ...rest } = fields;
  const before = (previous === undefined ? undefined : splitFrontMatter(previous)?.front) ?? '';
  const front = rewriteKeys(before, { ...rest, translated_from: translatedFrom }) ?? rewriteKeys('', { ...rest, translated_from: translatedFrom })!;
  return `---\n${front.trimEnd()}\n---\n${body.replace(/\r\n?/g, '\n').trim()}\n`;
}

/** What the console edits of one service; `checked` is the server's to set. */
export interface ServiceFields {
  kind: string;
  organisation: string;
  phone?: string;
  web?: string;
  hours?: string;
  languages?: string[];
  source: string;
}

export function countryOf(text: string | undefined): CountryServices | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = countrySchema.safeParse(parseYaml(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `services/<CC>.yaml` with its services replaced by `edited`. An entry that is new or changed, or
 * that the editor says they compared with its source, is `checked` today; an untouched one keeps
 * its date (nobody looked at it) and its form in the file. Undefined when the file is not YAML.
 */
export function servicesFileText(text: string, edited: Array<ServiceFields & { confirmed?: boolean }>, today: string): string | undefined {
  const doc = parseDocument(text);
  const written = doc.get('services', true);
  const nodes = isSeq(written) ? written.items : [];
  const untouched = new Map((countryOf(text)?.services ?? []).map((entry: ServiceEntry, i) => [JSON.stringify(canonical(entry)), nodes[i]]));
  const services = new YAMLSeq();
  services.items = edited.map(({ confirmed, ...entry }) => {
    const fields = canonical(entry);
    const key = JSON.stringify(fields);
    const node = confirmed ? undefined : untouched.get(key);
    untouched.delete(key);
    return node ?? doc.createNode({ ...fields, checked: today });
  });
  return rewriteKeys(text, { services });
}

/** As the files are written: phone numbers and hours in quotes, keywords and languages on one line. */
function shape(key: unknown, node: unknown): void {
  if ((key === 'keywords' || key === 'languages') && isSeq(node)) node.flow = true;
  else if ((key === 'phone' || key === 'hours') && isScalar(node) && node.type === undefined) node.type = 'QUOTE_DOUBLE';
  else if (isSeq(node)) node.items.forEach((item) => shape(undefined, item));
  else if (isMap(node)) for (const pair of node.items) shape(isScalar(pair.key) ? pair.key.value : undefined, pair.value);
}

/**
 * `yaml` (a mapping) with the top-level keys in `values` written anew (undefined removes one, a new
 * one goes last). Everything else, and a key whose value did not change, stays byte for byte, so
 * that an exported file differs from the one before only where the editor changed something.
 * Undefined when `yaml` is not a mapping.
 */
function rewriteKeys(yaml: string, values: Record<string, unknown>): string | undefined {
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0 || !(isMap(doc.contents) || doc.contents === null)) return undefined;
  const pairs = isMap(doc.contents) ? doc.contents.items : [];
  const starts = pairs.map((pair) => (isNode(pair.key) ? pair.key.range?.[0] : undefined));
  const edits: Array<{ from: number; to: number; text: string }> = [];
  let added = '';
  for (const [key, value] of Object.entries(values)) {
    const index = pairs.findIndex((pair) => isScalar(pair.key) && pair.key.value === key);
    const old = pairs[index]?.value;
    const json = (v: unknown) => JSON.stringify(isNode(v) ? v.toJSON() : v);
    if (json(old) === json(value)) continue;
    const text = value === undefined ? '' : renderPair(key, value, old);
    const from = starts[index];
    if (from === undefined) added += text;
    else edits.push({ from, to: starts[index + 1] ?? yaml.length, text });
  }
  const kept = edits.sort((a, b) => b.from - a.from).reduce((out, edit) => out.slice(0, edit.from) + edit.text + out.slice(edit.to), yaml);
  return added && kept && !kept.endsWith('\n') ? `${kept}\n${added}` : kept + added;
}

/** One `key: value` line (or block), ending in a newline. */
function renderPair(key: string, value: unknown, old: unknown): string {
  const doc = new Document({});
  const node = isNode(value) ? value : doc.createNode(value);
  // A changed title keeps the quotes it had.
  if (isScalar(node) && isScalar(old)) node.type = old.type;
  shape(key, node);
  doc.set(key, node);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The fields in the files' order, trimmed, empty ones left out: two entries that say the same are equal. */
function canonical(entry: ServiceFields): ServiceFields {
  const text = (value: string | undefined) => value?.trim() || undefined;
  const languages = entry.languages?.map((l) => l.trim()).filter(Boolean);
  const fields = {
    kind: entry.kind,
    organisation: entry.organisation.trim(),
    phone: text(entry.phone),
    web: text(entry.web),
    hours: text(entry.hours),
    languages: languages?.length ? languages : undefined,
    source: entry.source.trim(),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as ServiceFields;
}
