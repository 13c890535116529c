import type { Store } from '../store/store.js';

/**
 * The last few things a person typed, kept for half an hour only, so that — if they choose to —
 * a caseworker can see what they were asking about. Button presses and commands are not kept.
 */
const KEEP = 5;
const TTL_SECONDS = 30 * 60;

const keyOf = (conversationKey: string) => `recent-typed:${conversationKey}`;

export class RecentMessages {
  constructor(private readonly store: Store) {}

  /** One write, no read: a short list that keeps the last few and is forgotten half an hour after the last. */
  async remember(conversationKey: string, text: string): Promise<void> {
    await this.store.pushToList(keyOf(conversationKey), text.slice(0, 1000), { ttlSeconds: TTL_SECONDS, maxLength: KEEP });
  }

  async read(conversationKey: string): Promise<string[]> {
    return this.store.readList<string>(keyOf(conversationKey));
  }
}

/** Typed by the person, as opposed to a button's id ("menu:rights") or a command ("/menu"). */
export function isTypedText(text: string): boolean {
  return !/^\/[a-z]+/i.test(text) && !/^[a-z]+:[\w.:-]*$/i.test(text.trim());
}
