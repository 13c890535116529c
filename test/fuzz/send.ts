import { Agent, request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { signToken } from '../../src/channels/directline-token.js';
import { TEST_SECRET } from '../support/server.js';
import type { StaffClient } from '../console/support.js';
import type { Body } from './generators.js';
import type { FuzzInput } from './inputs.js';

/** What the symbolic parts of an input point to. */
export interface Fixtures {
  baseUrl: string;
  webhookSecret: string;
  /** Direct Line conversations opened for the fuzzing, with a valid token each. */
  conversations: Array<{ id: string; token: string }>;
  /** Keys of handoff cases opened for the fuzzing. */
  cases: string[];
  staff: Record<'cw' | 'sup' | 'ed', StaffClient>;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const TIMEOUT_MS = 30_000;

/** The request an input describes, with tokens, sessions and ids filled in. */
export function resolve(input: FuzzInput, f: Fixtures): { url: string; method: string; headers: Record<string, string>; body?: Buffer } {
  let pathConversation: number | undefined;
  let path = input.path.replace(/\{(conv|case):(\d+)\}/g, (_, kind: string, index: string) => {
    const i = Number(index);
    if (kind === 'conv') {
      pathConversation ??= i;
      return f.conversations[i % f.conversations.length]!.id;
    }
    return encodeURIComponent(f.cases[i % f.cases.length]!);
  });
  const headers: Record<string, string> = { ...input.headers };
  const auth = input.auth;

  if (auth.kind === 'directline') {
    const n = f.conversations.length;
    const own = f.conversations[(pathConversation ?? auth.conv) % n]!;
    const token = {
      none: undefined,
      valid: own.token,
      other: f.conversations[((pathConversation ?? auth.conv) + 1) % n]!.token,
      expired: signToken(TEST_SECRET, { conversationId: own.id, expiresAt: Math.floor(Date.now() / 1000) - 5 }),
      tampered: `${own.token.slice(0, -2)}${own.token.endsWith('AA') ? 'BB' : 'AA'}`,
      garbage: auth.garbage,
    }[auth.token];
    if (token !== undefined) {
      if (auth.where !== 'query') headers.authorization = `${auth.scheme}${token}`.trim() || 'Bearer';
      if (auth.where !== 'header') path += `${path.includes('?') ? '&' : '?'}t=${encodeURIComponent(token)}`;
    }
  } else if (auth.kind === 'telegram') {
    if (auth.secret === 'right') headers['x-telegram-bot-api-secret-token'] = f.webhookSecret;
    else if (auth.secret === 'wrong') headers['x-telegram-bot-api-secret-token'] = auth.wrong === f.webhookSecret ? `${auth.wrong}x` : auth.wrong;
  } else if (auth.kind === 'console') {
    const staff = auth.staff === 'none' || auth.staff === 'garbage' ? undefined : f.staff[auth.staff];
    if (staff) headers.cookie = staff.cookie;
    else if (auth.staff === 'garbage') headers.cookie = `mhb_session=${auth.garbage}; other=1`;
    let csrf = { right: staff?.csrf, none: undefined, wrong: auth.garbage || 'wrong', other: (staff === f.staff.cw ? f.staff.sup : f.staff.cw).csrf }[auth.csrf];
    // The fuzz sessions must live on: signing out is tried only without the right token.
    if (input.method === 'DELETE' && /\/session$/.test(input.path) && csrf === staff?.csrf) csrf = 'wrong';
    if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  }

  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  const canHaveBody = input.method !== 'GET' && input.method !== 'HEAD';
  return { url: `${f.baseUrl}${path}`, method: input.method, headers, body: canHaveBody ? bodyBytes(input.body) : undefined };
}

function bodyBytes(body: Body): Buffer | undefined {
  if (body.kind === 'none') return undefined;
  // A Buffer, so that fetch adds no content type of its own.
  return Buffer.from(body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : body.text);
}

/** Kept-alive connections: undici's fetch costs more than the server under test. */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** Sends one input over real HTTP (or a WebSocket upgrade for the stream route). */
export async function send(input: FuzzInput, f: Fixtures): Promise<Answer> {
  const request = resolve(input, f);
  if (input.transport === 'ws') return upgrade(request.url, request.headers);
  const headers = request.body ? { ...request.headers, 'content-length': String(request.body.length) } : request.headers;
  return new Promise((resolve, reject) => {
    const sent = httpRequest(request.url, { method: request.method, headers, agent, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    sent.on('error', reject);
    sent.end(request.body);
  });
}

/** A WebSocket upgrade: 101 when it opened (closed at once), else the refusal. */
function upgrade(url: string, headers: Record<string, string>): Promise<Answer> {
  const { 'content-type': _type, ...rest } = headers;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers: rest, handshakeTimeout: TIMEOUT_MS });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, contentType: '', text: '' });
    });
    socket.once('unexpected-response', (request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    socket.once('error', reject);
  });
}

/** What is wrong with an answer, or undefined. */
export function problemWith(input: FuzzInput, answer: Answer): string | undefined {
  const { status } = answer;
  if (status >= 500) return `answered ${status}: ${answer.text.slice(0, 300)}`;
  if (status === 0) return 'no status';
  if (status >= 400 && input.method !== 'HEAD') {
    if (!answer.contentType.startsWith('application/json')) return `answered ${status} with "${answer.contentType}", not a JSON error: ${answer.text.slice(0, 200)}`;
    let parsed: { error?: { code?: unknown; message?: unknown } };
    try {
      parsed = JSON.parse(answer.text) as typeof parsed;
    } catch {
      return `answered ${status} with a body that is not JSON: ${answer.text.slice(0, 200)}`;
    }
    if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string' || !parsed.error.message) {
      return `answered ${status} without { error: { code, message } }: ${answer.text.slice(0, 200)}`;
    }
  }
  if (status < 400 && input.method !== 'HEAD' && answer.contentType.startsWith('application/json')) {
    try {
      JSON.parse(answer.text);
    } catch {
      return `answered ${status} with broken JSON`;
    }
  }
  const auth = input.auth;
  const ok = status < 400;
  // What is checked before anything else (a token, the webhook's secret) is checked on the route's
  // own method and a URL the router can read; Node refuses oversized headers before any of it.
  const routeMethod = input.endpoint.split(' ')[0];
  const onRoute =
    (input.method === routeMethod || (input.method === 'HEAD' && routeMethod === 'GET')) &&
    // A made-up conversation id may name no route at all ("..", "%zz"), whose body is read for the 404.
    !/\/conversations\/(?!\{conv:\d+\})/.test(input.path) &&
    !/"the URL is not valid"/.test(answer.text) &&
    status !== 431;
  if (!onRoute) return undefined;
  if (auth.kind === 'directline' && input.endpoint !== 'POST /v3/directline/tokens/generate') {
    const invalid = auth.token !== 'valid' && auth.token !== 'other';
    const conversationRoute = input.endpoint.includes(':id');
    // A token is always checked, and before anything else is looked at.
    if (invalid && ![401, 403, 404, 429].includes(status)) return `a request without a valid token was answered ${status}`;
    if (auth.token === 'other' && conversationRoute && ok) return `a token for another conversation was accepted (${status})`;
  }
  if (auth.kind === 'telegram' && auth.secret !== 'right' && input.method === 'POST' && status !== 401) {
    return `a webhook call without the secret was answered ${status}, not 401`;
  }
  if (auth.kind === 'console' && (auth.staff === 'none' || auth.staff === 'garbage') && ok) {
    return `a console call without a session was answered ${status}`;
  }
  return undefined;
}

/** The input as a line of JSON, long strings cut, for failure reports. */
export function describeInput(input: unknown): string {
  return JSON.stringify(input, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 160 ? `${value.slice(0, 160)}…(${value.length} chars)` : value,
  );
}
