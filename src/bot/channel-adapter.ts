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

/** Told about every turn a person started (for metrics): its channel and how long it took. */
export type TurnObserver = (channel: string, seconds: number) => void;

/**
 * The base every channel adapter shares: it runs middleware and bot logic for an incoming activity,
 * one turn at a time per conversation, and hands outgoing activities to the channel's `deliver`.
 * Channel adapters only translate (updates to activities, activities to messages).
 */
export abstract class ChannelAdapter extends BotAdapter {
  /** Set by the app to count turns and their latency. */
  turnObserver?: TurnObserver;

  constructor(protected readonly turns: TurnSerializer) {
    super();
  }

  /** Sends one outgoing activity through the channel; returns the channel's id for it, if any. */
  protected abstract deliver(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string | undefined>;

  /** Runs a turn for an activity that arrived on the channel. */
  protected processActivity(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new Error('an incoming activity needs a conversation id');
    const started = performance.now();
    const turn = this.turns.run(conversationId, () => this.runMiddleware(new TurnContext(this, activity), logic));
    // Failures are reported by onTurnError; a rejected turn is only timed here.
    const observe = () => this.turnObserver?.(activity.channelId ?? 'unknown', (performance.now() - started) / 1000);
    turn.then(observe, observe);
    return turn;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    const reference = TurnContext.getConversationReference(context.activity);
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await new Promise((resolve) => setTimeout(resolve, typeof activity.value === 'number' ? activity.value : 1000));
        responses.push({ id: '' });
        continue;
      }
      responses.push({ id: (await this.deliver(reference, activity)) ?? '' });
    }
    return responses;
  }

  // Sent messages are never edited or withdrawn by the dialogs; channels that can (Telegram) do it
  // inside their own adapter, where it helps (removing stale buttons).
  override async updateActivity(): Promise<void> {}
  override async deleteActivity(): Promise<void> {}

  /** Proactive messages (a caseworker's reply): a turn on a stored conversation reference. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: BotLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('a conversation reference needs a conversation id');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      reference,
      true,
    );
    await this.turns.run(conversationId, () => this.runMiddleware(new TurnContext(this, activity), logic));
  }
}
