import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import { translatorOf, type BotServices } from '../src/bot/context.js';
import { matchButton, message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { LANGUAGE_DIALOG } from './language-dialog.js';

export const MAIN_MENU_DIALOG = 'mainMenu';
const ASK = 'mainMenu.ask';
const FLOW = 'mainMenu.flow';

export const MENU_ITEMS = ['rights', 'safe', 'check', 'services', 'human', 'language', 'privacy'] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

export interface MainMenuOptions {
  /** Shown again after an answer: "What else…" instead of the first prompt. */
  again?: boolean;
}

export function menuButtons(t: TFunction): Button[] {
  return MENU_ITEMS.map((item) => ({ value: `menu:${item}`, title: t(`menu.${item}`) }));
}

/** The main menu. It loops: every path returns here, so no conversation dead-ends. */
export class MainMenuDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(MAIN_MENU_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.route.bind(this), this.loop.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async ask(step: WaterfallStepContext<MainMenuOptions>): Promise<DialogTurnResult> {
    const t = await translatorOf(this.services, step.context);
    const text = step.options?.again ? t('menu.again') : t('menu.prompt');
    return step.prompt(ASK, { prompt: messageWithButtons(text, menuButtons(t)) });
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = await translatorOf(this.services, step.context);
    const item = matchButton(String(step.result ?? ''), menuButtons(t))?.replace('menu:', '') as MenuItem | undefined;
    switch (item) {
      case 'language':
        return step.beginDialog(LANGUAGE_DIALOG);
      case 'privacy':
        await step.context.sendActivity(message(t('privacy.summary', { days: retentionDays(this.services) })));
        return step.next();
      case undefined:
        await step.context.sendActivity(message(t('fallback.notUnderstood')));
        return step.next();
      default:
        await step.context.sendActivity(message(t('menu.comingSoon', { item: t(`menu.${item}`) })));
        return step.next();
    }
  }

  private async loop(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(MAIN_MENU_DIALOG, { again: true } satisfies MainMenuOptions);
  }
}

function retentionDays(services: BotServices): number {
  return Math.round(services.config.retention.state / 86_400);
}
