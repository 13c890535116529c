import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { HttpError } from '../errors.js';
import { countRequest } from '../rate-limit.js';
import type { Store } from '../store/store.js';
import { hashStamp, verifyNothing, verifyPassword, type StaffAccount, type StaffDirectory } from './accounts.js';
import { can, type Permission, type Role } from './permissions.js';

/**
 * Staff sessions. The session id lives only in an HttpOnly cookie scoped to /console; the store
 * keeps its hash, so a copy of the store does not hold usable sessions. Every request and socket
 * message looks the account up again: removing an account, lowering a role or changing a password
 * applies at once. State-changing requests need the session's CSRF token in a header, which a
 * page on another site cannot read.
 */

export const SESSION_COOKIE = 'mhb_session';
export const CSRF_HEADER = 'x-csrf-token';
const COOKIE_PATH = '/console';

/** Sign-in attempts allowed per window, per username and per address, before 429. */
export const LOGIN_LIMITS = { windowSeconds: 15 * 60, perUsername: 10, perAddress: 50 };

/** A signed-in member of staff, as the accounts file says now. */
export interface Staff {
  username: string;
  name: string;
  roles: Role[];
  /** The most chats this person may hold: their account's limit within HANDOFF_MAX_CHATS. */
  maxChats: number;
  sessionId: string;
  csrfToken: string;
}

interface SessionRecord {
  username: string;
  csrf: string;
  /** Fingerprint of the password hash at sign-in. */
  stamp: string;
}

export interface SessionOptions {
  config: Config;
  store: Store;
  staff: StaffDirectory;
  audit: (actor: string, action: string) => Promise<void>;
}

export class ConsoleSessions {
  /** Who a request was found to come from by requireSession, for the rest of that request. */
  readonly #signedIn = new WeakMap<FastifyRequest, Staff>();

  constructor(private readonly options: SessionOptions) {}

  /** Checks the password (rate-limited), opens a session and sets its cookie. */
  async login(request: FastifyRequest, reply: FastifyReply, username: string, password: string): Promise<Staff> {
    this.checkOrigin(request, false);
    await this.limitAttempts(username, request.ip);
    const account = await this.options.staff.find(username);
    const valid = account ? await verifyPassword(password, account.passwordHash) : await verifyNothing(password);
    if (!account || !valid) {
      await this.options.audit(username, 'sign_in_failed');
      throw new HttpError('UNAUTHORIZED', 'wrong username or password');
    }
    const sessionId = randomBytes(32).toString('base64url');
    const record: SessionRecord = { username, csrf: randomBytes(32).toString('base64url'), stamp: hashStamp(account) };
    await this.options.store.set(sessionKey(sessionId), record, { ttlSeconds: this.options.config.console.sessionTtlSeconds, ifEtag: null });
    reply.header('set-cookie', this.cookie(request, sessionId, this.options.config.console.sessionTtlSeconds));
    await this.options.audit(username, 'signed_in');
    return this.staffOf(account, sessionId, record.csrf);
  }

  async logout(request: FastifyRequest, reply: FastifyReply, staff: Staff): Promise<void> {
    await this.options.store.delete([sessionKey(staff.sessionId)]);
    reply.header('set-cookie', this.cookie(request, '', 0));
    await this.options.audit(staff.username, 'signed_out');
  }

  /**
   * The staff member behind a request: 401 without a valid session, 403 without the CSRF token on
   * a state-changing request, or without the permission.
   */
  async authorize(request: FastifyRequest, permission?: Permission): Promise<Staff> {
    const staff = this.#signedIn.get(request) ?? (await this.authenticate(request));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      this.checkOrigin(request, false);
      checkCsrf(staff, request.headers[CSRF_HEADER]);
    }
    return requirePermission(staff, permission);
  }

  /**
   * For the WebSocket upgrade, which a browser sends with the cookie from any site: the Origin must
   * be this server and the CSRF token is passed in the query, since a socket has no custom headers.
   */
  async authorizeSocket(request: FastifyRequest, permission: Permission): Promise<Staff> {
    const staff = await this.authenticate(request);
    this.checkOrigin(request, true);
    checkCsrf(staff, (request.query as { csrf?: unknown }).csrf);
    return requirePermission(staff, permission);
  }

  /** Looks a session up again (for every socket message): undefined once it ended or lost the permission. */
  async recheck(sessionId: string, permission: Permission): Promise<Staff | undefined> {
    const staff = await this.resolve(sessionId);
    return staff && can(staff.roles, permission) ? staff : undefined;
  }

  /**
   * 401 unless the request comes with a valid session; run before its body is read, so that nobody
   * signed out learns anything from how a body is judged. `authorize` then reuses what it found.
   */
  async requireSession(request: FastifyRequest): Promise<void> {
    this.#signedIn.set(request, await this.authenticate(request));
  }

  private async authenticate(request: FastifyRequest): Promise<Staff> {
    const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
    const staff = sessionId ? await this.resolve(sessionId) : undefined;
    if (!staff) throw new HttpError('UNAUTHORIZED', 'please sign in');
    return staff;
  }

  private async resolve(sessionId: string): Promise<Staff | undefined> {
    const record = (await this.options.store.get<SessionRecord>(sessionKey(sessionId)))?.value;
    if (!record) return undefined;
    const account = await this.options.staff.find(record.username);
    if (!account || hashStamp(account) !== record.stamp) return undefined;
    return this.staffOf(account, sessionId, record.csrf);
  }

  private staffOf(account: StaffAccount, sessionId: string, csrfToken: string): Staff {
    const ceiling = this.options.config.handoff.maxChats;
    return {
      username: account.username,
      name: account.name,
      roles: account.roles,
      maxChats: Math.min(account.maxChats ?? ceiling, ceiling),
      sessionId,
      csrfToken,
    };
  }

  /** Counts every attempt, right or wrong, so that guessing in parallel gains nothing. */
  private async limitAttempts(username: string, address: string): Promise<void> {
    const { store, config } = this.options;
    const addressKey = createHmac('sha256', config.secretKey).update(address).digest('base64url').slice(0, 22);
    const [byName, byAddress] = await Promise.all([
      countRequest(store, `console:signin:user:${username}`, LOGIN_LIMITS.windowSeconds),
      countRequest(store, `console:signin:addr:${addressKey}`, LOGIN_LIMITS.windowSeconds),
    ]);
    if (byName > LOGIN_LIMITS.perUsername || byAddress > LOGIN_LIMITS.perAddress) {
      throw new HttpError('TOO_MANY_REQUESTS', 'too many sign-in attempts; please wait 15 minutes');
    }
  }

  /**
   * A browser names the page that sent a request in Origin; it must be this server. Requests
   * without one (not from a browser page) are let through for REST, where the CSRF token decides.
   */
  private checkOrigin(request: FastifyRequest, required: boolean): void {
    const origin = request.headers.origin;
    if (!origin) {
      if (required) throw new HttpError('FORBIDDEN', 'the request must come from the console page');
      return;
    }
    const own = [`${request.protocol}://${request.host}`];
    if (this.options.config.publicUrl) own.push(new URL(this.options.config.publicUrl).origin);
    if (!own.includes(origin)) throw new HttpError('FORBIDDEN', 'the request must come from the console page');
  }

  private cookie(request: FastifyRequest, value: string, maxAge: number): string {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    return `${SESSION_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
  }
}

function sessionKey(sessionId: string): string {
  return `session:${createHash('sha256').update(sessionId).digest('base64url')}`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

function checkCsrf(staff: Staff, given: unknown): void {
  if (typeof given !== 'string' || !sameSecret(given, staff.csrfToken)) {
    throw new HttpError('FORBIDDEN', 'the CSRF token is missing or wrong; reload the console');
  }
}

function requirePermission(staff: Staff, permission: Permission | undefined): Staff {
  if (permission && !can(staff.roles, permission)) throw new HttpError('FORBIDDEN', 'your role does not allow this');
  return staff;
}

/** Constant-time comparison of two secrets of any length (their hashes have the same length). */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
