import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { staffFile } from '../console/support.js';
import { describeBrowser, launchBrowser } from '../support/browser.js';
import { DirectLineClient } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTestServer } from '../support/server.js';
import { signInToConsole } from '../support/console-browser.js';
import { copyContent, removeContentCopy } from '../support/content-copy.js';

const QUESTION = 'mon patron a pris mon passeport';
const OLD_SENTENCE = "Votre passeport et vos papiers d'identité vous appartiennent.";
const NEW_SENTENCE = 'Votre passeport est à vous, et à personne d’autre : votre patron ne peut pas le garder.';

const signIn = (browser: Browser, baseUrl: string, username: string) =>
  signInToConsole(browser, baseUrl, username, { viewport: { width: 1400, height: 1000 } });

describeRedis('the editor area with two instances', () => {
  describeBrowser('an editor in the browser', () => {
    let dir: string;
    let a: App;
    let b: App;
    let browser: Browser;

    beforeAll(async () => {
      // A copy of the content in which the French answer on documents was made from an older English.
      dir = copyContent();
      const french = join(dir, 'topics/rights.documents/fr.md');
      writeFileSync(french, readFileSync(french, 'utf8').replace(/^translated_from:.*$/m, 'translated_from: aaaaaaaaaaaa'));
      const staff = await staffFile([
        { username: 'eva', name: 'Eva', roles: ['editor'] },
        { username: 'amina', name: 'Amina', roles: ['caseworker'] },
      ]);
      const env = { STAFF_FILE: staff, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() };
      [a, b] = await Promise.all([startTestServer(env, { contentDir: dir }), startTestServer(env, { contentDir: dir })]);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await Promise.all([a?.close(), b?.close()]);
      removeContentCopy(dir);
    });

    it('finds a stale French translation, edits it with a preview, saves; the web chat on both instances answers with it', async () => {
      const editor = await signIn(browser, a.url, 'eva');
      await editor.locator('#content-title').waitFor();
      await editor.getByLabel('Language').selectOption('fr');
      await editor.getByLabel('Status').selectOption('stale');
      const stale = editor.getByRole('button', { name: /, French: stale$/ });
      await expect.poll(() => stale.count()).toBe(1);
      expect(await stale.getAttribute('aria-label')).toBe('Your passport belongs to you, French: stale');
      await stale.click();

      await editor.locator('#topic-title').waitFor();
      expect(await editor.locator('.source').textContent()).toContain('Your passport belongs to you');
      const answer = editor.getByLabel(/^Answer/);
      const before = await answer.inputValue();
      expect(before).toContain(OLD_SENTENCE);
      await answer.fill(before.replace(OLD_SENTENCE, NEW_SENTENCE));
      // The preview shows it as the chat will: the title in bold, the steps as a list, left to right.
      const preview = editor.locator('.preview .bubble');
      await expect.poll(() => preview.textContent()).toContain(NEW_SENTENCE);
      expect(await preview.locator('strong').first().textContent()).toBe('Votre passeport vous appartient');
      expect(await preview.locator('ol li').count()).toBeGreaterThan(2);
      expect(await preview.getAttribute('dir')).toBe('ltr');
      await editor.getByLabel(/Reviewed/).check();
      await editor.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => editor.locator('#notice').textContent()).toMatch(/^Saved/);
      expect(await editor.locator('#content-view p.hours').first().textContent()).toMatch(/^Status: current/);

      // A person on the web chat page of the other instance asks in French.
      const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR' })).newPage();
      await phone.goto(b.url);
      await phone.getByRole('button', { name: 'Français' }).click();
      await expect.poll(() => phone.locator('#actions button').count()).toBeGreaterThan(3);
      await phone.fill('#input', QUESTION);
      await phone.press('#input', 'Enter');
      await expect.poll(() => phone.locator('.msg.bot').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining(NEW_SENTENCE));

      // And on the instance where it was saved.
      const person = new DirectLineClient(a.url);
      await person.open('fr-FR');
      await person.waitForPrompt(0);
      await person.ask('lang:fr');
      const asked = person.botMessages().length;
      await person.say(QUESTION);
      const answered = await person.waitForBotMessages(asked + 1);
      expect(answered[asked]?.text).toContain(NEW_SENTENCE);
      person.close();
      await phone.context().close();

      // The files are untouched: the edit lives in the store until it is exported.
      expect(readFileSync(join(dir, 'topics/rights.documents/fr.md'), 'utf8')).toContain(OLD_SENTENCE);
      await editor.context().close();
    });

    it('refuses an invalid edit, naming the field next to it, and keeps the good text live', async () => {
      const editor = await signIn(browser, a.url, 'eva');
      await editor.locator('#content-title').waitFor();
      await editor.getByLabel('Language').selectOption('fr');
      await editor.getByRole('button', { name: /^Your passport belongs to you, French/ }).click();
      const title = editor.getByLabel('Title');
      await title.fill('');
      await editor.getByRole('button', { name: 'Save' }).click();
      const error = editor.locator(`#${await title.getAttribute('aria-describedby')}`);
      await expect.poll(() => error.textContent()).toMatch(/Too small|at least|>=2/);
      expect(await editor.locator('#content-view form [role=alert]').first().textContent()).toMatch(/^Not saved/);
      // Focus goes to the field to fix.
      expect(await editor.evaluate(() => document.activeElement?.getAttribute('aria-describedby'))).toBe(await title.getAttribute('aria-describedby'));

      const person = new DirectLineClient(b.url);
      await person.open('fr-FR');
      await person.waitForPrompt(0);
      await person.ask('lang:fr');
      const asked = person.botMessages().length;
      await person.ask('topic:rights.documents');
      expect(person.botMessages()[asked]?.text).toMatch(/^\*\*Votre passeport vous appartient\*\*/);
      person.close();

      // Arabic and Farsi are edited and previewed right to left.
      await editor.getByRole('button', { name: 'Back to the matrix' }).click();
      await editor.getByLabel('Language').selectOption('ar');
      await editor.getByLabel('Status').selectOption('');
      await editor.getByRole('button', { name: /^Your passport belongs to you, Arabic/ }).click();
      await editor.locator('#topic-title').waitFor();
      expect(await editor.locator('.preview .bubble').getAttribute('dir')).toBe('rtl');
      expect(await editor.getByLabel(/^Answer/).getAttribute('dir')).toBe('rtl');
      await editor.context().close();
    });

    it('does not let a caseworker into the editor area', async () => {
      const caseworker = await signIn(browser, a.url, 'amina');
      await caseworker.locator('#queue-title').waitFor();
      expect(await caseworker.locator('#tab-content').isHidden()).toBe(true);
      const refused = await caseworker.evaluate(async () => (await fetch('/console/api/content/matrix')).status);
      expect(refused).toBe(403);
      await caseworker.context().close();
    });
  });
});
