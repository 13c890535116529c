import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from './config.js';

/**
 * Serves the web chat page from `dist/web` (built by `npm run build:web`). Three small files, kept
 * in memory with their gzipped form, under a strict Content-Security-Policy: no inline script, no
 * other origin, so the page cannot leak to a third party.
 */
const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8', cache: 'no-cache' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8', cache: 'public, max-age=3600' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8', cache: 'public, max-age=3600' },
} as const;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every response, pages and API alike (see app.ts). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers(SECURITY_HEADERS);
}

export function registerWebChatPage(app: FastifyInstance, config: Config, webDir = 'dist/web'): void {
  const assets = Object.entries(FILES).map(([route, spec]) => {
    let body = readFileSync(join(webDir, spec.file), 'utf8');
    if (spec.file === 'index.html') body = body.replace('__QUICK_EXIT_URL__', escapeAttribute(config.quickExitUrl));
    const raw = Buffer.from(body);
    return { route, spec, raw, gzipped: gzipSync(raw, { level: 9 }) };
  });

  for (const asset of assets) {
    app.get(asset.route, (request: FastifyRequest, reply: FastifyReply) => {
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      securityHeaders(reply)
        .header('content-type', asset.spec.type)
        .header('cache-control', asset.spec.cache)
        .header('vary', 'accept-encoding');
      if (gzip) reply.header('content-encoding', 'gzip');
      return reply.send(gzip ? asset.gzipped : asset.raw);
    });
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
