import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { securityHeaders } from '../web-page.js';

/**
 * The console page, built by `npm run build:web` into dist/web, under the web chat's strict
 * Content-Security-Policy (no inline script or style, nothing from another origin). Revalidated on
 * every load, so that staff get a new version as soon as it is deployed.
 */
const FILES = [
  { routes: ['/console', '/console/'], file: 'console.html', type: 'text/html; charset=utf-8' },
  { routes: ['/console/console.js'], file: 'console.js', type: 'text/javascript; charset=utf-8' },
  { routes: ['/console/console.css'], file: 'console.css', type: 'text/css; charset=utf-8' },
];

export function registerConsolePage(app: FastifyInstance, webDir: string): void {
  for (const { routes, file, type } of FILES) {
    const body = readFileSync(join(webDir, file));
    for (const route of routes) {
      app.get(route, (_request, reply) =>
        securityHeaders(reply).header('content-type', type).header('cache-control', 'no-cache').send(body),
      );
    }
  }
}
