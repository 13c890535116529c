import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { CONTENT_SECURITY_POLICY } from '../src/web-page.js';
import { PASSWORD, StaffClient, staffFile } from './console/support.js';
import { startTestServer } from './support/server.js';

/**
 * The headers of every kind of answer: the pages (web chat, console), their scripts, the APIs, and
 * the errors, down to those the router and Node answer before any route (a URL it cannot read,
 * headers too large). The console page's markup and the sign-in cookie are checked in
 * test/console/auth.test.ts; the page's requests in a browser in test/e2e/web-page.test.ts.
 */

/** No inline script or style, nothing from another origin, no framing. */
function expectStrict(policy: string | null): void {
  expect(policy).toBe(CONTENT_SECURITY_POLICY);
  const directives = new Map(policy!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  expect(directives.get('default-src')).toEqual(["'none'"]);
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  for (const values of directives.values()) {
    for (const value of values) expect(["'self'", "'none'", 'data:'], `"${value}" in ${policy}`).toContain(value);
  }
}

describe('security headers', () => {
  let app: App;

  beforeAll(async () => {
    app = await startTestServer({ STAFF_FILE: await staffFile([{ username: 'cw', roles: ['caseworker'] }]) });
  });
  afterAll(async () => {
    await app?.close();
  });

  const answers: Array<{ label: string; method?: string; path: string; body?: string; status: number }> = [
    { label: 'the web chat page', path: '/', status: 200 },
    { label: 'its script', path: '/app.js', status: 200 },
    { label: 'the console page', path: '/console', status: 200 },
    { label: 'its script', path: '/console/console.js', status: 200 },
    { label: 'a Direct Line answer', method: 'POST', path: '/v3/directline/tokens/generate', status: 200 },
    { label: 'a Direct Line refusal', path: '/v3/directline/conversations/abcdefghijkl/activities', status: 401 },
    { label: 'a console API answer', method: 'POST', path: '/console/api/session', body: JSON.stringify({ username: 'cw', password: PASSWORD }), status: 200 },
    { label: 'a console API refusal', path: '/console/api/me', status: 401 },
    { label: 'a body that is not JSON', method: 'POST', path: '/console/api/session', body: '{"username":', status: 400 },
    { label: 'the health check', path: '/healthz', status: 200 },
    { label: 'an unknown path', path: '/wp-admin', status: 404 },
    { label: 'a URL the router cannot read', path: '/v3/directline/conversations/%E0%A4%A/activities', status: 400 },
  ];

  it.each(answers)('sends a strict CSP, nosniff and no-referrer with $label ($status)', async ({ method, path, body, status }) => {
    const response = await fetch(`${app.url}${path}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    expect(response.status).toBe(status);
    expectStrict(response.headers.get('content-security-policy'));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    if (status >= 400) expect(await response.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('sends them with the answer Node gives to headers too large, in the same JSON shape', async () => {
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const sent = request(`${app.url}/v3/directline/tokens/generate?pad=${'x'.repeat(20_000)}`, { method: 'POST' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      });
      sent.on('error', reject);
      sent.end();
    });
    expect(answer.status).toBe(431);
    expectStrict(answer.headers['content-security-policy'] as string);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'RequestHeaderFieldsTooLarge', message: expect.any(String) } });
  });

  it('serves the web chat page with no inline script or style and nothing from another origin', async () => {
    const html = await (await fetch(app.url)).text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    // Scripts, styles, images and frames come from this server only.
    expect(html).not.toMatch(/<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)=["']?(https?:)?\/\//i);
  });

  it('clears the session cookie on sign-out with the same flags: HttpOnly, SameSite, and Secure behind TLS', async () => {
    const tls = { 'x-forwarded-proto': 'https' };
    const client = new StaffClient(app.url);
    const signedIn = await client.call('POST', '/session', { username: 'cw', password: PASSWORD }, { headers: tls });
    client.cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    client.csrf = signedIn.json.csrfToken;
    const signedOut = await client.call('DELETE', '/session', undefined, { headers: tls });
    expect(signedOut.status).toBe(204);
    const cookie = signedOut.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mhb_session=; /);
    expect(cookie).toContain('Max-Age=0');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('; Secure');
  });
});
