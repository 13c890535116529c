import type { Store } from '../store/store.js';

/**
 * Runs the turns of one conversation one at a time, in arrival order. Inside one process a promise
 * chain keeps the order; the store's lock keeps instances sharing Redis from running the same
 * conversation at once. Different conversations run concurrently.
 */
export class TurnSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly options = { leaseMs: 30_000, waitMs: 30_000 },
  ) {}

  run<T>(conversationKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationKey) ?? Promise.resolve();
    const result = previous.then(async () => {
      const release = await this.store.lock(`turn:${conversationKey}`, this.options);
      try {
        return await work();
      } finally {
        await release().catch(() => undefined);
      }
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(conversationKey, tail);
    void tail.then(() => {
      if (this.tails.get(conversationKey) === tail) this.tails.delete(conversationKey);
    });
    return result;
  }

  /** Conversations with a turn running or waiting in this process. */
  get busyConversations(): number {
    return this.tails.size;
  }
}
