import {
  ComponentDialog,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { translatorOf, type BotServices } from '../src/bot/context.js';
import { message } from '../src/bot/replies.js';
import { LANGUAGE_DIALOG, LanguageDialog } from './language-dialog.js';
import { MAIN_MENU_DIALOG, MainMenuDialog } from './main-menu-dialog.js';

export const ROOT_DIALOG = 'root';
const FLOW = 'root.flow';

/**
 * Bump when a change to the flows means a stored dialog stack could resume at a wrong step: such
 * conversations restart at the menu with a short notice instead.
 */
export const FLOW_VERSION = 1;

export interface RootOptions {
  /** Where to start: the greeting (first contact), the language choice, or the menu. */
  start?: 'greet' | 'language' | 'menu';
}

/** Commands work at any point of any flow; they interrupt what is going on. */
export const COMMANDS = ['start', 'menu', 'help', 'language', 'human', 'forget', 'stop'] as const;

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
    return step.beginDialog(LANGUAGE_DIALOG, { greet: start === 'greet' });
  }

  private async openMenu(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(MAIN_MENU_DIALOG);
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(inner);
    return interrupted ?? super.onContinueDialog(inner);
  }

  /** Handles a command; returns undefined when the message is not one. */
  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = (inner.context.activity.text ?? '').trim();
    const command = /^\/([a-z]+)(?:@\w+)?$/i.exec(text)?.[1]?.toLowerCase();
    if (!command) return undefined;
    const t = await translatorOf(this.services, inner.context);
    switch (command) {
      case 'start':
      case 'menu':
        await inner.cancelAllDialogs();
        return inner.beginDialog(FLOW, { start: 'menu' } satisfies RootOptions);
      case 'language':
        await inner.cancelAllDialogs();
        return inner.beginDialog(FLOW, { start: 'language' } satisfies RootOptions);
      case 'help':
        await inner.context.sendActivity(message(t('help.text')));
        await inner.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'stop':
        await inner.cancelAllDialogs();
        await inner.context.sendActivity(message(t('stop.done')));
        return { status: DialogTurnStatus.complete };
      default:
        // /human and /forget are served by later flows; until then they say so and show the menu.
        if ((COMMANDS as readonly string[]).includes(command)) {
          await inner.context.sendActivity(message(t('menu.comingSoon', { item: `/${command}` })));
        } else {
          await inner.context.sendActivity(message(`${t('command.unknown')}\n${t('help.text')}`));
        }
        await inner.cancelAllDialogs();
        return inner.beginDialog(FLOW, { start: 'menu' } satisfies RootOptions);
    }
  }
}
