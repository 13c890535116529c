import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DirectLineClient } from '../support/directline-client.js';
import { startTestServer } from '../support/server.js';

const MENU = ['menu:rights', 'menu:safe', 'menu:check', 'menu:services', 'menu:human', 'menu:language', 'menu:privacy'];

describe('the main menu and the commands (through the web chat)', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer();
  });
  afterAll(async () => {
    await app.close();
  });

  /** A person who has picked English and sees the menu. */
  async function personAtMenu(): Promise<DirectLineClient> {
    const client = new DirectLineClient(app.url);
    const menu = await client.openIn('en');
    expect(menu.suggestedActions?.actions.map((a) => a.value)).toEqual(MENU);
    return client;
  }

  /** Sends text; returns the texts the bot said and the buttons of the prompt that followed. */
  async function exchange(client: DirectLineClient, text: string) {
    const before = client.botMessages().length;
    const prompt = await client.ask(text);
    const said = client.botMessages().slice(before).map((m) => m.text ?? '');
    return { said, buttons: prompt.suggestedActions?.actions.map((a) => a.value) ?? [] };
  }

  it.each([
    ['menu:language', /Which language/],
    ['menu:privacy', /do not ask for your name/],
    ['Privacy', /do not ask for your name/],
    ['/help', /\/forget/],
    ['xqzv blorp wug', /could not find an answer/],
    ['/dance', /do not know that command/],
  ])('after %s, says something useful and never leaves the person without buttons', async (text, expected) => {
    const client = await personAtMenu();
    const { said, buttons } = await exchange(client, text);
    expect(said.join('\n')).toMatch(expected);
    expect(buttons.length).toBeGreaterThan(0);
    client.close();
  });

  it('/language changes the language at any time, and the menu follows', async () => {
    const client = await personAtMenu();
    const { buttons } = await exchange(client, '/language');
    expect(buttons).toContain('lang:fa');
    const menu = await client.ask('lang:fa');
    expect(menu.locale).toBe('fa');
    expect(menu.suggestedActions?.actions.map((a) => a.value)).toEqual(MENU);
    client.close();
  });

  it.each([
    ['english', 'en', 'OK, we will continue in English.'],
    ['Français !', 'fr', "D'accord, nous continuons en français."],
    ['انگلیسی', 'en', 'OK, we will continue in English.'],
  ])('typing only a language name (%s) switches to it, from anywhere', async (typed, lang, said) => {
    // Someone who tapped the wrong language writes the one they want.
    const client = new DirectLineClient(app.url);
    await client.openIn('ru');
    const { said: texts, buttons } = await exchange(client, typed);
    expect(texts[0]).toBe(said);
    expect(buttons).toEqual(MENU);
    expect(client.botMessages().at(-1)?.locale).toBe(lang);
    client.close();
  });

  it.each([
    ['hello', 'Hello! I am here to help.', /^What do you need\?/],
    ['Thank you!', 'You are welcome. I am here whenever you need me.', /^What else/],
    ['bye', 'Take care. You can write again at any time, and I will be here.', /^What else/],
  ])('answers "%s" in kind, then offers the menu', async (typed, reply, prompt) => {
    const client = await personAtMenu();
    const { said, buttons } = await exchange(client, typed);
    expect(said).toEqual([reply, expect.stringMatching(prompt)]);
    expect(buttons).toEqual(MENU);
    client.close();
  });

  it.each([
    ['menu', /^What do you need\?/],
    ['help', /^What do you need\?/],
    ['ok', /^What else/],
  ])('"%s" typed after an answer brings the menu, not a search', async (typed, prompt) => {
    const client = await personAtMenu();
    await exchange(client, 'my boss took my passport');
    const { said, buttons } = await exchange(client, typed);
    expect(said).toEqual([expect.stringMatching(prompt)]);
    expect(buttons).toEqual(MENU);
    client.close();
  });

  it('a question in another language: asks once, in that language, whether to go on in it, then answers in the one chosen', async () => {
    const client = await personAtMenu();
    const offer = await exchange(client, 'mi jefe tiene mi pasaporte');
    expect(offer.said).toEqual(['¿Seguimos en español?']);
    expect(offer.buttons).toEqual(['lang:es', 'lang:en']);
    // Spanish: the answer to the question asked, in Spanish.
    const answer = await exchange(client, 'lang:es');
    expect(answer.said[0]).toBe('De acuerdo, seguimos en español.');
    expect(answer.said[1]).toMatch(/^\*\*Tu pasaporte es tuyo\*\*/);
    expect(answer.buttons).toContain('svc:rights.documents');
    // Asked once: a question in yet another language is answered at once, in Spanish.
    const next = await exchange(client, 'what are my rights at work');
    expect(next.said[0]).toMatch(/^\*\*Tus derechos en el trabajo\*\*/);
    client.close();
  });

  it('a person who keeps their language after the offer gets the answer in it', async () => {
    const client = await personAtMenu();
    const offer = await exchange(client, 'mon patron a pris mon passeport');
    expect(offer.said).toEqual(['On continue en français ?']);
    const answer = await exchange(client, 'lang:en');
    expect(answer.said[0]).toBe('OK, we will continue in English.');
    expect(answer.said[1]).toMatch(/^\*\*Your passport belongs to you\*\*/);
    client.close();
  });

  it('words of danger in another language lead to emergency help at once, with no question about language', async () => {
    const client = await personAtMenu();
    const { said } = await exchange(client, 'me encerraron y no puedo salir');
    expect(said[0]).toMatch(/^\*\*Your safety comes first\.\*\*/);
    client.close();
  });

  /** A person on a phone set to `locale`, at the first question: which language. */
  async function personAtLanguageQuestion(locale = 'en-US'): Promise<DirectLineClient> {
    const client = new DirectLineClient(app.url);
    await client.open(locale);
    await client.waitForPrompt(0);
    return client;
  }

  it('asked for a language, a question in one it can tell chooses that language and is answered', async () => {
    const client = await personAtLanguageQuestion();
    const { said, buttons } = await exchange(client, 'mi jefe tiene mi pasaporte');
    expect(said[0]).toBe('De acuerdo, seguimos en español.');
    expect(said[1]).toMatch(/^\*\*Tu pasaporte es tuyo\*\*/);
    expect(buttons).toContain('svc:rights.documents');
    expect(client.botMessages().at(-1)?.locale).toBe('es');
    client.close();
  });

  it('asked for a language, words of danger get emergency help at once, in the language they are written in', async () => {
    const client = await personAtLanguageQuestion('ar');
    const { said, buttons } = await exchange(client, 'they beat me');
    expect(said[0]).toMatch(/^\*\*Your safety comes first\.\*\* Tell me which country/);
    expect(buttons).toContain('country:IT');
    client.close();
  });

  it('asked for a language, something it cannot place gets the question again', async () => {
    const client = await personAtLanguageQuestion();
    const { said, buttons } = await exchange(client, 'hello');
    expect(said).toEqual(['Please choose one of the languages below.']);
    expect(buttons).toContain('lang:fa');
    client.close();
  });

  it('"UK" alone is not taken for Ukrainian: it is searched like any question', async () => {
    const client = await personAtMenu();
    const { said } = await exchange(client, 'UK');
    expect(said.join('\n')).not.toMatch(/continue in|продовжуємо/);
    client.close();
  });

  it('a file or sticker gets a kind answer saying what the bot can read, then the same question again', async () => {
    const client = await personAtMenu();
    const before = client.botMessages().length;
    await client.send({ type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'https://x.example/a.png' }] });
    const prompt = await client.waitForPrompt(before);
    expect(client.botMessages().slice(before)[0]?.text).toMatch(/only read text/);
    expect(prompt.suggestedActions?.actions.map((a) => a.value)).toEqual(MENU);
    client.close();
  });

  it('/stop ends quietly, and any message later brings the menu back', async () => {
    const client = await personAtMenu();
    const before = client.botMessages().length;
    await client.say('/stop');
    await client.waitForBotMessages(before + 1);
    expect(client.botMessages().at(-1)?.text).toMatch(/stopped/);
    const menu = await client.ask('hello');
    expect(menu.suggestedActions?.actions.map((a) => a.value)).toEqual(MENU);
    client.close();
  });
});
