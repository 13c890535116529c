import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { matchButton, message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { DIALOG, type DialogTarget, type FlowResult } from './dialog-ids.js';
import { freeTextDialog } from './search-dialog.js';

export const MAIN_MENU_DIALOG = DIALOG.mainMenu;
const ASK = 'mainMenu.ask';
const FLOW = 'mainMenu.flow';

export const MENU_ITEMS = ['rights', 'safe', 'check', 'services', 'human', 'language', 'privacy'] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

export interface MainMenuOptions {
  /** Shown again after something was done: "What else…" instead of the first prompt. */
  again?: boolean;
  /** Start this flow straight away instead of asking (a button pressed elsewhere, a hand-over). */
  dispatch?: DialogTarget;
  /** Set while a flow started from here runs, so the next step knows to read its result. */
  dispatched?: boolean;
}

export function menuButtons(t: TFunction): Button[] {
  return MENU_ITEMS.map((item) => ({ value: `menu:${item}`, title: t(`menu.${item}`) }));
}

/** The flow behind a menu item; undefined for items answered with a message. */
export function menuTarget(item: MenuItem): DialogTarget | undefined {
  switch (item) {
    case 'rights':
    case 'safe':
      return { id: DIALOG.topics, options: { category: item } };
    case 'services':
      return { id: DIALOG.services, options: {} };
    case 'language':
      return { id: DIALOG.language, options: {} };
    default:
      return undefined;
  }
}

/**
 * The hub. Every flow is started from here and returns here, or hands over to the next flow
 * through here, so the dialog stack stays shallow and no path dead-ends.
 */
export class MainMenuDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(MAIN_MENU_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.route.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async ask(step: WaterfallStepContext<MainMenuOptions>): Promise<DialogTurnResult> {
    const { dispatch } = step.options ?? {};
    if (dispatch) {
      step.options.dispatched = true;
      return step.beginDialog(dispatch.id, dispatch.options);
    }
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    const text = step.options?.again ? t('menu.again') : t('menu.prompt');
    return step.prompt(ASK, { prompt: messageWithButtons(text, menuButtons(t)) });
  }

  private async route(step: WaterfallStepContext<MainMenuOptions>): Promise<DialogTurnResult> {
    if (step.options?.dispatched) {
      const next = (step.result as FlowResult | undefined)?.next;
      return step.replaceDialog(FLOW, next ? { dispatch: next } : { again: true });
    }
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const typed = String(step.result ?? '');
    const item = matchButton(typed, menuButtons(t))?.replace('menu:', '') as MenuItem | undefined;
    if (!item) return step.replaceDialog(FLOW, { dispatch: freeTextDialog(this.services.knowledge(), typed, lang) });
    const target = menuTarget(item);
    if (target) return step.replaceDialog(FLOW, { dispatch: target });
    if (item === 'privacy') {
      await step.context.sendActivity(message(t('privacy.summary', { days: Math.round(this.services.config.retention.state / 86_400) })));
    } else {
      await step.context.sendActivity(message(t('menu.comingSoon', { item: t(`menu.${item}`) })));
    }
    return step.replaceDialog(FLOW, { again: true });
  }
}
