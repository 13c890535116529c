import type { Store } from '../store/store.js';

/**
 * The last few things a person typed, kept for half an hour only, so that — if they choose to —
 * a caseworker can see what they were asking about. Button presses and commands are not kept.
 */
const KEEP = 5;
const TTL_SECONDS = 30 * 60;

export class RecentMessages {
  constructor(private readonly store: Store) {}

  async remember(conversationKey: string, text: string): Promise<void> {
    const key = `recent:${conversationKey}`;
    const current = (await this.store.get<string[]>(key))?.value ?? [];
    await this.store.set(key, [...current, text.slice(0, 1000)].slice(-KEEP), { ttlSeconds: TTL_SECONDS });
  }

  async read(conversationKey: string): Promise<string[]> {
    return (await this.store.get<string[]>(`recent:${conversationKey}`))?.value ?? [];
  }

  async forget(conversationKey: string): Promise<void> {
    await this.store.delete([`recent:${conversationKey}`]);
  }
}

/** Typed by the person, as opposed to a button's id ("menu:rights") or a command ("/menu"). */
export function isTypedText(text: string): boolean {
  return !/^\/[a-z]+/i.test(text) && !/^[a-z]+:[\w.:-]*$/i.test(text.trim());
}
