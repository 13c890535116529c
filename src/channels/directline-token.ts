import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Direct Line tokens are signed, not stored: any instance that shares SECRET_KEY can check one,
 * so a client may reconnect to whichever instance the load balancer picks.
 */
export interface TokenClaims {
  /** Conversation id the token is bound to. */
  conversationId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

const PREFIX = 'dl1';

export function signToken(secret: string, claims: TokenClaims): string {
  const payload = Buffer.from(JSON.stringify({ c: claims.conversationId, e: claims.expiresAt })).toString('base64url');
  return `${PREFIX}.${payload}.${mac(secret, payload)}`;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyToken(secret: string, token: string, now = Date.now()): TokenCheck {
  const [prefix, payload, signature] = token.split('.');
  if (prefix !== PREFIX || !payload || !signature || token.length > 512) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  let parsed: { c?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof parsed.c !== 'string' || typeof parsed.e !== 'number') return { ok: false, reason: 'invalid' };
  if (parsed.e * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { conversationId: parsed.c, expiresAt: parsed.e } };
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`directline\u0000${payload}`).digest('base64url');
}
