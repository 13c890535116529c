import type { Activity, ConversationReference, TurnContext } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { ChannelAdapter, type BotLogic } from '../../src/bot/channel-adapter.js';
import { TurnSerializer } from '../../src/bot/turn-serializer.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A channel that records what reaches it, one entry per delivery (a write, or a call to the channel). */
class RecordingChannel extends ChannelAdapter {
  readonly deliveries: string[][] = [];
  failTyping = false;

  protected async deliver(_reference: Partial<ConversationReference>, activities: Array<Partial<Activity>>) {
    if (this.failTyping && activities[0]?.type === 'typing') throw new Error('the channel refused typing');
    this.deliveries.push(activities.map((a) => (a.type === 'typing' ? 'typing' : String(a.text))));
  }

  turn(logic: BotLogic, conversationId = 'c1') {
    return this.processActivity({ type: 'message', text: 'hi', channelId: 'test', conversation: { id: conversationId } as never }, logic);
  }
}

const typingThenAnswer = (work: () => Promise<unknown>) => async (context: TurnContext) => {
  await context.sendActivity({ type: 'typing' });
  await work();
  await context.sendActivity('the answer');
  await context.sendActivity('what next?');
};

describe('ChannelAdapter', () => {
  const store = new MemoryStore();

  it('delivers what a turn says in one go, in order, when the turn ends', async () => {
    const channel = new RecordingChannel(new TurnSerializer(store), 200);
    let seenDuringTurn = -1;
    await channel.turn(async (context) => {
      await context.sendActivity('one');
      await context.sendActivities([{ type: 'message', text: 'two' }, { type: 'message', text: 'three' }]);
      seenDuringTurn = channel.deliveries.length;
    });
    expect(seenDuringTurn).toBe(0);
    expect(channel.deliveries).toEqual([['one', 'two', 'three']]);
  });

  it.each([
    { case: 'a quick answer', workMs: 0, delayMs: 200, expected: [['the answer', 'what next?']] },
    { case: 'a slow answer', workMs: 150, delayMs: 20, expected: [['typing'], ['the answer', 'what next?']] },
    { case: 'no delay configured', workMs: 0, delayMs: 0, expected: [['typing'], ['the answer', 'what next?']] },
  ])('shows "typing…" only when the answer takes longer than the delay: $case', async ({ workMs, delayMs, expected }) => {
    const channel = new RecordingChannel(new TurnSerializer(store), delayMs);
    await channel.turn(typingThenAnswer(() => sleep(workMs)));
    expect(channel.deliveries).toEqual(expected);
  });

  it('shows "typing…" at once in a turn that says nothing else (a caseworker typing)', async () => {
    const channel = new RecordingChannel(new TurnSerializer(store), 10_000);
    await channel.continueConversation({ conversation: { id: 'c2' } as never }, async (context) => {
      await context.sendActivity({ type: 'typing' });
    });
    expect(channel.deliveries).toEqual([['typing']]);
  });

  it('still answers when "typing…" cannot be shown', async () => {
    const channel = new RecordingChannel(new TurnSerializer(store), 0);
    channel.failTyping = true;
    await channel.turn(typingThenAnswer(async () => undefined));
    expect(channel.deliveries).toEqual([['the answer', 'what next?']]);
  });

  it('delivers what was said before a turn failed, and the turns of a conversation in their order', async () => {
    const channel = new RecordingChannel(new TurnSerializer(store), 200);
    const failing = channel.turn(async (context) => {
      await context.sendActivity('before the failure');
      throw new Error('boom');
    });
    const next = channel.turn(async (context) => {
      await context.sendActivity('next turn');
    });
    await expect(failing).rejects.toThrow('boom');
    await next;
    expect(channel.deliveries).toEqual([['before the failure'], ['next turn']]);
  });
});
