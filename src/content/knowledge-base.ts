import type { Language } from '../config.js';
import { CountryMatcher } from './countries.js';
import { DangerDetector } from './danger.js';
import { loadContent, type Content, type Topic, type TopicText } from './load.js';
import type { CountryServices } from './schema.js';
import { SearchIndex } from './search.js';
import { SmallTalk } from './small-talk.js';

/** The loaded content with everything built from it: search, country names, danger phrases, small talk. */
export class KnowledgeBase {
  readonly search: SearchIndex;
  readonly countries: CountryMatcher;

  constructor(
    readonly content: Content,
    readonly danger: DangerDetector,
    readonly smallTalk: SmallTalk,
  ) {
    this.search = new SearchIndex(content);
    this.countries = new CountryMatcher(content);
  }

  /** The files below `dir`, with the console's edits (`overrides`, see loadContent) in place of the files they replace. */
  static load(dir = 'content', overrides?: ReadonlyMap<string, string>): KnowledgeBase {
    return new KnowledgeBase(
      loadContent(dir, overrides),
      DangerDetector.load(`${dir}/safety/danger-phrases.yaml`),
      SmallTalk.load(`${dir}/small-talk.yaml`),
    );
  }

  topic(id: string): Topic | undefined {
    return this.content.topics.get(id);
  }

  /** A topic's text in the person's language, or in English while a translation is missing. */
  topicText(id: string, lang: Language): TopicText | undefined {
    const topic = this.content.topics.get(id);
    return topic?.texts[lang] ?? topic?.texts.en;
  }

  topicsIn(category: string): Topic[] {
    return [...this.content.topics.values()].filter((t) => t.category === category);
  }

  /** Services of a country, or the international list for a country without one. */
  servicesFor(country: string | undefined): CountryServices {
    return this.content.countries.get(country ?? 'INT') ?? this.content.countries.get('INT')!;
  }
}
