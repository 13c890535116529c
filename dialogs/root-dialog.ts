import { ActivityTypes } from 'botbuilder-core';
import {
  ComponentDialog,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { languageOf, translatorOf, type BotServices } from '../src/bot/context.js';
import { isTypedText } from '../src/bot/recent-messages.js';
import { guessLanguage } from '../src/content/language-guess.js';
import { message } from '../src/bot/replies.js';
import { DIALOG, type DialogTarget, type FlowResult } from './dialog-ids.js';
import { LANGUAGE_DIALOG, LanguageDialog } from './language-dialog.js';
import { MAIN_MENU_DIALOG, MENU_ITEMS, MainMenuDialog, menuTarget, type MainMenuOptions, type MenuItem } from './main-menu-dialog.js';
import { freeTextDialog } from './search-dialog.js';

export const ROOT_DIALOG = DIALOG.root;
const FLOW = 'root.flow';

/**
 * Bump when a change to the flows means a stored dialog stack could resume at a wrong step: such
 * conversations restart at the menu with a short notice instead.
 */
export const FLOW_VERSION = 3;

export interface RootOptions {
  /** Where to start: the greeting (first contact), the language choice, or the menu. */
  start?: 'greet' | 'language' | 'menu';
  /** With `menu`: go straight on to this flow. */
  dispatch?: DialogTarget;
}

/** Commands work at any point of any flow; they interrupt what is going on. */
export const COMMANDS = ['start', 'menu', 'help', 'language', 'human', 'forget', 'stop'] as const;

/**
 * The top of every conversation: the language first, then the menu. It also handles what may come
 * at any moment: commands (/menu, /language…) and buttons of earlier messages (a menu item, a
 * topic), which always mean the same thing wherever they are pressed.
 */
export class RootDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(ROOT_DIALOG);
    this.addDialog(new LanguageDialog(services));
    this.addDialog(new MainMenuDialog(services));
    this.addDialog(new WaterfallDialog(FLOW, [this.chooseLanguage.bind(this), this.openMenu.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async chooseLanguage(step: WaterfallStepContext<RootOptions>): Promise<DialogTurnResult> {
    const profile = await this.services.profile.get(step.context, {});
    const start = step.options?.start ?? (profile.language ? 'menu' : 'greet');
    if (start === 'menu' && profile.language) return step.next();
    // Someone new is greeted first, whatever they wrote (a /start, a question).
    return step.beginDialog(LANGUAGE_DIALOG, { greet: start !== 'language' || !profile.language });
  }

  private async openMenu(step: WaterfallStepContext<RootOptions>): Promise<DialogTurnResult> {
    // The language flow may hand over: what the person wrote instead of choosing a language.
    const handedOver = (step.result as FlowResult | undefined)?.next;
    return step.replaceDialog(MAIN_MENU_DIALOG, { dispatch: step.options?.dispatch ?? handedOver } satisfies MainMenuOptions);
  }

  /** A command, words of danger or a button can also be the first message of a turn with no flow running. */
  protected override async onBeginDialog(inner: DialogContext, options?: RootOptions): Promise<DialogTurnResult> {
    const interrupted = options?.start ? undefined : await this.interruption(inner);
    return interrupted ?? super.onBeginDialog(inner, options);
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return (await this.interruption(inner)) ?? super.onContinueDialog(inner);
  }

  private async interruption(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    return (await this.command(inner)) ?? (await this.danger(inner)) ?? (await this.globalButton(inner));
  }

  /**
   * Words of danger, typed at any question of any flow (the language, a country, a confirmation, the
   * self-check) or as the very first message: emergency help first, before anything else, the
   * greeting and the language question included.
   */
  private async danger(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = inner.context.activity.type === ActivityTypes.Message ? (inner.context.activity.text ?? '') : '';
    const knowledge = this.services.knowledge();
    if (!isTypedText(text) || !knowledge.danger.detect(text)) return undefined;
    // No language chosen yet: the help comes in the one the words are written in, if it is plain.
    const profile = await this.services.profile.get(inner.context, {});
    profile.language ??= guessLanguage(text);
    const help = freeTextDialog(knowledge, text, await languageOf(this.services, inner.context));
    await inner.cancelAllDialogs();
    return inner.beginDialog(MAIN_MENU_DIALOG, { dispatch: help } satisfies MainMenuOptions);
  }

  private restart(inner: DialogContext, options: RootOptions): Promise<DialogTurnResult> {
    return inner.cancelAllDialogs().then(() => inner.beginDialog(FLOW, options));
  }

  /** Buttons whose meaning does not depend on the question they came with. */
  private async globalButton(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const value = (inner.context.activity.text ?? '').trim();
    const [kind, id = ''] = value.split(/:(.*)/s);
    const knowledge = this.services.knowledge();
    switch (kind) {
      case 'nav':
        return id === 'menu' ? this.restart(inner, { start: 'menu' }) : undefined;
      case 'menu': {
        if (!(MENU_ITEMS as readonly string[]).includes(id)) return undefined;
        return this.restart(inner, { start: 'menu', dispatch: menuTarget(id as MenuItem) });
      }
      case 'human':
        // From an urgent self-check result: first in the queue.
        if (id !== 'urgent') return undefined;
        return this.restart(inner, { start: 'menu', dispatch: { id: DIALOG.handoff, options: { urgent: true } } });
      case 'topic':
        if (!knowledge.topic(id)) return undefined;
        return this.restart(inner, { start: 'menu', dispatch: { id: DIALOG.answer, options: { topicId: id } } });
      case 'svc': {
        const topic = knowledge.topic(id);
        if (!topic) return undefined;
        return this.restart(inner, { start: 'menu', dispatch: { id: DIALOG.services, options: { kinds: topic.services } } });
      }
      default:
        return undefined;
    }
  }

  /** Handles a command; returns undefined when the message is not one. */
  private async command(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = (inner.context.activity.text ?? '').trim();
    const command = /^\/([a-z]+)(?:@\w+)?$/i.exec(text)?.[1]?.toLowerCase();
    if (!command) return undefined;
    const t = await translatorOf(this.services, inner.context);
    switch (command) {
      case 'start':
      case 'menu':
        return this.restart(inner, { start: 'menu' });
      case 'language':
        return this.restart(inner, { start: 'language' });
      case 'human':
        return this.restart(inner, { start: 'menu', dispatch: { id: DIALOG.handoff, options: {} } });
      case 'forget':
        return this.restart(inner, { start: 'menu', dispatch: { id: DIALOG.privacy, options: { forget: true } } });
      case 'help':
        await inner.context.sendActivity(message(t('help.text')));
        await inner.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'stop':
        await inner.cancelAllDialogs();
        await inner.context.sendActivity(message(t('stop.done')));
        return { status: DialogTurnStatus.complete };
      default:
        await inner.context.sendActivity(message(`${t('command.unknown')}\n${t('help.text')}`));
        return this.restart(inner, { start: 'menu' });
    }
  }
}
