import type { i18n } from 'i18next';
import type { Assessment } from '../assessment/definition.js';
import { languages, type Language } from '../config.js';
import { missingKeys } from '../content/coverage.js';
import type { TopicFields } from '../content/editing.js';
import { translationStatus, type Content, type ContentProblem, type TranslationStatus } from '../content/load.js';
import type { ServiceEntry } from '../content/schema.js';

/** What the editor area of the console shows (the page is typed against these). */

export interface MatrixCell {
  status: TranslationStatus;
  /** Changed in the console and not yet written back to the files. */
  edited?: boolean;
  /** For key-by-key texts: the keys English has and this language lacks. */
  missing?: string[];
}

export type MatrixRow = Record<Language, MatrixCell>;

export interface MatrixView {
  languages: Language[];
  topics: Array<{ id: string; title: string; cells: MatrixRow }>;
  /** A country's name in each language (its services are shared by all). */
  services: Array<{ country: string; name: string; edited: boolean; cells: MatrixRow }>;
  assessment: MatrixRow;
  interface: MatrixRow;
}

export interface TopicEditView {
  topicId: string;
  lang: Language;
  /** The file, relative to the content folder. */
  path: string;
  /** The version of the file this edit starts from; sent back on save. */
  version: string;
  status: TranslationStatus;
  edited: boolean;
  /** The English it is translated from, with its hash; absent when editing the English. */
  source?: { title: string; body: string; hash: string };
  /** Absent when the translation is missing. */
  text?: TopicFields;
}

export interface ServicesEditView {
  country: string;
  name: string;
  path: string;
  version: string;
  edited: boolean;
  kinds: readonly string[];
  services: ServiceEntry[];
}

export interface SavedView {
  version: string;
  status?: TranslationStatus;
}

/** A refused save: 409 carries what is there now, 422 the problems by file and field. */
export interface RefusalView {
  error: { code: string; message: string };
  current?: TopicEditView | ServicesEditView;
  problems?: ContentProblem[];
}

export interface HistoryView {
  entries: Array<{ at: string; actor: string; path: string }>;
}

/** The translation matrix: every topic, country, the self-check and the interface strings, by language. */
export function matrixView(content: Content, assessment: Assessment, strings: i18n, edited: ReadonlySet<string>): MatrixView {
  const row = (cell: (lang: Language) => MatrixCell) => Object.fromEntries(languages.map((lang) => [lang, cell(lang)])) as MatrixRow;
  const byKeys = (english: unknown, of: (lang: Language) => unknown) =>
    row((lang) => {
      const missing = missingKeys(english, of(lang));
      return missing.length ? { status: 'missing', missing } : { status: 'current' };
    });
  const withoutLang = ({ lang: _lang, ...text }: Assessment['texts'][Language]) => text;
  return {
    languages: [...languages],
    topics: [...content.topics.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((topic) => ({
        id: topic.id,
        title: topic.texts.en?.title ?? topic.id,
        cells: row((lang) => ({ status: translationStatus(topic, lang), edited: edited.has(`topics/${topic.id}/${lang}.md`) })),
      })),
    services: [...content.countries.values()]
      .sort((a, b) => a.country.localeCompare(b.country))
      .map((country) => ({
        country: country.country,
        name: country.names.en,
        edited: edited.has(`services/${country.country}.yaml`),
        cells: row((lang) => ({ status: country.names[lang] ? 'current' : 'missing' })),
      })),
    assessment: byKeys(withoutLang(assessment.texts.en), (lang) => withoutLang(assessment.texts[lang])),
    interface: byKeys(strings.getResourceBundle('en', 'translation'), (lang) => strings.getResourceBundle(lang, 'translation')),
  };
}
