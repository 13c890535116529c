import type { Browser, Page } from 'playwright-core';
import { PASSWORD } from '../console/support.js';

export interface SignInOptions {
  viewport?: { width: number; height: number };
  /** Collects every alert, confirm or prompt the page opens (there should be none). */
  dialogs?: string[];
  /** Waits for this element after signing in (the queue, for staff who work chats). */
  waitFor?: string;
}

/** A member of staff in a browser of their own (their own cookies), signed in to the console. */
export async function signInToConsole(browser: Browser, baseUrl: string, username: string, options: SignInOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, locale: 'en-GB' });
  // A wait that fails names what it waited for, well before the test's own timeout.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const { dialogs } = options;
  if (dialogs) {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (options.waitFor) await page.locator(options.waitFor).waitFor();
  return page;
}
