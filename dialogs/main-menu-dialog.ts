import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { matchButton, messageWithButtons, type Button } from '../src/bot/replies.js';
import { DIALOG, type DialogTarget, type FlowResult } from './dialog-ids.js';
import { AnswerDialog } from './answer-dialog.js';
import { HandoffDialog } from './handoff-dialog.js';
import { LanguageDialog } from './language-dialog.js';
import { PrivacyDialog } from './privacy-dialog.js';
import { freeTextDialog, SearchDialog } from './search-dialog.js';
import { SelfCheckDialog } from './self-check-dialog.js';
import { SmallTalkDialog } from './small-talk-dialog.js';
import { ServicesDialog } from './services-dialog.js';
import { TopicsDialog } from './topics-dialog.js';

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

/** The flow behind a menu item. */
export function menuTarget(item: MenuItem): DialogTarget {
  switch (item) {
    case 'rights':
    case 'safe':
      return { id: DIALOG.topics, options: { category: item } };
    case 'services':
      return { id: DIALOG.services, options: {} };
    case 'check':
      return { id: DIALOG.selfCheck, options: {} };
    case 'language':
      return { id: DIALOG.language, options: {} };
    case 'human':
      return { id: DIALOG.handoff, options: {} };
    case 'privacy':
      return { id: DIALOG.privacy, options: {} };
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
    // The flows run inside the menu, so they are registered here: a reprompt looks for the active
    // flow among this dialog's own children.
    for (const Flow of [LanguageDialog, TopicsDialog, AnswerDialog, SearchDialog, SmallTalkDialog, ServicesDialog, SelfCheckDialog, HandoffDialog, PrivacyDialog]) {
      this.addDialog(new Flow(services));
    }
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
      const result = step.result as FlowResult | undefined;
      if (result?.quiet) return step.endDialog();
      return step.replaceDialog(FLOW, result?.next ? { dispatch: result.next } : { again: !result?.fresh });
    }
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const typed = String(step.result ?? '');
    const item = matchButton(typed, menuButtons(t))?.replace('menu:', '') as MenuItem | undefined;
    if (!item) return step.replaceDialog(FLOW, { dispatch: freeTextDialog(this.services.knowledge(), typed, lang) });
    return step.replaceDialog(FLOW, { dispatch: menuTarget(item) });
  }
}
