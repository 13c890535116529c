import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { hashPassword, writeAccounts, type StaffAccount } from '../../src/console/accounts.js';
import type { Role } from '../../src/console/permissions.js';

export const PASSWORD = 'correct horse battery staple';

let hashed: Promise<string> | undefined;

/** A staff file in a new temporary folder, made with the accounts module; every account has PASSWORD. */
export async function staffFile(accounts: Array<{ username: string; roles: Role[]; name?: string; maxChats?: number }>): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'mhb-staff-')), 'staff.json');
  // One hash for all: scrypt is slow on purpose, and tests need no distinct salts.
  hashed ??= hashPassword(PASSWORD);
  const passwordHash = await hashed;
  await writeAccounts(
    file,
    accounts.map((a): StaffAccount => ({ username: a.username, name: a.name ?? a.username, roles: a.roles, passwordHash, ...(a.maxChats ? { maxChats: a.maxChats } : {}) })),
  );
  return file;
}

export interface Answer {
  status: number;
  json: any;
  headers: Headers;
}

/** A member of staff talking to the console API over real HTTP, as the page does. */
export class StaffClient {
  cookie = '';
  csrf = '';

  constructor(readonly baseUrl: string) {}

  static async signIn(baseUrl: string, username: string, password = PASSWORD): Promise<StaffClient> {
    const client = new StaffClient(baseUrl);
    const answer = await client.signIn(username, password);
    if (answer.status !== 200) throw new Error(`sign in ${username}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return client;
  }

  async signIn(username: string, password = PASSWORD): Promise<Answer> {
    const answer = await this.call('POST', '/session', { username, password });
    const cookie = answer.headers.get('set-cookie');
    if (answer.status === 200 && cookie) {
      this.cookie = cookie.split(';')[0]!;
      this.csrf = answer.json.csrfToken;
    }
    return answer;
  }

  async call(method: string, path: string, body?: unknown, options: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const response = await fetch(`${this.baseUrl}/console/api${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, json, headers: response.headers };
  }

  /** Opens the live socket; resolves with the socket, or rejects with the HTTP status of a refusal. */
  openSocket(options: { csrf?: string; origin?: string | null } = {}): Promise<WebSocket> {
    const url = new URL('/console/ws', this.baseUrl.replace(/^http/, 'ws'));
    url.searchParams.set('csrf', options.csrf ?? this.csrf);
    const origin = options.origin === undefined ? this.baseUrl : options.origin;
    const socket = new WebSocket(url, { headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(origin ? { origin } : {}) } });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`refused ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }
}
