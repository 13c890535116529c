import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { recordUsage } from '../src/analytics/usage-totals.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { freeTextDialog } from './search-dialog.js';

import { DIALOG, handOver } from './dialog-ids.js';

export const ANSWER_DIALOG = DIALOG.answer;
const ASK = 'answer.ask';
const FLOW = 'answer.flow';

export interface AnswerOptions {
  topicId: string;
}

/**
 * One topic's answer, then what to do next: related topics, the services for the person's
 * country, the menu. A question typed here is searched like anywhere else.
 */
export class AnswerDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(ANSWER_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.show.bind(this), this.next.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async show(step: WaterfallStepContext<AnswerOptions>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const knowledge = this.services.knowledge();
    const topic = knowledge.topic(step.options.topicId);
    const text = knowledge.topicText(step.options.topicId, lang);
    // The topic may have been removed by an editor since the button was shown.
    if (!topic || !text) return step.endDialog();
    await step.context.sendActivity(message(`**${text.title}**\n\n${text.body}`));
    await recordUsage(this.services.store, { kind: 'topic', language: lang, topic: topic.id }, new Date());
    const buttons: Button[] = [
      ...topic.related.slice(0, 3).flatMap((id) => {
        const related = knowledge.topicText(id, lang);
        return related ? [{ value: `topic:${id}`, title: related.title }] : [];
      }),
      { value: `svc:${topic.id}`, title: t('nav.services') },
      { value: 'nav:menu', title: t('nav.menu') },
    ];
    return step.prompt(ASK, { prompt: messageWithButtons(t('answer.next'), buttons) });
  }

  private async next(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), String(step.result ?? ''), lang)));
  }
}
