import { TestAdapter, TurnContext, type StoreItems } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { BotStorage } from '../../src/bot/bot-storage.js';
import { JsonConversationState } from '../../src/bot/conversation-state.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/** BotStorage over a MemoryStore that counts its writes. */
class CountingStorage extends BotStorage {
  writes = 0;
  override async write(changes: StoreItems): Promise<void> {
    this.writes++;
    await super.write(changes);
  }
}

function turnIn(conversationId: string): TurnContext {
  return new TurnContext(new TestAdapter(), { type: 'message', channelId: 'test', conversation: { id: conversationId } as never, text: 'hi' });
}

describe('JsonConversationState', () => {
  const setUp = () => {
    const store = new MemoryStore();
    const storage = new CountingStorage(store, { ttlSeconds: 60 });
    const state = new JsonConversationState(storage);
    return { store, storage, state, profile: state.createProperty<{ language?: string; visits?: number }>('profile') };
  };

  it('keeps what a turn changed for the next turn, and writes only when something changed', async () => {
    const { storage, state, profile } = setUp();
    const first = turnIn('c1');
    (await profile.get(first, {}))!.language = 'fr';
    await state.saveChanges(first);
    expect(storage.writes).toBe(1);

    const second = turnIn('c1');
    expect(await profile.get(second)).toEqual({ language: 'fr' });
    await state.saveChanges(second);
    expect(storage.writes).toBe(1); // read, not changed: not written

    const third = turnIn('c1');
    const changed = (await profile.get(third))!;
    changed.visits = 2;
    await state.saveChanges(third);
    expect(storage.writes).toBe(2);
    expect(await profile.get(turnIn('c1'))).toEqual({ language: 'fr', visits: 2 });
    expect(await profile.get(turnIn('c2'))).toBeUndefined();
  });

  it('writes a cleared state, deletes on request, and saves with force even when unchanged', async () => {
    const { store, storage, state, profile } = setUp();
    const first = turnIn('c1');
    await profile.set(first, { language: 'ar' });
    await state.saveChanges(first);

    const clearing = turnIn('c1');
    await state.load(clearing);
    await state.clear(clearing);
    await state.saveChanges(clearing);
    expect(await profile.get(turnIn('c1'))).toBeUndefined();

    const forced = turnIn('c1');
    await state.load(forced);
    const before = storage.writes;
    await state.saveChanges(forced, true);
    expect(storage.writes).toBe(before + 1);

    const deleting = turnIn('c1');
    await state.load(deleting);
    await state.delete(deleting);
    expect(state.get(deleting)).toBeUndefined();
    expect(await store.keysContaining('c1')).toEqual([]);
  });
});
