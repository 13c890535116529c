import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadAssessment } from '../../src/assessment/definition.js';
import { questionsFor, scoreAssessment, describeResult } from '../../src/assessment/score.js';
import { startApp, type App } from '../../src/app.js';
import { createI18n } from '../../src/bot/i18n.js';
import { createPseudonymizer } from '../../src/bot/pseudonym.js';
import { languages, loadConfig, type Language } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { DirectLineClient, type Activity } from '../support/directline-client.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTelegramTestServer, startTestServer, TEST_SECRET, type TelegramTestServer } from '../support/server.js';
import type { Person, SentMessage } from '../support/telegram-double.js';
import { copyContent, removeContentCopy } from '../support/content-copy.js';

/**
 * "Check my situation" end to end, as a person goes through it. The journeys below speak to a
 * `Chat` (tap a button, type a message, read the replies), so the same journeys run on every
 * channel: the web chat (Direct Line) and Telegram (the real server polling a Bot API double, see
 * test/support/telegram-double.ts).
 */

const { definition, texts } = await loadAssessment();
// Interface strings as the person's language has them (English until a translation exists).
const i18n = createI18n();

interface Turn {
  /** What the bot said, in order, as plain text; the last one carries the buttons. */
  texts: string[];
  buttons: Array<{ title: string; value: string }>;
  locale?: string;
}

interface Chat {
  /** Taps a button of the last prompt (only a button that is there); returns what follows. */
  press(value: string): Promise<Turn>;
  /** Types a message. */
  say(text: string): Promise<Turn>;
  /** Who this is on the channel (a raw id), to come back later as the same person. */
  person: string;
  /** The ids the channel knows the person and the conversation by, raw and hashed. */
  ids: string[];
  /** The raw ids that tell who the person is on the channel: no storage key may hold them. */
  personalIds: string[];
  /** The pseudonymous user id keys are built from. */
  userKey: string;
  /** The conversation's stored state, as JSON text. */
  storedState(): Promise<string>;
  close(): void;
}

interface Channel {
  name: string;
  start(): Promise<App>;
  /** Stops the app and whatever the channel started around it. */
  stop(app: App): Promise<void>;
  /** A person who has picked `lang` and sees the menu; `as` is someone who chatted before (a new conversation). */
  open(app: App, lang: Language, as?: Chat): Promise<Chat>;
}

const plain = (markdown: string) => markdown.replace(/\*\*/g, '');

const webChat: Channel = {
  name: 'web chat',
  start: () => startTestServer(),
  stop: (app) => app.close(),
  async open(app, lang, as) {
    const client = new DirectLineClient(app.url, as?.person);
    await client.open();
    await client.waitForPrompt(0);
    let last: Activity = await client.ask(`lang:${lang}`);
    const turn = async (send: () => Promise<void>): Promise<Turn> => {
      const before = client.botMessages().length;
      await send();
      last = await client.waitForPrompt(before);
      const said = client.botMessages().slice(before);
      return {
        texts: said.slice(0, said.indexOf(last) + 1).map((a) => plain(a.text ?? '')),
        buttons: last.suggestedActions?.actions.map(({ title, value }) => ({ title, value })) ?? [],
        locale: last.locale,
      };
    };
    const userKey = createPseudonymizer(TEST_SECRET)('directline', client.userId);
    return {
      press: (value) => {
        const offered = last.suggestedActions?.actions.map((a) => a.value) ?? [];
        if (!offered.includes(value)) throw new Error(`no button ${value} among ${offered.join(' ')}`);
        return turn(() => client.say(value));
      },
      say: (text) => turn(() => client.say(text)),
      person: client.userId,
      ids: [client.conversationId, client.userId, userKey],
      // The conversation id is the server's random one (and names the conversation's state); the
      // user id is what the page keeps to come back as the same person.
      personalIds: [client.userId],
      userKey,
      storedState: async () => JSON.stringify((await app.store.get(`directline/conversations/${client.conversationId}/`))?.value ?? {}),
      close: () => client.close(),
    };
  },
};

/** A Telegram message as a person reads it: Telegram's HTML as text, with the bot's "- " bullets back. */
function shownText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:(lt|gt|quot|amp)|#(\d+)|#x([0-9a-f]+));/gi, (_, named: string | undefined, decimal?: string, hex?: string) =>
      named ? { lt: '<', gt: '>', quot: '"', amp: '&' }[named.toLowerCase()]! : String.fromCodePoint(decimal ? Number(decimal) : parseInt(hex!, 16)))
    .replace(/^(\s*)• /gm, '$1- ');
}

/**
 * Phrases of one language only (the self-check's wording and the interface strings, where they
 * differ from every other language's), to tell what language a reply is in: Telegram messages,
 * unlike Direct Line activities, carry no locale.
 */
const phrasesByLanguage = (() => {
  const stringsIn = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(stringsIn) : [];
  const fragments = (lang: Language) =>
    [...stringsIn(texts[lang]), ...stringsIn(i18n.getResourceBundle(lang, 'translation'))]
      .flatMap((text) => text.split(/\{\{[^}]*\}\}|\n/))
      .map((fragment) => plain(fragment).replace(/^\s*- /, '').trim())
      .filter((fragment) => fragment.length >= 6);
  const languagesOf = new Map<string, Set<Language>>();
  for (const lang of languages) for (const fragment of fragments(lang)) languagesOf.set(fragment, (languagesOf.get(fragment) ?? new Set()).add(lang));
  return languages.map((lang) => ({ lang, phrases: [...languagesOf].filter(([, langs]) => langs.size === 1 && langs.has(lang)).map(([f]) => f) }));
})();

/** The language a reply is written in: the one with the most of its own phrases in it (if just one has most). */
function languageOfText(said: string): Language | undefined {
  const scores = phrasesByLanguage.map(({ lang, phrases }) => ({ lang, found: phrases.filter((phrase) => said.includes(phrase)).length }));
  const best = Math.max(...scores.map((score) => score.found));
  const leaders = scores.filter((score) => score.found === best);
  return best > 0 && leaders.length === 1 ? leaders[0]!.lang : undefined;
}

/**
 * Telegram: the real server in long-polling mode against the Bot API double. A person writes to
 * the bot in a private chat (whose id is the person's id); a tap is a callback query carrying the
 * button's postBack value as its callback data.
 */
function telegramChannel(): Channel {
  let telegram: TelegramTestServer | undefined;
  // Ids no other test uses; a private chat has the id of the person in it.
  let nextPersonId = 7_000_100_001;
  const hash = createPseudonymizer(TEST_SECRET);
  return {
    name: 'Telegram chat',
    async start() {
      telegram = await startTelegramTestServer({
        // The per-person limit (30 a minute) is for people; these journeys tap far faster, and the
        // retake taps some forty times in one chat within seconds. telegram.test.ts tests the limit.
        RATE_LIMIT_PER_MINUTE: '10000',
      });
      return telegram.app;
    },
    async stop() {
      await telegram?.close();
    },
    async open(app, lang, as) {
      const tg = telegram!.double;
      // Coming back on Telegram is writing again in the same chat: the same chat id, so /start
      // below begins anew at the menu, as Telegram's "Start" would.
      const person: Person = { id: as ? Number(as.person) : nextPersonId++, language_code: lang };
      const refusals = () => tg.callsOf('sendMessage').filter((call) => !call.ok && Number(call.params.chat_id) === person.id);
      let last: SentMessage | undefined;

      const turn = async (send: () => void): Promise<Turn> => {
        const before = tg.messagesTo(person.id).length;
        const refusedBefore = refusals().length;
        send();
        const prompt = () => tg.messagesTo(person.id).slice(before).find((m) => m.reply_markup?.inline_keyboard.length);
        await tg.until(() => prompt() !== undefined || refusals().length > refusedBefore, 10_000, () =>
          `no prompt to ${person.id}: ${JSON.stringify(tg.messagesTo(person.id).slice(before).map((m) => m.text.slice(0, 80)))}`,
        );
        const refused = refusals().slice(refusedBefore);
        if (refused.length > 0) {
          throw new Error(`Telegram refused the bot's message: ${refused.map((c) => `${c.error} in ${JSON.stringify(c.params.text)}`).join('; ')}`);
        }
        last = prompt()!;
        const said = tg.messagesTo(person.id).slice(before);
        const upTo = said.slice(0, said.findIndex((m) => m.message_id === last!.message_id) + 1);
        const texts = upTo.map((m) => shownText(m.text));
        const buttons = last.reply_markup!.inline_keyboard.flat().map((b) => ({ title: b.text, value: b.callback_data }));
        return { texts, buttons, locale: languageOfText([...texts, ...buttons.map((b) => b.title)].join('\n')) };
      };
      const press = (value: string) => {
        const offered = last?.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];
        if (!offered.includes(value)) throw new Error(`no button ${value} among ${offered.join(' ')}`);
        const message = last!;
        return turn(() => tg.press(person, message, value));
      };
      const say = (text: string) => turn(() => tg.sendText(person, text));

      // Someone new is greeted and asked their language; someone known is taken to the menu.
      const started = await say('/start');
      if (!started.buttons.some((b) => b.value === `lang:${lang}`)) await say('/language');
      const menu = await press(`lang:${lang}`);
      if (!menu.buttons.some((b) => b.value === 'menu:check')) throw new Error(`no menu after the language: ${JSON.stringify(menu)}`);

      const raw = String(person.id);
      const conversationKey = hash('telegram', raw);
      const userKey = hash('telegram', raw);
      return {
        press,
        say,
        person: raw,
        // The chat id and the user id are the same number in a private chat, and so are their hashes.
        ids: [raw, conversationKey, userKey],
        personalIds: [raw],
        userKey,
        storedState: async () => JSON.stringify((await app.store.get(`telegram/conversations/${conversationKey}/`))?.value ?? {}),
        // A Telegram chat is never closed: the person just stops writing.
        close: () => undefined,
      };
    },
  };
}

const CHANNELS: Channel[] = [webChat, telegramChannel()];

// ---------------------------------------------------------------------------------------------

/** Answers that protect, or are neutral, for every question: an adult with little risk. */
const CALM: Record<string, string> = {
  'safety.danger_now': 'no',
  'ind.minor': 'no',
  'ind.documents': 'own',
  'ind.health': 'no',
  'ind.language': 'yes',
  'hh.means': 'yes',
  'hh.debt': 'none',
  'com.trusted': 'yes',
  'com.refused': 'no',
  'str.status': 'permitted',
  'str.knows_help': 'yes',
  'sit.sudden_change': 'no',
  'work.as_promised': 'yes',
  'work.free_to_leave': 'yes',
  'harm.any': 'no',
};

const QUESTION_BUTTON = /^sc:([a-z]+\.[a-z_]+):([a-z_]+)$/;

/** The question a prompt asks, from its answer buttons; undefined when it is no question. */
function questionOf(turn: Turn): string | undefined {
  if (!turn.buttons.some((b) => b.value === 'sc:stop')) return undefined;
  return turn.buttons.map((b) => QUESTION_BUTTON.exec(b.value)?.[1]).find(Boolean);
}

interface Answered {
  /** the questions asked, in order */
  asked: string[];
  /** the answers given (skips included), as the scorer takes them */
  answers: Record<string, string>;
  /** the turn after the last answer */
  after: Turn;
  /** every question turn */
  questionTurns: Turn[];
}

/** Taps through the questions: `plan` picks each answer (a question it lacks is skipped). */
async function answerAll(chat: Chat, first: Turn, plan: Record<string, string>): Promise<Answered> {
  const asked: string[] = [];
  const answers: Record<string, string> = {};
  const questionTurns: Turn[] = [];
  let turn = first;
  for (let question = questionOf(turn); question; question = questionOf(turn)) {
    expect(asked, 'each question is asked once').not.toContain(question);
    asked.push(question);
    questionTurns.push(turn);
    const option = plan[question] ?? 'skip';
    answers[question] = option;
    turn = await chat.press(`sc:${question}:${option}`);
  }
  return { asked, answers, after: turn, questionTurns };
}

const keysOf = async (app: App, prefix: string) => (await app.store.keys('')).filter((key) => key.startsWith(prefix));

/** Storage keys that hold one of the person's raw ids: there must be none. */
const keysNaming = async (app: App, chat: Chat) =>
  (await app.store.keys('')).filter((key) => chat.personalIds.some((id) => key.includes(id)));

/**
 * Waits until the conversation's stored state holds (or holds none of) the question ids. The state
 * is saved when the turn ends, a moment after its last reply has gone out.
 */
function stateHoldsAnswers(chat: Chat, expected: boolean): Promise<void> {
  return vi.waitFor(async () => {
    const state = await chat.storedState();
    expect(state).toContain('dialogState');
    expect(definition.questions.some((question) => state.includes(`"${question.id}"`))).toBe(expected);
  });
}

for (const channel of CHANNELS) {
  describe(`the self-check (through the ${channel.name})`, () => {
    let app: App;
    beforeAll(async () => {
      app = await channel.start();
    });
    afterAll(async () => {
      await channel.stop(app);
    });

    /** A person in the menu, then at the first question (the notice before it). */
    async function startCheck(lang: Language, as?: Chat): Promise<{ chat: Chat; first: Turn }> {
      const chat = await channel.open(app, lang, as);
      const first = await chat.press('menu:check');
      return { chat, first };
    }

    /** The country, set once through "Find help near me", as a person would. */
    async function setCountry(chat: Chat, code: string): Promise<void> {
      await chat.press('menu:services');
      await chat.press(`country:${code}`);
      await chat.press('nav:menu');
    }

    it.each(['en', 'ar'] as const)('in %s: one question per message, skips, a result in words, nothing kept without a yes', async (lang) => {
      const text = texts[lang];
      const t = i18n.getFixedT(lang);
      const { chat, first } = await startCheck(lang);
      expect(first.texts[0]).toContain(text.notice);
      expect(first.texts[0]).toContain(text.title);
      expect(questionOf(first)).toBe('safety.danger_now');
      expect(first.texts.at(-1)).toContain(text.questions['safety.danger_now']!.text);
      expect(first.texts.at(-1)).toContain(t('selfCheck.progress', { number: 1, total: 15 }));
      expect(first.locale).toBe(lang);
      expect(first.buttons.map((b) => b.title)).toEqual([
        ...Object.values(text.questions['safety.danger_now']!.options),
        text.skip,
        t('selfCheck.stop'),
      ]);

      const statsBefore = await keysOf(app, 'stats:');
      const plan = { ...CALM, 'ind.documents': 'kept_by_other', 'hh.means': 'no', 'ind.health': 'skip', 'hh.debt': 'skip', 'com.refused': 'skip' };
      const { asked, answers, after, questionTurns } = await answerAll(chat, first, plan);
      expect(asked.length).toBeLessThanOrEqual(15);
      expect(asked).toEqual(questionsFor(definition, answers).map((q) => q.id));
      questionTurns.forEach((turn, i) => {
        expect(turn.texts.at(-1)).toContain(t('selfCheck.progress', { number: i + 1, total: asked.length }));
        for (const button of turn.buttons) expect(Buffer.byteLength(button.value)).toBeLessThanOrEqual(40);
      });

      const expected = scoreAssessment(definition, answers);
      const words = describeResult(text, expected);
      const result = after.texts.find((said) => said.includes(words.level));
      expect(result, 'the result names its level in words').toBeDefined();
      expect(result).toContain(text.notice);
      expect(result).toContain(t('selfCheck.someSkipped'));
      for (const harm of words.harms) expect(result).toContain(harm);
      for (const risk of words.risks.slice(0, 3)) expect(result).toContain(risk);
      for (const protection of words.protections) expect(result).toContain(protection);
      // No bare score: once the factors' own words are taken out, no number is left.
      // (Telegram puts the question that follows, whether to keep it for 30 days, in the same message.)
      const rest = [...words.risks, ...words.protections, t('selfCheck.askKeep', { days: 30 })].reduce((left, phrase) => left.replace(phrase, ''), result!);
      expect(rest).not.toMatch(/\d/);
      expect(after.buttons.map((b) => b.value)).toEqual(['sc:yes', 'sc:no']);

      const count = await chat.press('sc:no');
      expect(count.buttons.map((b) => b.value)).toEqual(['sc:yes', 'sc:no']);
      const next = await chat.press('sc:no');
      const values = next.buttons.map((b) => b.value);
      expect(values.length).toBeLessThanOrEqual(6);
      expect(values.filter((v) => v.startsWith('topic:')).length).toBeGreaterThan(0);
      expect(values).toEqual(expect.arrayContaining(['menu:services', 'nav:menu']));
      expect(next.texts.at(-1)).toContain(text.groups.soon);

      expect(await keysOf(app, `selfcheck:${chat.userKey}`)).toEqual([]);
      expect(await keysOf(app, 'stats:')).toEqual(statsBefore);
      await stateHoldsAnswers(chat, false);
      expect(await keysNaming(app, chat)).toEqual([]);
      chat.close();
    });

    it('with every question skipped, says the check cannot tell instead of giving a level', async () => {
      const { chat, first } = await startCheck('en');
      const { after } = await answerAll(chat, first, {});
      const result = after.texts.find((said) => said.includes(i18n.getFixedT('en')('selfCheck.allSkipped')));
      expect(result).toContain(i18n.getFixedT('en')('selfCheck.allSkipped'));
      for (const level of Object.values(texts.en.levels)) expect(result).not.toContain(level);
      expect(result).not.toContain(i18n.getFixedT('en')('selfCheck.noRisks'));
      chat.close();
    });

    it.each([
      ['an adult', 15, CALM],
      ['a child', 16, { ...CALM, 'ind.minor': 'yes', 'ind.minor_alone': 'with_adult' }],
    ])('%s answering every question is asked %i questions, the most there are', async (_who, most, plan) => {
      const { chat, first } = await startCheck('en');
      const { asked } = await answerAll(chat, first, plan);
      expect(asked.length).toBe(most);
      chat.close();
    });

    it.each(['en', 'fa'] as const)('in %s: "stop" half-way keeps nothing and goes back to the menu', async (lang) => {
      const before = await app.store.keys('');
      const { chat, first } = await startCheck(lang);
      let turn = first;
      for (let i = 0; i < 6; i++) {
        const question = questionOf(turn)!;
        turn = await chat.press(`sc:${question}:${CALM[question] ?? 'skip'}`);
      }
      expect(questionOf(turn)).toBeDefined();
      await stateHoldsAnswers(chat, true);
      const back = await chat.press('sc:stop');
      expect(back.texts[0]?.startsWith(i18n.getFixedT(lang)('selfCheck.stopped'))).toBe(true);
      expect(back.buttons.map((b) => b.value)).toContain('menu:check');

      const added = (await app.store.keys('')).filter((key) => !before.includes(key));
      expect(added.filter((key) => key.startsWith('selfcheck:') || key.startsWith('stats:'))).toEqual([]);
      await stateHoldsAnswers(chat, false);
      expect(await keysNaming(app, chat)).toEqual([]);
      chat.close();
    });

    it('takes a typed answer in the words of a button, asks again after other text, and is not searched', async () => {
      const { chat } = await startCheck('en');
      const second = await chat.say('No');
      expect(questionOf(second)).toBe('ind.minor');
      const again = await chat.say('my boss took my passport');
      expect(questionOf(again)).toBe('ind.minor');
      expect(again.texts).toHaveLength(1);
      expect(again.texts[0]).toMatch(/^Please tap one of the answers/);
      expect(again.texts[0]).toContain(texts.en.questions['ind.minor']!.text);
      const third = await chat.say('prefer not to say');
      expect(questionOf(third)).toBe('ind.documents');
      chat.close();
    });

    it('danger now: stops at once for the emergency numbers, then a person', async () => {
      const { chat } = await startCheck('en');
      const help = await chat.press('sc:safety.danger_now:yes');
      expect(questionOf(help)).toBeUndefined();
      // The country is not known yet: the services flow asks it, once, saying why (no number yet to point to).
      expect(help.texts[0]).toMatch(/Your safety comes first.*which country you are in now.*emergency number/s);
      expect(help.texts[0]).not.toMatch(/below/);
      expect(help.buttons.map((b) => b.value)).toContain('country:IT');
      const numbers = await chat.press('country:IT');
      expect(numbers.texts[0]).toMatch(/^Help in Italy\s+Emergency\s+- [^\n]*112/);
      expect(numbers.buttons.map((b) => b.value)).toContain('human:urgent');
      expect(await keysOf(app, `selfcheck:${chat.userKey}`)).toEqual([]);
      chat.close();
    });

    it('words of danger typed during the check lead to emergency help', async () => {
      const chat = await channel.open(app, 'en');
      await setCountry(chat, 'GR');
      await chat.press('menu:check');
      await chat.press('sc:safety.danger_now:no');
      const help = await chat.say('they locked me in');
      expect(help.texts[0]).toMatch(/Your safety comes first.*call the emergency number below/s);
      expect(help.texts[1]).toMatch(/^Help in Greece\s+Emergency/);
      expect(help.buttons.map((b) => b.value)).toContain('human:urgent');
      chat.close();
    });

    it('urgent, country not known yet: the country is asked within the check, then its hotlines, a person, the result and consent', async () => {
      const { chat, first } = await startCheck('en');
      const { after } = await answerAll(chat, first, { ...CALM, 'work.free_to_leave': 'no' });
      expect(after.texts[0]).toMatch(/Your safety comes first.*which country you are in now/s);
      // The second page of countries, and a typed name, work here as in "Find help near me".
      const more = await chat.press('nav:moreCountries');
      expect(more.buttons.map((b) => b.value)).toContain('country:TH');
      const typing = await chat.press('nav:otherCountry');
      expect(typing.buttons.map((b) => b.value)).toEqual(['nav:menu']);
      const numbers = await chat.say('Tailandia');
      expect(numbers.texts[0]).toMatch(/^Help in Thailand\s+Emergency\s+- /);
      expect(numbers.texts[0]).toMatch(/Trafficking and exploitation/);
      expect(numbers.buttons.map((b) => b.value)).toEqual(['sc:human', 'sc:result']);
      const result = await chat.press('sc:result');
      expect(result.texts[0]).toContain(texts.en.levels.urgent);
      expect(result.texts[0]).toContain(texts.en.questions['work.free_to_leave']!.factors!.no!);
      await chat.press('sc:no');
      const next = await chat.press('sc:no');
      expect(next.buttons[0]?.value).toBe('human:urgent');
      // The country is remembered for next time.
      const services = await chat.press('menu:services');
      expect(services.texts.join('\n')).toMatch(/^Help in Thailand/m);
      chat.close();
    });

    it('urgent in ar, country known: hotlines first, the offer of a person, then the result and consent', async () => {
      const text = texts.ar;
      const chat = await channel.open(app, 'ar');
      await setCountry(chat, 'IT');
      const first = await chat.press('menu:check');
      const { after } = await answerAll(chat, first, { ...CALM, 'harm.any': 'household' });
      // First the emergency number and the hotline for violence at home, then the offer of a person.
      const said = after.texts.join('\n\n');
      expect(said).toMatch(/112/);
      expect(said.indexOf('1522')).toBeGreaterThan(0);
      expect(said.indexOf('1522')).toBeLessThan(said.indexOf(i18n.getFixedT('ar')('selfCheck.urgentOffer')));
      expect(after.buttons[0]?.value).toBe('sc:human');
      const result = await chat.press('sc:result');
      expect(result.texts[0]).toContain(text.levels.urgent);
      expect(result.texts[0]).toContain(text.questions['harm.any']!.factors!.household!);
      expect(result.locale).toBe('ar');
      await chat.press('sc:no');
      const next = await chat.press('sc:no');
      expect(next.buttons[0]?.value).toBe('human:urgent');
      chat.close();
    });

    it('keeps the result with a yes, and a retake shows what changed since', async () => {
      const { chat, first } = await startCheck('en');
      const { after } = await answerAll(chat, first, CALM);
      expect(after.texts.join('\n')).not.toMatch(/Since your last check/);
      await chat.press('sc:yes');
      const done = await chat.press('sc:no');
      expect(done.texts[0]).toMatch(/Your result is kept for 30 days/);

      const kept = await app.store.get<Record<string, unknown>>(`selfcheck:${chat.userKey}`);
      expect(Object.keys(kept?.value ?? {}).sort()).toEqual(['day', 'level', 'protections', 'risks', 'version']);
      expect(kept?.value.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(await app.store.ttl(`selfcheck:${chat.userKey}`)).toBeGreaterThan(29 * 86_400);
      chat.close();

      // The same person, another day, another conversation.
      const retake = await startCheck('en', chat);
      const changed = { ...CALM, 'ind.documents': 'kept_by_other', 'hh.means': 'no', 'str.knows_help': 'skip' };
      const again = await answerAll(retake.chat, retake.first, changed);
      const result = again.after.texts.find((said) => said.includes('Since your last check'));
      const en = texts.en.questions;
      expect(result).toMatch(/Since your last check \(\d{4}-\d{2}-\d{2}\)/);
      expect(result).toContain(`Level: ${texts.en.levels.low} → ${texts.en.levels.medium}`);
      expect(result).toContain(`New: ${en['ind.documents']!.factors!.kept_by_other}`);
      expect(result).toContain(`New: ${en['hh.means']!.factors!.no}`);
      expect(result).toContain(`No longer protects you: ${en['ind.documents']!.factors!.own}`);
      expect(result).toContain(`No longer protects you: ${en['str.knows_help']!.factors!.yes}`);

      // No this time: the earlier result goes too.
      await retake.chat.press('sc:no');
      await retake.chat.press('sc:no');
      expect(await keysOf(app, `selfcheck:${chat.userKey}`)).toEqual([]);
      retake.chat.close();
    });

    it('counts the answers with a yes, in totals that hold no id', async () => {
      const chat = await channel.open(app, 'en');
      await setCountry(chat, 'ES');
      const first = await chat.press('menu:check');
      const plan = { ...CALM, 'ind.health': 'skip', 'work.free_to_leave': 'no' };
      const { answers } = await answerAll(chat, first, plan);
      await chat.press('sc:result');
      await chat.press('sc:no');
      const done = await chat.press('sc:yes');
      expect(done.texts[0]).toMatch(/added to the anonymous totals/);

      const day = new Date().toISOString().slice(0, 10);
      const base = `stats:check:${day}:v${definition.version}:ES:en:unknown:`;
      const stats = await keysOf(app, base);
      expect(stats.sort()).toEqual(
        [
          'checks',
          'level:urgent',
          'trigger:not_free_to_leave',
          ...Object.entries(answers).map(([question, option]) => `answer:${question}:${option}`),
        ]
          .map((what) => base + what)
          .sort(),
      );
      for (const key of await keysOf(app, 'stats:')) for (const id of chat.ids) expect(key).not.toContain(id);
      expect(await keysOf(app, `selfcheck:${chat.userKey}`)).toEqual([]);
      expect(await keysNaming(app, chat)).toEqual([]);
      chat.close();
    });
  });
}

describeRedis('the self-check across a release that changes its definition', () => {
  let current: App;
  let next: App;
  let contentDir: string;
  beforeAll(async () => {
    // The next release: the same content, but a definition one version on.
    contentDir = copyContent();
    const file = join(contentDir, 'assessment', 'definition.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^version: \d+$/m, `version: ${definition.version + 1}`));
    const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() };
    current = await startTestServer(env);
    const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', SECRET_KEY: TEST_SECRET, ...env });
    next = await startApp(config, { logger: createLogger('silent'), contentDir });
  });
  afterAll(async () => {
    await Promise.all([current?.close(), next?.close()]);
    removeContentCopy(contentDir);
  });

  it('starts the check again, saying why, instead of going on with answers to another version', async () => {
    const client = new DirectLineClient(current.url);
    await client.openIn('en');
    await client.ask('menu:check');
    await client.ask('sc:safety.danger_now:no');
    await client.ask('sc:ind.minor:no');
    client.drop();

    // The phone comes back through an instance of the new release.
    await client.reconnect(next.url);
    const before = client.botMessages().length;
    const first = await client.ask('sc:ind.documents:own');
    const said = client.botMessages().slice(before).map((m) => plain(m.text ?? ''));
    expect(said[0]).toBe(i18n.getFixedT('en')('selfCheck.updated'));
    expect(said[1]).toContain(texts.en.notice);
    expect(first.suggestedActions?.actions[0]?.value).toBe('sc:safety.danger_now:yes');
    expect(plain(first.text ?? '')).toContain(i18n.getFixedT('en')('selfCheck.progress', { number: 1, total: 15 }));
    client.close();
  });
});
