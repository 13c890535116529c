import { TurnContext } from 'botbuilder-core';
import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { matchButton, message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { describeOpeningHours, isOpen } from '../src/handoff/opening-hours.js';
import type { SharedSelfCheck } from '../src/handoff/handoff-service.js';
import type { ServiceKind } from '../src/content/schema.js';
import { DIALOG, handOver, type FlowResult } from './dialog-ids.js';

export const HANDOFF_DIALOG = DIALOG.handoff;
const ASK_MESSAGES = 'handoff.askMessages';
const ASK_SELF_CHECK = 'handoff.askSelfCheck';
const FLOW = 'handoff.flow';

/** Hotlines offered when no caseworker can answer: people to call, by kind. */
export const HOTLINE_KINDS: ServiceKind[] = ['emergency', 'anti_trafficking', 'gbv', 'psychosocial', 'migrant_support'];

export interface HandoffOptions {
  /** The self-check or the person's words say they are at risk: first in the queue. */
  urgent?: boolean;
  /** A self-check result the person may choose to share (ids only). */
  selfCheck?: SharedSelfCheck;
}

interface HandoffState extends HandoffOptions {
  shareMessages?: boolean;
}

/**
 * "Talk to a person": what a caseworker can do and see, the choice of what to share, then the
 * queue. When nobody can answer (outside the hours, or no caseworker online) the person gets the
 * hotline numbers for their country at once instead of waiting in silence.
 */
export class HandoffDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(HANDOFF_DIALOG);
    this.addDialog(new TextPrompt(ASK_MESSAGES));
    this.addDialog(new TextPrompt(ASK_SELF_CHECK));
    this.addDialog(
      new WaterfallDialog(FLOW, [this.explain.bind(this), this.askSelfCheck.bind(this), this.join.bind(this)]),
    );
    this.initialDialogId = FLOW;
  }

  private async explain(step: WaterfallStepContext<HandoffState>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const { hours } = this.services.config.handoff;
    await step.context.sendActivity(message(t('handoff.intro', { hours: describeOpeningHours(hours, lang, t('handoff.allHours')) })));
    const online = await this.services.handoff.onlineStaff();
    if (!isOpen(hours, new Date()) || online.length === 0) {
      await step.context.sendActivity(message(t('handoff.unavailable')));
      return step.endDialog(handOver({ id: DIALOG.services, options: { kinds: HOTLINE_KINDS } }));
    }
    return step.prompt(ASK_MESSAGES, { prompt: messageWithButtons(t('handoff.shareMessages'), yesNo(t)) });
  }

  private async askSelfCheck(step: WaterfallStepContext<HandoffState>): Promise<DialogTurnResult> {
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    step.options.shareMessages = saidYes(step.result, t);
    if (!step.options.selfCheck) return step.next();
    return step.prompt(ASK_SELF_CHECK, { prompt: messageWithButtons(t('handoff.shareSelfCheck'), yesNo(t)) });
  }

  private async join(step: WaterfallStepContext<HandoffState>): Promise<DialogTurnResult> {
    const { context } = step;
    const lang = await languageOf(this.services, context);
    const t = this.services.i18n.getFixedT(lang);
    const profile = await this.services.profile.get(context, {});
    const conversationKey = context.activity.conversation.id;
    const shareSelfCheck = Boolean(step.options.selfCheck) && saidYes(step.result, t);
    await this.services.handoff.request({
      conversationKey,
      channel: context.activity.channelId,
      language: lang,
      country: profile.country,
      urgent: Boolean(step.options.urgent),
      shared: {
        recentMessages: step.options.shareMessages ? await this.services.recentMessages.read(conversationKey) : undefined,
        selfCheck: shareSelfCheck ? step.options.selfCheck : undefined,
      },
      reference: { ...TurnContext.getConversationReference(context.activity) },
    });
    const position = (await this.services.handoff.position(conversationKey)) ?? 1;
    const minutes = await this.services.handoff.estimateMinutes(position);
    const wait = minutes === undefined ? t('handoff.noEstimate') : t('handoff.estimate', { minutes });
    await context.sendActivity(
      messageWithButtons(`${t('handoff.queued', { position })} ${wait}`, [{ value: 'handoff:cancel', title: t('handoff.cancel') }]),
    );
    return step.endDialog({ quiet: true } satisfies FlowResult);
  }
}

function yesNo(t: (key: string) => string): Button[] {
  return [
    { value: 'share:yes', title: t('handoff.yes') },
    { value: 'share:no', title: t('handoff.no') },
  ];
}

/** A tap on "Yes, share", or "yes" typed in any language; anything else shares nothing. */
function saidYes(reply: unknown, t: (key: string) => string): boolean {
  return matchButton(String(reply ?? ''), yesNo(t)) === 'share:yes';
}
