import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { matchButton, messageWithButtons, type Button } from '../src/bot/replies.js';
import { DIALOG, handOver } from './dialog-ids.js';
import { freeTextDialog } from './search-dialog.js';

export const TOPICS_DIALOG = DIALOG.topics;
const ASK_GROUP = 'topics.askGroup';
const ASK_TOPIC = 'topics.askTopic';
const FLOW = 'topics.flow';

export interface TopicsOptions {
  category: 'rights' | 'safe';
  /** Skip straight to the topics of this group. */
  group?: string;
}

/**
 * "Know your rights" and "Safe migration": a few groups, then a few topics, then the answer. Never
 * a wall of buttons; a typed question is searched at any step.
 */
export class TopicsDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(TOPICS_DIALOG);
    this.addDialog(new TextPrompt(ASK_GROUP));
    this.addDialog(new TextPrompt(ASK_TOPIC));
    this.addDialog(new WaterfallDialog(FLOW, [this.askGroup.bind(this), this.askTopic.bind(this), this.open.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async askGroup(step: WaterfallStepContext<TopicsOptions>): Promise<DialogTurnResult> {
    if (step.options.group) return step.next(`grp:${step.options.group}`);
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    const groups = Object.keys(this.services.knowledge().content.browse[step.options.category]);
    const buttons: Button[] = [
      ...groups.map((g) => ({ value: `grp:${g}`, title: t(`browse.groups.${g}`) })),
      { value: 'nav:menu', title: t('nav.menu') },
    ];
    return step.prompt(ASK_GROUP, { prompt: messageWithButtons(t('browse.prompt'), buttons) });
  }

  private async askTopic(step: WaterfallStepContext<TopicsOptions>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const knowledge = this.services.knowledge();
    const groups = knowledge.content.browse[step.options.category];
    const groupButtons = Object.keys(groups).map((g) => ({ value: `grp:${g}`, title: t(`browse.groups.${g}`) }));
    const group = matchButton(String(step.result ?? ''), groupButtons)?.slice(4);
    const topicIds = group ? groups[group] : undefined;
    if (!topicIds) return step.endDialog(handOver(freeTextDialog(knowledge, String(step.result ?? ''), lang)));
    const buttons: Button[] = [
      ...topicIds.map((id) => ({ value: `topic:${id}`, title: knowledge.topicText(id, lang)?.title ?? id })),
      { value: 'nav:back', title: t('nav.back') },
      { value: 'nav:menu', title: t('nav.menu') },
    ];
    return step.prompt(ASK_TOPIC, { prompt: messageWithButtons(t('browse.pickTopic'), buttons) });
  }

  private async open(step: WaterfallStepContext<TopicsOptions>): Promise<DialogTurnResult> {
    const text = String(step.result ?? '');
    if (text === 'nav:back') return step.replaceDialog(FLOW, { category: step.options.category } satisfies TopicsOptions);
    // Topic buttons (topic:<id>) are handled wherever they are pressed (see the root dialog); what
    // reaches here is typed text.
    return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), text, await languageOf(this.services, step.context))));
  }
}
