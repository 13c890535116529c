import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The web chat's first-view weight (dist/web/size.json, written by scripts/build-web.mjs, gzip
 * level 9), beside Microsoft's botframework-webchat browser bundles measured from the package in
 * node_modules the same way (gzip level 9 of the file as shipped).
 */
export const BUDGET_BYTES = 20 * 1024;

export function measureWebWeight() {
  execFileSync(process.execPath, ['scripts/build-web.mjs'], { env: { ...process.env, QUIET_BUILD: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = JSON.parse(readFileSync('dist/web/size.json', 'utf8')) as { gzippedBytes: Record<string, number>; total: number };
  return {
    ours: {
      gzippedBytes: size.total,
      files: size.gzippedBytes,
      budgetBytes: BUDGET_BYTES,
      withinBudget: size.total <= BUDGET_BYTES,
      source: 'dist/web/size.json from scripts/build-web.mjs (index.html + app.js + app.css, gzip -9)',
    },
    microsoft: measureBotframeworkWebchat(),
  };
}

function measureBotframeworkWebchat() {
  // Looked up as a directory: the package's "exports" do not expose its package.json or dist files.
  const root = join(process.cwd(), 'node_modules', 'botframework-webchat');
  if (!existsSync(join(root, 'package.json'))) {
    return {
      installed: false,
      note: 'botframework-webchat is not in node_modules: run `npm install --save-dev botframework-webchat` to measure it',
    };
  }
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const measure = (file: string) => {
    const path = join(root, file);
    if (!existsSync(path)) return undefined;
    const raw = readFileSync(path);
    return { file: `node_modules/botframework-webchat/${file}`, bytes: raw.length, gzippedBytes: gzipSync(raw, { level: 9 }).length };
  };
  // dist/webchat.js is the full browser bundle Microsoft serves from its CDN
  // (cdn.botframework.com/botframework-webchat/latest/webchat.js); webchat-minimal.js leaves out
  // Adaptive Cards, Markdown and speech.
  const full = measure('dist/webchat.js');
  const minimal = measure('dist/webchat-minimal.js');
  return {
    installed: true,
    version,
    installedAs: 'devDependency (only to measure this bundle)',
    full,
    minimal,
  };
}
