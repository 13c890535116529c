import type { Store } from '../store/store.js';
import type { HandoffService } from '../handoff/handoff-service.js';

/** Set in the turn state by the privacy flow; the bot forgets the person when the turn is over. */
export const FORGET_REQUESTED = Symbol('forgetRequested');

/** Logs that a channel keeps to deliver messages: emptied, not deleted, so delivery numbering goes on. */
const DELIVERY_LOG = /^dl:log:/;
/** The web chat's record that the conversation exists (its creation day only): kept so the open page still works. */
const KEPT = /^dl:conv:/;

/**
 * Removes everything kept about a person: every key that holds their conversation id or their
 * pseudonymous user id (state, kept self-check, recent messages, queue entry, transcript, the web
 * chat's message log, the channel's conversation reference), on every instance since they share
 * the store. An active chat with a caseworker is ended first, so the console is told.
 */
export async function forgetPerson(store: Store, handoff: HandoffService, ids: { conversationKey: string; userKey: string }): Promise<number> {
  await handoff.forget(ids.conversationKey);
  const found = [...(await store.keysContaining(ids.conversationKey)), ...(await store.keysContaining(ids.userKey))];
  const keys = new Set(found.filter((k) => !KEPT.test(k)));
  const logs = [...keys].filter((k) => DELIVERY_LOG.test(k));
  await store.delete([...keys].filter((k) => !DELIVERY_LOG.test(k)));
  for (const log of logs) await store.clearLog(log);
  return keys.size;
}
