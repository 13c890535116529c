import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { FORGET_REQUESTED } from '../src/bot/forget.js';
import { matchButton, message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { DIALOG, handOver, type FlowResult } from './dialog-ids.js';
import { freeTextDialog } from './search-dialog.js';

export const PRIVACY_DIALOG = DIALOG.privacy;
const ASK = 'privacy.ask';
const CONFIRM = 'privacy.confirm';
const FLOW = 'privacy.flow';

export interface PrivacyOptions {
  /** Straight to "Delete everything?" (the /forget command). */
  forget?: boolean;
}

/** What the bot keeps and for how long, and "Delete my data", always with a confirmation. */
export class PrivacyDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(PRIVACY_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new TextPrompt(CONFIRM));
    this.addDialog(new WaterfallDialog(FLOW, [this.explain.bind(this), this.confirm.bind(this), this.act.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async explain(step: WaterfallStepContext<PrivacyOptions>): Promise<DialogTurnResult> {
    if (step.options?.forget) return step.next('privacy:delete');
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    const days = Math.round(this.services.config.retention.state / 86_400);
    await step.context.sendActivity(message(t('privacy.summary', { days })));
    return step.prompt(ASK, {
      prompt: messageWithButtons(t('answer.next'), [
        { value: 'privacy:delete', title: t('privacy.delete') },
        { value: 'nav:menu', title: t('nav.menu') },
      ]),
    });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    if (step.result !== 'privacy:delete') {
      return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), String(step.result ?? ''), lang)));
    }
    const t = this.services.i18n.getFixedT(lang);
    return step.prompt(CONFIRM, { prompt: messageWithButtons(t('privacy.confirm'), confirmButtons(t)) });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    // A tap on "Yes, delete", or "yes" typed in any language; anything else deletes nothing.
    if (matchButton(String(step.result ?? ''), confirmButtons(t)) !== 'privacy:yes') {
      await step.context.sendActivity(message(t('privacy.kept')));
      return step.endDialog();
    }
    // The deletion itself runs when the turn is over, so nothing of this turn is saved again after it.
    step.context.turnState.set(FORGET_REQUESTED, await languageOf(this.services, step.context));
    return step.endDialog({ quiet: true } satisfies FlowResult);
  }
}

function confirmButtons(t: TFunction): Button[] {
  return [
    { value: 'privacy:yes', title: t('privacy.confirmYes') },
    { value: 'privacy:no', title: t('privacy.confirmNo') },
  ];
}
