import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder-core';
import type { TurnSerializer } from './turn-serializer.js';

export type BotLogic = (context: TurnContext) => Promise<void>;

/**
 * Told about every turn a person started (for metrics): its channel, how long it took, and whether
 * it failed past the bot's own error handler (its replies could not be delivered).
 */
export type TurnObserver = (channel: string, seconds: number, failed: boolean) => void;

/** What a turn has said so far, held back until the turn ends. */
interface Outbox {
  reference: Partial<ConversationReference>;
  activities: Array<Partial<Activity>>;
  /** "Typing…", asked for before any reply: shown if the turn is still at work after the delay. */
  typing?: Partial<Activity>;
  typingTimer?: NodeJS.Timeout;
  /** Set once "typing…" went out, so the replies wait for it and never arrive before it. */
  typingSent?: Promise<void>;
}

const OUTBOX = Symbol('outbox');

/**
 * The base every channel adapter shares: it runs middleware and bot logic for an incoming activity,
 * one turn at a time per conversation, and hands the turn's outgoing activities to the channel's
 * `deliver` together when the turn ends: one write (Direct Line) instead of one per message, and the
 * person never sees half an answer. "Typing…" is shown only when a turn takes longer than
 * `typingDelayMs`: a quick answer needs none, and on a slow or costly line every request counts.
 * Channel adapters only translate (updates to activities, activities to messages).
 */
export abstract class ChannelAdapter extends BotAdapter {
  /** Set by the app to count turns and their latency. */
  turnObserver?: TurnObserver;

  constructor(
    protected readonly turns: TurnSerializer,
    private readonly typingDelayMs: number,
  ) {
    super();
  }

  /** Sends a turn's outgoing activities through the channel, in order. */
  protected abstract deliver(reference: Partial<ConversationReference>, activities: Array<Partial<Activity>>): Promise<void>;

  /** Runs a turn for an activity that arrived on the channel. */
  protected processActivity(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new Error('an incoming activity needs a conversation id');
    const started = performance.now();
    const turn = this.turns.run(conversationId, () => this.runWithOutbox(activity, logic));
    // The bot's own failures are reported by onTurnError (the turn then resolves); a turn that still
    // rejects could not deliver its replies. The channel logs it; here it is timed and counted.
    const observe = (failed: boolean) => this.turnObserver?.(activity.channelId ?? 'unknown', (performance.now() - started) / 1000, failed);
    turn.then(
      () => observe(false),
      () => observe(true),
    );
    return turn;
  }

  /** Proactive messages (a caseworker's reply): a turn on a stored conversation reference. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: BotLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('a conversation reference needs a conversation id');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      reference,
      true,
    );
    await this.turns.run(conversationId, () => this.runWithOutbox(activity, logic));
  }

  private async runWithOutbox(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
    const context = new TurnContext(this, activity);
    const outbox: Outbox = { reference: TurnContext.getConversationReference(activity), activities: [] };
    context.turnState.set(OUTBOX, outbox);
    try {
      await this.runMiddleware(context, logic);
    } finally {
      await this.flush(outbox);
    }
  }

  override async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const outbox = context.turnState.get(OUTBOX) as Outbox | undefined;
    if (!outbox) throw new Error('activities can only be sent during a turn');
    for (const activity of activities) {
      if (activity.type !== ActivityTypes.Typing) outbox.activities.push(activity);
      else if (!outbox.typing && outbox.activities.length === 0) {
        outbox.typing = activity;
        if (this.typingDelayMs === 0) this.showTyping(outbox);
        else outbox.typingTimer = setTimeout(() => this.showTyping(outbox), this.typingDelayMs);
      }
    }
    // Ids are the channel's, known only once delivered; nothing in the bot uses them.
    return activities.map(() => ({ id: '' }));
  }

  private showTyping(outbox: Outbox): void {
    if (!outbox.typing || outbox.typingSent) return;
    // "Typing…" that cannot be shown is no reason to fail the turn.
    outbox.typingSent = this.deliver(outbox.reference, [outbox.typing]).then(
      () => undefined,
      () => undefined,
    );
  }

  private async flush(outbox: Outbox): Promise<void> {
    clearTimeout(outbox.typingTimer);
    // A turn that says nothing but "typing…" (a caseworker typing) shows it, however quick.
    if (outbox.activities.length === 0) this.showTyping(outbox);
    await outbox.typingSent;
    if (outbox.activities.length > 0) await this.deliver(outbox.reference, outbox.activities);
  }

  // Sent messages are never edited or withdrawn by the dialogs; channels that can (Telegram) do it
  // inside their own adapter, where it helps (removing stale buttons).
  override async updateActivity(): Promise<void> {}
  override async deleteActivity(): Promise<void> {}
}
