import {
  ActivityHandler,
  ActivityTypes,
  ConversationState,
  type Storage,
  type TurnContext,
} from 'botbuilder-core';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { FLOW_VERSION, ROOT_DIALOG, RootDialog, type RootOptions } from '../../dialogs/root-dialog.js';
import type { Config } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { BotServices, Profile } from './context.js';
import { matchLanguage } from './i18n.js';
import { message } from './replies.js';
import type { i18n } from 'i18next';

/** The event the web page sends when it opens a conversation, so the bot can greet first. */
export const JOIN_EVENT = 'webchat/join';

/**
 * The bot: loads state, picks the language, and hands the message to the dialogs. Everything
 * channel-specific has already been translated into a plain activity by the adapter.
 */
export class HelpBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly dialogs: DialogSet;
  readonly services: BotServices;

  constructor(options: { config: Config; storage: Storage; i18n: i18n; logger: Logger; knowledge: () => KnowledgeBase }) {
    super();
    this.conversationState = new ConversationState(options.storage);
    this.services = {
      config: options.config,
      i18n: options.i18n,
      logger: options.logger,
      profile: this.conversationState.createProperty<Profile>('profile'),
      knowledge: options.knowledge,
    };
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(new RootDialog(this.services));

    this.onMessage(async (context, next) => {
      await this.runDialogs(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === JOIN_EVENT) await this.runDialogs(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context);
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const profile = await this.services.profile.get(context, {});
    profile.suggestedLanguage ??= matchLanguage(context.activity.locale);
    // Every reply carries the conversation's language (as it is when the reply is sent, so a
    // change of language applies at once) for the page to set its direction (ar, fa: RTL).
    const currentLanguage = () => profile.language ?? profile.suggestedLanguage ?? this.services.config.defaultLanguage;
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const activity of activities) activity.locale = currentLanguage();
      return next();
    });
    const language = currentLanguage();

    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog && profile.flowVersion !== FLOW_VERSION) {
      await dc.cancelAllDialogs();
      await context.sendActivity(message(this.services.i18n.getFixedT(language)('fallback.restarted')));
    }
    profile.flowVersion = FLOW_VERSION;

    const rejection = this.rejectInput(context);
    if (rejection) {
      await context.sendActivity(message(this.services.i18n.getFixedT(language)(rejection)));
      if (dc.activeDialog) {
        await dc.repromptDialog();
        return;
      }
    }
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty || result.status === DialogTurnStatus.complete) {
      if (result.status === DialogTurnStatus.complete && context.responded) return;
      await dc.beginDialog(ROOT_DIALOG, {} satisfies RootOptions);
    }
  }

  /** Messages the dialogs cannot use get a kind word instead: no text (a file, a sticker), or too long. */
  private rejectInput(context: TurnContext): string | undefined {
    if (context.activity.type !== ActivityTypes.Message) return undefined;
    const text = context.activity.text ?? '';
    if (!text.trim()) return 'fallback.unsupported';
    if (text.length > this.services.config.limits.maxMessageChars) return 'fallback.tooLong';
    return undefined;
  }
}
