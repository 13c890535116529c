import { createHmac } from 'node:crypto';

/**
 * Channel user and chat ids never reach storage keys or logs: they are replaced by a keyed hash.
 * The key is the deployment's SECRET_KEY, so the hash cannot be reversed by guessing ids, and it is
 * the same on every instance so a person keeps one identity across them.
 */
export function createPseudonymizer(secretKey: string): (channel: string, rawId: string) => string {
  return (channel, rawId) =>
    createHmac('sha256', secretKey).update(`${channel}\u0000${rawId}`).digest('base64url').slice(0, 22);
}

export type Pseudonymizer = ReturnType<typeof createPseudonymizer>;
