/**
 * botbuilder's Storage (conversation and user state of dialogs) on top of the project's Store, so
 * dialog state is shared between instances and expires like everything else.
 */
import type { Storage, StoreItem, StoreItems } from 'botbuilder-core';
import type { Store } from '../store/store.js';

export interface BotStorageOptions {
  /** Retention of every item written; state of a conversation nobody continues goes away. */
  ttlSeconds: number;
}

export class BotStorage implements Storage {
  constructor(
    private readonly store: Store,
    private readonly options: BotStorageOptions,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.store.getMany<Record<string, unknown>>(keys);
    const items: StoreItems = {};
    keys.forEach((key, index) => {
      const item = found[index];
      if (item) items[key] = { ...item.value, eTag: item.etag };
    });
    return items;
  }

  /**
   * Writes unconditionally when an item has no eTag or `*` (as BotState does); with any other eTag
   * only if the stored item still has it, otherwise the Store's EtagConflictError ("the stored item
   * changed since it was read") rejects the write.
   */
  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, item]: [string, StoreItem]) => {
        // The eTag belongs to the stored version, not to the content.
        const { eTag, ...value } = item;
        const ifEtag = eTag && eTag !== '*' ? eTag : undefined;
        return this.store.set(key, value, { ttlSeconds: this.options.ttlSeconds, ifEtag });
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await this.store.delete(keys);
  }
}
