import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { describeBrowser, launchBrowser } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

const EXIT_URL = 'https://weather.example.org/';

describeBrowser('the web chat page on a phone', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  const requestedOrigins = new Set<string>();

  beforeAll(async () => {
    app = await startTestServer({ QUICK_EXIT_URL: EXIT_URL });
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-US',
    });
    page = await context.newPage();
    page.on('request', (request) => requestedOrigins.add(new URL(request.url()).origin));
    // The neutral site is not on this machine's network: answer for it here.
    await page.route(`${EXIT_URL}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Weather</title>' }));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('greets, offers the languages, and turns right-to-left when Arabic is picked', async () => {
    await page.goto(app.url);
    // Keyboard first: the first Tab lands on quick exit, and the messages are a live log.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('exit');
    expect(await page.locator('#log').getAttribute('role')).toBe('log');
    await expect.poll(() => page.locator('.msg.bot').count()).toBeGreaterThan(0);
    const arabic = page.getByRole('button', { name: 'العربية' });
    await arabic.waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await arabic.click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
  });

  it('opens the menu and follows an item back to the menu', async () => {
    const buttons = page.locator('#actions button');
    await expect.poll(() => buttons.count()).toBe(7);
    const before = await page.locator('.msg.bot').count();
    await buttons.nth(6).click(); // Privacy
    await expect.poll(() => page.locator('.msg.bot').count()).toBeGreaterThan(before + 1);
    // The pressed button shows as the person's message in words, not as an id.
    const mine = await page.locator('.msg.user').last().textContent();
    expect(mine).not.toMatch(/^menu:/);
    await expect.poll(() => buttons.count()).toBe(2); // Delete my data · Main menu
    await buttons.last().click();
    await expect.poll(() => buttons.count()).toBe(7);
  });

  it('answers typed text and shows it as text, never as HTML', async () => {
    await page.fill('#input', '<img src=x onerror="window.hacked=1">');
    await page.press('#input', 'Enter');
    await expect.poll(() => page.locator('.msg.user').last().textContent()).toContain('<img');
    expect(await page.locator('.msg img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
  });

  it('keeps the newest message in view once its buttons have taken their place under the log', async () => {
    const before = await page.locator('.msg.bot').count();
    // The chat is in Arabic since the first test: a question in Arabic gets the answer straight away.
    await page.fill('#input', 'الكفيل اخذ جوازي');
    await page.press('#input', 'Enter');
    await expect.poll(() => page.locator('#actions button').count()).toBeGreaterThan(2);
    await expect.poll(() => page.locator('.msg.bot').count()).toBeGreaterThan(before + 1);
    // Smooth scrolling takes a moment; then the whole newest bubble is inside the log's visible area.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const log = document.getElementById('log')!.getBoundingClientRect();
          const newest = document.querySelector('#log .msg:last-child')!.getBoundingClientRect();
          return newest.top >= log.top - 1 && newest.bottom <= log.bottom + 1;
        }),
      )
      .toBe(true);
  });

  it('made no request to any other origin', () => {
    expect([...requestedOrigins]).toEqual([new URL(app.url).origin]);
  });

  it('names an empty icon in the page, so that the browser spends no request on /favicon.ico', async () => {
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('data:,');
  });

  it('quick exit leaves for the neutral site, clears the chat, and leaves no history entry to go back to', async () => {
    const conversationBefore = await page.evaluate(() => JSON.parse(sessionStorage.getItem('chat') ?? '{}').conversationId as string);
    expect(conversationBefore).toBeTruthy();
    const historyBefore = await page.evaluate(() => history.length);
    await page.getByRole('button', { name: /خروج|exit/i }).click();
    await page.waitForURL(EXIT_URL);
    expect(await page.evaluate(() => history.length)).toBe(historyBefore);
    // Going back does not return to the chat: the chat's entry was replaced.
    await page.goBack().catch(() => undefined);
    expect(page.url()).not.toBe(`${app.url}/`);
    // Coming back to the page starts afresh: nothing of the old conversation is shown or kept.
    await page.goto(app.url);
    await expect.poll(() => page.locator('.msg.bot').count()).toBeGreaterThan(0);
    expect(await page.locator('.msg.user').count()).toBe(0);
    const conversationAfter = await page.evaluate(() => JSON.parse(sessionStorage.getItem('chat') ?? '{}').conversationId as string);
    expect(conversationAfter).not.toBe(conversationBefore);
  });
});
