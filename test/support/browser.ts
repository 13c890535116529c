import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium; CI installs it (see .ci/run). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(chromiumPath);

/** `describe` for browser suites: skipped with a reason on a laptop without Chromium, never on CI. */
export function describeBrowser(name: string, fn: () => void): void {
  if (available || process.env.CI === 'true') {
    describe(name, fn);
  } else {
    console.warn(`skipping ${name}: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
    describe.skip(name, fn);
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Chromium's own background traffic is refused on a closed network; keep it off.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
