import type { StatePropertyAccessor, TurnContext } from 'botbuilder-core';
import type { i18n, TFunction } from 'i18next';
import type { Assessment } from '../assessment/definition.js';
import type { Config, Language } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import type { HandoffService } from '../handoff/handoff-service.js';
import type { Logger } from '../logger.js';
import type { RecentMessages } from './recent-messages.js';
import type { Store } from '../store/store.js';

/** What the bot remembers about the person in this conversation: ids and settings, never text. */
export interface Profile {
  language?: Language;
  /** Language suggested by the browser or Telegram client, used until the person picks one. */
  suggestedLanguage?: Language;
  /** ISO 3166 alpha-2 code, or INT. */
  country?: string;
  /** Asked once whether to go on in the language the person writes in (see LanguageDialog). */
  languageOffered?: boolean;
  /** Version of the flows the current dialog stack was started with (see FLOW_VERSION). */
  flowVersion?: number;
}

/** Everything a dialog may use; built once per process in app.ts. */
export interface BotServices {
  config: Config;
  i18n: i18n;
  logger: Logger;
  profile: StatePropertyAccessor<Profile>;
  /** The content in force now (a reload swaps it between turns). */
  knowledge(): KnowledgeBase;
  /** The self-check definition and its wording, loaded and validated at startup. */
  assessment(): Assessment;
  /** For what a flow keeps outside the conversation state (a kept self-check result, anonymous totals). */
  store: Store;
  /** The queue and transcripts of chats with a person. */
  handoff: HandoffService;
  /** The last few typed messages, which the person may share with a caseworker. */
  recentMessages: RecentMessages;
}

export async function languageOf(services: BotServices, context: TurnContext): Promise<Language> {
  const profile = await services.profile.get(context, {});
  return profile.language ?? profile.suggestedLanguage ?? services.config.defaultLanguage;
}

export async function translatorOf(services: BotServices, context: TurnContext): Promise<TFunction> {
  return services.i18n.getFixedT(await languageOf(services, context));
}
