import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { hashPassword, readAccounts, updateAccounts, verifyPassword } from '../../src/console/accounts.js';
import { LOGIN_LIMITS } from '../../src/console/session.js';
import { CONTENT_SECURITY_POLICY } from '../../src/web-page.js';
import { runCli } from '../support/cli.js';
import { startTestServer } from '../support/server.js';
import { PASSWORD, StaffClient, staffFile } from './support.js';

const KEY = 'conversation-that-does-not-exist';

type Need = 'signed-in' | 'work' | 'supervise' | 'edit';
interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The route as the server declares it, where the path fills in more than the case key. */
  route?: string;
  body?: unknown;
  need: Need;
}

/** A whole topic edit from a stale version: an editor gets 409 and nothing changes. */
const TOPIC_EDIT = { version: 'stale', sourceHash: 'stale', title: 'Title', questions: ['q'], keywords: ['k'], sources: ['s'], reviewed: false, body: 'b' };

/** Every staff endpoint but sign-in; the last test checks that none is missing from this list. */
const ENDPOINTS: Endpoint[] = [
  { method: 'DELETE', path: '/session', need: 'signed-in' },
  { method: 'GET', path: '/me', need: 'signed-in' },
  { method: 'PUT', path: '/me/chat-limit', body: { limit: 1 }, need: 'work' },
  { method: 'GET', path: '/cases', need: 'work' },
  { method: 'GET', path: '/staff', need: 'work' },
  { method: 'GET', path: '/services', need: 'work' },
  { method: 'GET', path: `/cases/${KEY}`, need: 'work' },
  { method: 'GET', path: `/cases/${KEY}/canned`, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/claim`, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/messages`, body: { text: 'hello' }, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/topic-answers`, body: { topicId: 'rights.work' }, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/typing`, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/notes`, body: { text: 'a note' }, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/referrals`, body: { country: 'IT', kind: 'emergency', organisation: 'x' }, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/transfer`, body: { to: null, note: '' }, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/hand-back`, need: 'work' },
  { method: 'POST', path: `/cases/${KEY}/close`, need: 'work' },
  { method: 'GET', path: '/audit', need: 'supervise' },
  // The evidence dashboard (stats.read): the same roles as supervising.
  { method: 'GET', path: '/stats', need: 'supervise' },
  { method: 'GET', path: '/stats/csv', need: 'supervise' },
  { method: 'GET', path: '/content/matrix', need: 'edit' },
  { method: 'GET', path: '/content/topics/rights.work/fr', route: '/content/topics/:id/:lang', need: 'edit' },
  { method: 'PUT', path: '/content/topics/rights.work/fr', route: '/content/topics/:id/:lang', body: TOPIC_EDIT, need: 'edit' },
  { method: 'GET', path: '/content/services/IT', route: '/content/services/:country', need: 'edit' },
  { method: 'PUT', path: '/content/services/IT', route: '/content/services/:country', body: { version: 'stale', services: [] }, need: 'edit' },
  { method: 'GET', path: '/content/history', need: 'edit' },
  { method: 'GET', path: '/content/export', need: 'edit' },
];
const changing = ENDPOINTS.filter((e) => e.method !== 'GET');
const label = (e: Endpoint) => `${e.method} ${e.path}`;

const ACCOUNTS = [
  { username: 'cw', roles: ['caseworker' as const], name: 'Amina' },
  { username: 'cw2', roles: ['caseworker' as const] },
  { username: 'sup', roles: ['supervisor' as const] },
  { username: 'ed', roles: ['editor' as const] },
  { username: 'adm', roles: ['admin' as const] },
];

describe('staff console access', () => {
  let app: App;
  let file: string;
  const as: Record<string, StaffClient> = {};

  beforeAll(async () => {
    file = await staffFile([...ACCOUNTS, { username: 'temp', roles: ['caseworker'] }, { username: 'locked', roles: ['caseworker'] }]);
    app = await startTestServer({ STAFF_FILE: file });
    for (const { username } of ACCOUNTS) as[username] = await StaffClient.signIn(app.url, username);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(ENDPOINTS)('refuses $method $path without a session (401)', async (endpoint) => {
    const anonymous = new StaffClient(app.url);
    const answer = await anonymous.call(endpoint.method, endpoint.path, endpoint.body, { csrf: 'anything' });
    expect(answer.status, label(endpoint)).toBe(401);
  });

  it.each(ENDPOINTS.filter((e) => e.method !== 'GET' && e.path !== '/session'))(
    'refuses $method $path without a session (401) before judging its body, however broken',
    async (endpoint) => {
      const anonymous = new StaffClient(app.url);
      for (const [body, contentType] of [['{"broken": ', 'application/json'], ['<x/>', 'text/xml']]) {
        const answer = await anonymous.call(endpoint.method, endpoint.path, body, { csrf: 'anything', headers: { 'content-type': contentType! } });
        expect(answer.status, `${label(endpoint)} with ${contentType}`).toBe(401);
      }
    },
  );

  it.each(ENDPOINTS.filter((e) => e.need === 'work' || e.need === 'supervise'))('refuses $method $path to an editor (403)', async (endpoint) => {
    const answer = await as.ed!.call(endpoint.method, endpoint.path, endpoint.body);
    expect(answer.status, label(endpoint)).toBe(403);
  });

  it.each(ENDPOINTS.filter((e) => e.need === 'edit'))('refuses $method $path to a caseworker and a supervisor (403), allows an editor and an admin', async (endpoint) => {
    expect((await as.cw!.call(endpoint.method, endpoint.path, endpoint.body)).status).toBe(403);
    expect((await as.sup!.call(endpoint.method, endpoint.path, endpoint.body)).status).toBe(403);
    for (const allowed of [as.ed!, as.adm!]) expect((await allowed.call(endpoint.method, endpoint.path, endpoint.body)).status).toBeOneOf([200, 409]);
  });

  it.each(ENDPOINTS.filter((e) => e.need === 'supervise'))('refuses $method $path to a caseworker (403), allows a supervisor and an admin', async (endpoint) => {
    expect((await as.cw!.call(endpoint.method, endpoint.path, endpoint.body)).status).toBe(403);
    expect((await as.sup!.call(endpoint.method, endpoint.path, endpoint.body)).status).toBe(200);
    expect((await as.adm!.call(endpoint.method, endpoint.path, endpoint.body)).status).toBe(200);
  });

  it.each(changing)('refuses $method $path without the CSRF token, or with a wrong one (403)', async (endpoint) => {
    expect((await as.sup!.call(endpoint.method, endpoint.path, endpoint.body, { csrf: null })).status, label(endpoint)).toBe(403);
    expect((await as.sup!.call(endpoint.method, endpoint.path, endpoint.body, { csrf: `${as.sup!.csrf}x` })).status, label(endpoint)).toBe(403);
    // The other session's token is no good either.
    expect((await as.sup!.call(endpoint.method, endpoint.path, endpoint.body, { csrf: as.adm!.csrf })).status, label(endpoint)).toBe(403);
  });

  it('refuses a change sent from another site even with the right token', async () => {
    const answer = await as.cw!.call('PUT', '/me/chat-limit', { limit: 1 }, { headers: { origin: 'https://evil.example' } });
    expect(answer.status).toBe(403);
    expect((await as.cw!.call('PUT', '/me/chat-limit', { limit: 1 }, { headers: { origin: app.url } })).status).toBe(200);
  });

  it('lists exactly the routes the server has under /console/api', () => {
    const pattern = (e: Endpoint) => e.route ?? e.path.replace(KEY, ':key');
    const tested = new Set([...ENDPOINTS.map((e) => `${e.method} /console/api${pattern(e)}`), 'POST /console/api/session']);
    const served = new Set<string>();
    let prefix: string[] = [];
    // printRoutes draws a tree; each line holds one path segment and the methods served there.
    for (const line of app.server.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^([│ ]*)(?:[└├]── )(\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
      if (!match) continue;
      const depth = match[1]!.length / 4;
      prefix = [...prefix.slice(0, depth), match[2]!];
      const path = prefix.join('');
      if (!path.startsWith('/console/api') || !match[3]) continue;
      for (const method of match[3].split(', ')) if (method !== 'HEAD') served.add(`${method} ${path}`);
    }
    expect([...served].sort()).toEqual([...tested].sort());
  });

  it('answers 400 on bad input and 413 on a body over the size limit', async () => {
    expect((await as.cw!.call('PUT', '/me/chat-limit', { limit: 0 })).status).toBe(400);
    expect((await as.cw!.call('PUT', '/me/chat-limit', { limit: 99 })).status).toBe(400);
    expect((await as.cw!.call('PUT', '/me/chat-limit', 'not json')).status).toBe(400);
    expect((await as.cw!.call('POST', `/cases/${KEY}/messages`, { text: '' })).status).toBe(400);
    expect((await as.cw!.call('POST', `/cases/${KEY}/messages`, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await as.cw!.call('POST', `/cases/${KEY}/messages`, { text: 'x'.repeat(20_000) })).status).toBe(413);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, on /console, and Secure behind TLS', async () => {
    const plain = new StaffClient(app.url);
    const cookie = (await plain.signIn('cw2')).headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mhb_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    expect(cookie).not.toContain('Secure');
    const behindTls = await new StaffClient(app.url).call('POST', '/session', { username: 'cw2', password: PASSWORD }, { headers: { 'x-forwarded-proto': 'https' } });
    expect(behindTls.headers.get('set-cookie')).toContain('; Secure');
    // The id in the cookie is not what the store keeps.
    const id = cookie.split(';')[0]!.split('=')[1]!;
    expect((await app.store.keys('session:')).some((key) => key.includes(id))).toBe(false);
  });

  it('refuses a wrong password and an unknown name alike, and audits the attempt', async () => {
    const wrong = await new StaffClient(app.url).signIn('cw2', 'not the password at all');
    const unknown = await new StaffClient(app.url).signIn('nobody', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const audit = await as.sup!.call('GET', '/audit');
    expect(audit.json.entries).toContainEqual(expect.objectContaining({ actor: 'cw2', action: 'sign_in_failed' }));
  });

  it('limits sign-in attempts per username', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.perUsername; i++) statuses.push((await new StaffClient(app.url).signIn('locked', 'wrong password guess')).status);
    expect(statuses).toEqual([...Array<number>(LOGIN_LIMITS.perUsername).fill(401), 429]);
    // Even the right password waits out the window now.
    expect((await new StaffClient(app.url).signIn('locked')).status).toBe(429);
  });

  it('serves the console page under the strict Content-Security-Policy, with no inline script or style', async () => {
    const response = await fetch(`${app.url}/console`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/console/console.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const asset of ['/console/console.js', '/console/console.css']) expect((await fetch(`${app.url}${asset}`)).status).toBe(200);
  });

  it('signs out: the session no longer works', async () => {
    const client = await StaffClient.signIn(app.url, 'cw2');
    expect((await client.call('DELETE', '/session')).status).toBe(204);
    expect((await client.call('GET', '/me')).status).toBe(401);
  });

  it('applies an admin change to the accounts file at once: a lowered role, a new password, a removed account', async () => {
    const client = await StaffClient.signIn(app.url, 'temp');
    expect((await client.call('GET', '/cases')).status).toBe(200);
    await updateAccounts(file, (accounts) => accounts.map((a) => (a.username === 'temp' ? { ...a, roles: ['editor'] } : a)));
    expect((await client.call('GET', '/cases')).status).toBe(403);
    expect((await client.call('GET', '/me')).json.roles).toEqual(['editor']);

    const passwordHash = await hashPassword('a different password');
    await updateAccounts(file, (accounts) => accounts.map((a) => (a.username === 'temp' ? { ...a, passwordHash } : a)));
    expect((await client.call('GET', '/me')).status).toBe(401);

    const again = await StaffClient.signIn(app.url, 'cw2');
    await updateAccounts(file, (accounts) => accounts.filter((a) => a.username !== 'cw2'));
    expect((await again.call('GET', '/me')).status).toBe(401);
    expect((await new StaffClient(app.url).signIn('cw2')).status).toBe(401);
  });

  it('keeps no password in the accounts file, only salted scrypt hashes', async () => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    for (const account of await readAccounts(file)) expect(account.passwordHash).toMatch(/^scrypt\$32768\$8\$3\$[\w-]{22}\$[\w-]{43}$/);
  });

  it('writes every view of a conversation to the audit log', async () => {
    await app.handoff.request({ conversationKey: 'audited', channel: 'directline', language: 'en', urgent: false, shared: {}, reference: {} });
    expect((await as.cw!.call('GET', '/cases/audited')).status).toBe(200);
    const { entries } = (await as.sup!.call('GET', '/audit?conversationKey=audited')).json;
    expect(entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual(['cw viewed', 'person requested']);
  });

  describe('the live socket', () => {
    it('is refused without a session, without the CSRF token, from another origin, and to an editor', async () => {
      await expect(new StaffClient(app.url).openSocket()).rejects.toThrow('refused 401');
      await expect(as.cw!.openSocket({ csrf: 'wrong' })).rejects.toThrow('refused 403');
      await expect(as.cw!.openSocket({ origin: 'https://evil.example' })).rejects.toThrow('refused 403');
      await expect(as.cw!.openSocket({ origin: null })).rejects.toThrow('refused 403');
      await expect(as.ed!.openSocket()).rejects.toThrow('refused 403');
    });

    it('pushes queue changes, marks the caseworker online, and closes once the account is removed', async () => {
      await updateAccounts(file, async (accounts) => [...accounts, { ...accounts.find((a) => a.username === 'cw')!, username: 'leaving' }]);
      const leaving = await StaffClient.signIn(app.url, 'leaving');
      const socket = await leaving.openSocket();
      const received: string[] = [];
      socket.on('message', (data) => received.push(String(data)));
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      await expect.poll(() => app.handoff.onlineStaff()).toContain('leaving');

      await app.handoff.request({ conversationKey: 'socket-test', channel: 'directline', language: 'en', urgent: false, shared: {}, reference: {} });
      await expect.poll(() => received).toContain(JSON.stringify({ type: 'queue' }));

      await updateAccounts(file, (accounts) => accounts.filter((a) => a.username !== 'leaving'));
      socket.send(JSON.stringify({ type: 'heartbeat' }));
      expect(await closed).toBe(4401);
      await expect.poll(() => app.handoff.onlineStaff()).not.toContain('leaving');
    });
  });
});

describe('staff sessions', () => {
  it('expire after SESSION_TTL_SECONDS', async () => {
    const app = await startTestServer({ STAFF_FILE: await staffFile([{ username: 'cw', roles: ['caseworker'] }]), SESSION_TTL_SECONDS: '1' });
    try {
      const client = await StaffClient.signIn(app.url, 'cw');
      expect((await client.call('GET', '/me')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect((await client.call('GET', '/me')).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('npm run staff', () => {
  const staff = (file: string, args: string[], stdin?: string) =>
    runCli('src/cli/staff.ts', args, { env: { ...process.env, REDIS_URL: undefined, SECRET_KEY: undefined, STAFF_FILE: file, NODE_ENV: 'test' }, stdin });

  it('refuses a password given on the command line', async () => {
    const file = join(dirname(await staffFile([])), 'argv.json');
    for (const args of [['--password', 'a long enough password'], ['--password=a long enough password'], ['-p', 'a long enough password']]) {
      const run = await staff(file, ['add', 'amina', '--role', 'caseworker', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/never taken from the command line/);
    }
    expect(existsSync(file)).toBe(false);
  });

  it('creates an account with the password from stdin, lists it without the hash, changes its role and removes it', async () => {
    const file = join(dirname(await staffFile([])), 'cli.json');
    const added = await staff(file, ['add', 'amina', '--role', 'caseworker', '--name', 'Amina', '--max-chats', '3'], 'my long secret phrase\n');
    expect(added.code, added.stderr).toBe(0);
    const [account] = await readAccounts(file);
    expect(account).toMatchObject({ username: 'amina', name: 'Amina', roles: ['caseworker'], maxChats: 3 });
    expect(await verifyPassword('my long secret phrase', account!.passwordHash)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('my long secret phrase');

    expect((await staff(file, ['add', 'amina', '--role', 'caseworker'], 'another long password\n')).code).toBe(1);
    expect((await staff(file, ['add', 'short', '--role', 'caseworker'], 'short\n')).code).toBe(2);
    expect((await staff(file, ['add', 'norole'], 'a long enough password\n')).code).toBe(2);
    expect((await staff(file, ['add', 'boss', '--role', 'king'], 'a long enough password\n')).code).toBe(2);

    expect((await staff(file, ['set-role', 'amina', '--role', 'supervisor', '--role', 'caseworker'])).code).toBe(0);
    const list = await staff(file, ['list']);
    expect(list.stdout).toContain('amina\tAmina\tsupervisor,caseworker');
    expect(list.stdout).not.toContain('scrypt');

    expect((await staff(file, ['remove', 'amina'])).code).toBe(0);
    expect(await readAccounts(file)).toEqual([]);
    expect((await staff(file, ['remove', 'amina'])).code).toBe(1);
  });
});
