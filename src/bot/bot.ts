import { ActivityHandler, ActivityTypes, type Storage, type TurnContext } from 'botbuilder-core';
import { DialogSet, DialogTurnStatus, type DialogContext, type DialogState, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { FLOW_VERSION, ROOT_DIALOG, RootDialog, type RootOptions } from '../../dialogs/root-dialog.js';
import { renderServices } from '../../dialogs/services-dialog.js';
import type { Assessment } from '../assessment/definition.js';
import type { Config, Language } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { BotServices, Profile } from './context.js';
import { JsonConversationState } from './conversation-state.js';
import { matchLanguage } from './i18n.js';
import { FORGET_REQUESTED, forgetPerson } from './forget.js';
import { message, messageWithButtons } from './replies.js';
import { isTypedText, type RecentMessages } from './recent-messages.js';
import type { HandoffService } from '../handoff/handoff-service.js';
import type { i18n } from 'i18next';

/**
 * botbuilder-dialogs builds its memory scopes and path resolvers anew on every turn (a few per cent
 * of a turn's CPU); they hold no state, so the first turn's are kept for every later one. The key is
 * botbuilder-dialogs' own (memory/dialogStateManager.js): were it renamed, each turn would build its
 * own again, as before, only slower.
 */
const DIALOG_STATE_CONFIGURATION = 'DialogStateManagerConfiguration';

/** The event the web page sends when it opens a conversation, so the bot can greet first. */
export const JOIN_EVENT = 'webchat/join';

/**
 * The bot: loads state, picks the language, and hands the message to the dialogs. Everything
 * channel-specific has already been translated into a plain activity by the adapter.
 */
export class HelpBot extends ActivityHandler {
  private readonly conversationState: JsonConversationState;
  private readonly dialogs: DialogSet;
  private dialogStateConfiguration?: DialogStateManagerConfiguration;
  readonly services: BotServices;

  constructor(options: {
    config: Config;
    storage: Storage;
    store: Store;
    i18n: i18n;
    logger: Logger;
    knowledge: () => KnowledgeBase;
    assessment: () => Assessment;
    handoff: HandoffService;
    recentMessages: RecentMessages;
  }) {
    super();
    this.conversationState = new JsonConversationState(options.storage);
    this.services = {
      config: options.config,
      i18n: options.i18n,
      logger: options.logger,
      profile: this.conversationState.createProperty<Profile>('profile'),
      knowledge: options.knowledge,
      assessment: options.assessment,
      store: options.store,
      handoff: options.handoff,
      recentMessages: options.recentMessages,
    };
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(new RootDialog(this.services));

    this.onMessage(async (context, next) => {
      if (!(await this.routeToPerson(context))) await this.runDialogs(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === JOIN_EVENT) await this.runDialogs(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    const forgetIn = context.turnState.get(FORGET_REQUESTED) as Language | undefined;
    if (!forgetIn) {
      await this.conversationState.saveChanges(context);
      return;
    }
    // Nothing of this turn is saved: the person asked that everything about them be deleted.
    await this.conversationState.clear(context);
    await forgetPerson(this.services.store, this.services.handoff, {
      conversationKey: context.activity.conversation.id,
      userKey: context.activity.from.id,
    });
    const t = this.services.i18n.getFixedT(forgetIn);
    // One tap to begin again (as a new person: nothing is left to continue from).
    await context.sendActivity(messageWithButtons(t('privacy.deleted'), [{ value: 'nav:menu', title: t('nav.startAgain') }]));
  }

  /** Loads the profile and makes every reply carry the conversation's language; returns the profile. */
  private async prepareTurn(context: TurnContext): Promise<Profile> {
    const profile = await this.services.profile.get(context, {});
    profile.suggestedLanguage ??= matchLanguage(context.activity.locale);
    // Every reply carries the conversation's language (as it is when the reply is sent, so a
    // change of language applies at once) for the page to set its direction (ar, fa: RTL).
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const activity of activities) activity.locale = languageFromProfile(profile, this.services.config);
      return next();
    });
    return profile;
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const profile = await this.prepareTurn(context);
    // "Typing…" if the answer takes a while (see ChannelAdapter); never while a person has the chat (see routeToPerson).
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity({ type: ActivityTypes.Typing });
    const language = languageFromProfile(profile, this.services.config);
    const text = context.activity.text ?? '';
    if (context.activity.type === ActivityTypes.Message && text.trim() && isTypedText(text)) {
      await this.services.recentMessages.remember(context.activity.conversation.id, text);
    }

    const dc = await this.dialogContext(context);
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
    // Nothing running: start at the top. A flow that ended on purpose (/stop, a person taking
    // over, forgetting) is left ended until the next message.
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ROOT_DIALOG, {} satisfies RootOptions);
  }

  private async dialogContext(context: TurnContext): Promise<DialogContext> {
    if (this.dialogStateConfiguration) context.turnState.set(DIALOG_STATE_CONFIGURATION, this.dialogStateConfiguration);
    const dc = await this.dialogs.createContext(context);
    this.dialogStateConfiguration ??= dc.state.configuration;
    return dc;
  }

  /** Messages the dialogs cannot use get a kind word instead: no text (a file, a sticker), or too long. */
  private rejectInput(context: TurnContext): string | undefined {
    if (context.activity.type !== ActivityTypes.Message) return undefined;
    const text = context.activity.text ?? '';
    if (!text.trim()) return 'fallback.unsupported';
    if (text.length > this.services.config.limits.maxMessageChars) return 'fallback.tooLong';
    return undefined;
  }

  /**
   * While a person (a caseworker) has the conversation, or the person waits for one, their
   * messages go to the transcript and the bot stays silent, whatever the dialogs would say. Only
   * stopping (and /forget) is the bot's. Returns true when the message was handled here.
   */
  private async routeToPerson(context: TurnContext): Promise<boolean> {
    const conversationKey = context.activity.conversation.id;
    const handoffCase = await this.services.handoff.get(conversationKey);
    if (!handoffCase) return false;
    const text = (context.activity.text ?? '').trim();
    // Deleting one's data stays the bot's job, also mid-chat (the confirmation included).
    if (/^\/forget\b/i.test(text) || text.startsWith('privacy:')) return false;
    const t = this.services.i18n.getFixedT(handoffCase.language);
    if (text === 'handoff:cancel' || text === 'handoff:end' || /^\/(stop|menu|start)$/i.test(text)) {
      const queued = handoffCase.status === 'queued';
      await this.services.handoff.end(conversationKey, 'person', queued ? 'cancelled' : 'stopped');
      await this.restartAtMenu(context, queued ? 'handoff.cancelled' : 'handoff.stopped');
      return true;
    }
    // Words of danger while waiting or talking: urgent from now on, for the queue and the caseworker.
    const danger = this.services.knowledge().danger.detect(text);
    if (danger) await this.services.handoff.markUrgent(conversationKey);
    await this.services.handoff.appendMessage(conversationKey, { author: 'person', text: text || t('handoff.nonText') });
    if (handoffCase.status === 'queued') {
      const position = (await this.services.handoff.position(conversationKey)) ?? 1;
      const said = [t('handoff.waiting', { position })];
      // Someone still waiting gets the emergency numbers of their country at once.
      if (danger) {
        const country = this.services.knowledge().servicesFor(handoffCase.country);
        said.unshift(t('handoff.urgentNow'), renderServices(country, ['emergency'], handoffCase.language as Language, t));
      }
      await context.sendActivity({
        ...messageWithButtons(said.join('\n\n'), [{ value: 'handoff:cancel', title: t('handoff.cancel') }]),
        locale: handoffCase.language,
      });
    }
    return true;
  }

  /** The chat is back with the bot: a notice, then the menu (used after a handoff ends). */
  async restartAtMenu(context: TurnContext, noticeKey: string): Promise<void> {
    const profile = await this.prepareTurn(context);
    const t = this.services.i18n.getFixedT(languageFromProfile(profile, this.services.config));
    await context.sendActivity(message(t(noticeKey)));
    const dc = await this.dialogContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(ROOT_DIALOG, { start: 'menu' } satisfies RootOptions);
    await this.conversationState.saveChanges(context);
  }
}

function languageFromProfile(profile: Profile, config: Config): Language {
  return profile.language ?? profile.suggestedLanguage ?? config.defaultLanguage;
}
