import type { Activity } from 'botbuilder-core';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createI18n } from '../../src/bot/i18n.js';
import { createPseudonymizer } from '../../src/bot/pseudonym.js';
import { TurnSerializer } from '../../src/bot/turn-serializer.js';
import { TelegramAdapter, inlineKeyboard, joinIntoPrompts, toTelegramMessages } from '../../src/channels/telegram.js';
import { loadConfig } from '../../src/config.js';
import { KnowledgeBase } from '../../src/content/knowledge-base.js';
import { createLogger } from '../../src/logger.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startTelegramTestServer, TEST_BOT_TOKEN, TEST_SECRET } from '../support/server.js';
import { BOT_USER, buttonValues, chatWith, TelegramDouble, type Chat, type SentMessage } from '../support/telegram-double.js';

const LANGUAGE_VALUES = ['lang:en', 'lang:fr', 'lang:es', 'lang:ar', 'lang:fa', 'lang:ru', 'lang:uk'];
const hash = (rawId: number) => createPseudonymizer(TEST_SECRET)('telegram', String(rawId));
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pollingSuite(env: () => Record<string, string>): void {
  let double: TelegramDouble;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, double, close } = await startTelegramTestServer(env()));
  });
  afterAll(() => close?.());

  it('registers the seven commands in every language, and in the default, then polls', async () => {
    const registered = double.callsOf('setMyCommands');
    expect(registered.map((call) => call.params.language_code ?? 'default').sort()).toEqual(
      ['ar', 'default', 'en', 'es', 'fa', 'fr', 'ru', 'uk'],
    );
    for (const call of registered) {
      const commands = call.params.commands.map((c: { command: string }) => c.command);
      expect(commands).toEqual(['start', 'menu', 'help', 'language', 'human', 'forget', 'stop']);
      for (const c of call.params.commands) expect(c.description.length).toBeGreaterThan(0);
    }
    await double.until(() => double.callsOf('getUpdates').length > 0);
  });

  it('serves a whole conversation: start, language, a topic, a typo, services, media, language change, /forget', async () => {
    const person = { id: 700_100_001, language_code: 'fr-FR' };
    const chat = chatWith(double, person);

    // /start: greeted in the language of the Telegram app, then asked for a language.
    const start = await chat.say('/start');
    expect(start.replies[0]?.text).toMatch(/Bonjour/);
    expect(buttonValues(start.prompt)).toEqual(LANGUAGE_VALUES);
    expect(start.prompt.parse_mode).toBe('HTML');
    expect(start.prompt.reply_markup?.inline_keyboard[0]).toHaveLength(2); // short titles: two per row

    // Pressing a button: acknowledged, its keyboard removed, the menu in the chosen language. The
    // notice and the menu's question come as one message, with the buttons under it.
    const menu = await chat.tap(start.prompt, 'lang:en');
    expect(menu.replies).toHaveLength(1);
    expect(menu.prompt.text).toMatch(/^OK, we will continue in English\.\n\nWhat do you need\?/);
    expect(buttonValues(menu.prompt)).toContain('menu:rights');
    expect(double.callsOf('answerCallbackQuery').length).toBeGreaterThan(0);
    expect(double.callsOf('editMessageReplyMarkup').map((c) => c.params)).toContainEqual({
      chat_id: person.id,
      message_id: start.prompt.message_id,
      reply_markup: { inline_keyboard: [] },
    });

    // A topic, through the groups.
    const groups = await chat.tap(menu.prompt, 'menu:rights');
    const firstGroup = buttonValues(groups.prompt).find((v) => v.startsWith('grp:'))!;
    const topics = await chat.tap(groups.prompt, firstGroup);
    const topicButton = topics.prompt.reply_markup!.inline_keyboard.flat().find((b) => b.callback_data.startsWith('topic:'))!;
    const answer = await chat.tap(topics.prompt, topicButton.callback_data);
    expect(answer.replies[0]?.text.startsWith(`<b>${escapeHtml(topicButton.text)}</b>\n\n`)).toBe(true);

    // A question with a typo finds the right answer.
    const typo = await chat.say('my boss took my pasport');
    expect(typo.replies[0]?.text.split('\n')[0]).toMatch(/^<b>.*passport.*<\/b>$/i);

    // Services for a country: numbers as plain text (Telegram makes them tappable).
    const again = await chat.tap(typo.prompt, 'nav:menu');
    const countries = await chat.tap(again.prompt, 'menu:services');
    expect(buttonValues(countries.prompt)).toContain('country:IT');
    const services = await chat.tap(countries.prompt, 'country:IT');
    const list = services.replies.map((m) => m.text).join('\n');
    expect(list).toMatch(/\b112\b/);
    expect(list).not.toContain('tel:');
    expect(list).toMatch(/<b>.*Italy.*<\/b>/);

    // Stickers, voice notes and edits get a kind word and the question again.
    await chat.tap(services.prompt, 'nav:menu');
    for (const send of [() => double.sendSticker(person), () => double.sendVoice(person), () => double.editText(person, 1, 'changed')]) {
      const kind = await chat.act(send);
      expect(kind.replies[0]?.text).toMatch(/only read text messages/);
      expect(kind.prompt.reply_markup?.inline_keyboard.length).toBeGreaterThan(0);
    }

    // Changing language.
    const languages = await chat.say('/language');
    expect(buttonValues(languages.prompt)).toEqual(LANGUAGE_VALUES);
    const ukrainian = await chat.tap(languages.prompt, 'lang:uk');
    expect(ukrainian.replies[0]?.text.split('\n')[0]).toBe('Добре, продовжуємо українською.');

    // /forget gets an answer.
    const before = double.messagesTo(person.id).length;
    double.sendText(person, '/forget');
    await double.waitForMessages(person.id, before + 1);

    // Buttons carry short ids only.
    for (const message of double.messagesTo(person.id)) {
      for (const value of buttonValues(message)) {
        expect(Buffer.byteLength(value)).toBeLessThanOrEqual(64);
        expect(value).not.toContain(String(person.id));
      }
    }
  });

  it('a first message is not ignored: words of danger get emergency help, a question is answered in its language', async () => {
    const inDanger = chatWith(double, { id: 700_100_003, language_code: 'en' });
    const help = await inDanger.say('they beat me');
    // Emergency help first: before the greeting and the language question.
    expect(help.replies).toEqual([help.prompt]);
    expect(help.prompt.text).toMatch(/^<b>Your safety comes first\.<\/b> Tell me which country/);
    expect(buttonValues(help.prompt)).toContain('country:IT');

    const asking = chatWith(double, { id: 700_100_004, language_code: 'en' });
    const answer = await asking.say('mi jefe tiene mi pasaporte');
    expect(answer.replies.map((m) => m.text.split('\n')[0])).toEqual([
      expect.stringMatching(/^Hello\./),
      'De acuerdo, seguimos en español.',
      '<b>Tu pasaporte es tuyo</b>',
    ]);
  });

  it('keeps the chat id only in the stored conversation reference, under the retention time', async () => {
    const person = { id: 700_100_002, language_code: 'en' };
    await chatWith(double, person).say('/start');
    const keys = await app.store.keys('');
    expect(keys.filter((key) => key.includes(String(person.id)))).toEqual([]);
    const referenceKey = `tg:ref:${hash(person.id)}`;
    expect(keys).toContain(referenceKey);
    expect((await app.store.get<{ chatId: number }>(referenceKey))?.value.chatId).toBe(person.id);
    const ttl = await app.store.ttl(referenceKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
  });

  it('answers two chats sending ten messages each at once: every answer, each chat in order', async () => {
    const knowledge = KnowledgeBase.load();
    const topicIds = [...knowledge.content.topics.keys()].slice(0, 10);
    expect(topicIds).toHaveLength(10);
    const people = [{ id: 700_200_001, language_code: 'en' }, { id: 700_200_002, language_code: 'en' }];
    for (const person of people) {
      const chat = chatWith(double, person);
      await chat.tap((await chat.say('/start')).prompt, 'lang:en');
    }
    const before = people.map((person) => double.messagesTo(person.id).length);
    for (const id of topicIds) for (const person of people) double.sendText(person, `topic:${id}`);

    const expected = topicIds.map((id) => `<b>${escapeHtml(knowledge.topicText(id, 'en')!.title)}</b>`);
    await Promise.all(
      people.map(async (person, i) => {
        // Each answer is one message: the topic's text, then "What next?" with buttons under it.
        const messages = (await double.waitForMessages(person.id, before[i]! + 10, 20_000)).slice(before[i]);
        expect(messages.map((m) => m.text.split('\n')[0])).toEqual(expected);
        for (const message of messages) expect(buttonValues(message)).toContain('nav:menu');
      }),
    );
  });

  it('retries after 429 (waiting retry_after) and 500, and delivers the reply in order', async () => {
    const person = { id: 700_300_001, language_code: 'en' };
    const chat = chatWith(double, person);
    const menu = await chat.tap((await chat.say('/start')).prompt, 'lang:en');
    const countries = await chat.tap(menu.prompt, 'menu:services');
    await chat.tap(countries.prompt, 'country:IT');
    const failedBefore = double.callsOf('sendMessage').filter((c) => !c.ok).length;
    double.failNext('sendMessage', 2, { status: 429, retryAfter: 1 });
    double.failNext('sendMessage', 1, { status: 500 });
    // Danger words: two messages, the emergency advice first, then the hotlines with the buttons.
    const danger = await chat.say('they beat me');
    // Nothing lost, nothing doubled, nothing out of order.
    expect(danger.replies).toHaveLength(2);
    expect(danger.replies[0]?.text).toMatch(/danger/i);
    expect(danger.replies[1]).toBe(danger.prompt);
    expect(danger.prompt.text).toMatch(/\b112\b/);
    expect(double.callsOf('sendMessage').filter((c) => !c.ok).length - failedBefore).toBe(3);
  });

  it('answers a flood from one person with one kind "busy" message, and keeps serving others', async () => {
    // The limit counts per minute: start well inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await sleep(61_000 - intoMinute);
    const flooder = { id: 700_400_001, language_code: 'en' };
    for (let i = 0; i < 35; i++) double.sendText(flooder, `hello ${i}`);
    const other = { id: 700_400_002, language_code: 'en' };
    const greeted = await chatWith(double, other).say('/start');
    expect(buttonValues(greeted.prompt)).toEqual(LANGUAGE_VALUES);

    const isBusy = (m: SentMessage) => /sending messages very fast/.test(m.text);
    await double.until(() => double.messagesTo(flooder.id).some(isBusy), 20_000, () => 'no busy message');
    await sleep(500);
    const messages = double.messagesTo(flooder.id);
    expect(messages.filter(isBusy)).toHaveLength(1);
    // Nothing is answered after the busy message: the rest of the flood is dropped.
    expect(messages.at(-1)).toSatisfy(isBusy);
  });

  it('in a group, only says to write privately when spoken to, and keeps nothing', async () => {
    const person = { id: 700_500_001, language_code: 'en' };
    const group: Chat = { id: -1_000_700_500_002, type: 'supergroup', title: 'Friends' };
    double.sendText(person, 'hello everyone', group);
    double.sendText(person, `/start@${BOT_USER.username}`, group);
    double.sendText(person, '/start@some_other_bot', group);
    double.sendText(person, `@${BOT_USER.username} can you help?`, group);
    const messages = await double.waitForMessages(group.id, 2);
    await sleep(500);
    expect(double.messagesTo(group.id)).toHaveLength(2);
    for (const message of messages) {
      expect(message.text).toMatch(/privately/);
      expect(message.text).toContain(`https://t.me/${BOT_USER.username}`);
      expect(message.reply_markup).toBeUndefined();
    }
    const keys = await app.store.keys('');
    for (const id of [person.id, group.id]) {
      expect(keys.filter((key) => key.includes(String(id)) || key.includes(hash(id)))).toEqual([]);
    }
    expect(double.callsOf('sendChatAction').some((c) => c.params.chat_id === group.id)).toBe(false);
  });
}

describe('Telegram, long polling, memory storage', () => {
  pollingSuite(() => ({}));
});

describeRedis('Telegram, long polling, Redis storage', () => {
  pollingSuite(() => ({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix() }));
});

describe('Telegram, webhook', () => {
  const secret = 'webhook-secret-0123456789';
  let double: TelegramDouble;
  let app: App;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, double, close } = await startTelegramTestServer({}, { webhook: { url: 'https://bot.example.org/telegram/hook', secret } }));
  });
  afterAll(() => close?.());

  const post = (body: unknown, headers: Record<string, string>) =>
    fetch(`${app.url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('sets the webhook with its secret and does not poll', () => {
    expect(double.callsOf('setWebhook').map((c) => c.params)).toEqual([
      expect.objectContaining({ url: 'https://bot.example.org/telegram/hook', secret_token: secret }),
    ]);
    expect(double.callsOf('getUpdates')).toEqual([]);
  });

  it('answers 401 without the right secret, and processes a call that has it', async () => {
    const person = { id: 700_600_001, language_code: 'es' };
    expect((await post(double.textUpdate(person, '/start'), {})).status).toBe(401);
    expect((await post(double.textUpdate(person, '/start'), { 'x-telegram-bot-api-secret-token': `${secret}x` })).status).toBe(401);
    await sleep(200);
    expect(double.messagesTo(person.id)).toEqual([]);

    const accepted = await post(double.textUpdate(person, '/start'), { 'x-telegram-bot-api-secret-token': secret });
    expect(accepted.status).toBe(200);
    const prompt = await double.waitForPrompt(person.id, 0);
    expect(double.messagesTo(person.id)[0]?.text).toMatch(/Hola/);
    expect(buttonValues(prompt)).toEqual(LANGUAGE_VALUES);

    expect((await post({ not: 'an update' }, { 'x-telegram-bot-api-secret-token': secret })).status).toBe(400);
  });
});

describe('Telegram adapter, proactive replies', () => {
  it('finds the chat from the stored conversation reference, outside any turn', async () => {
    const double = await TelegramDouble.start();
    const config = loadConfig({ NODE_ENV: 'test', SECRET_KEY: TEST_SECRET, TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_API_ROOT: `${double.url}/` });
    const store = new MemoryStore();
    const adapter = new TelegramAdapter({
      config,
      telegram: config.telegram!,
      store,
      turns: new TurnSerializer(store),
      pseudonym: createPseudonymizer(config.secretKey),
      logger: createLogger('silent'),
      i18n: createI18n(),
    });
    try {
      await adapter.bot.init();
      const person = { id: 700_700_001 };
      adapter.receive(double.textUpdate(person, 'hello') as unknown as Update, (context) => context.sendActivity('hi').then(() => undefined));
      await adapter.drain();
      expect(double.messagesTo(person.id).map((m) => m.text)).toEqual(['hi']);

      // Later, a caseworker's reply: only the conversation id (the hash) is known.
      const reference = { channelId: 'telegram', conversation: { id: hash(person.id), isGroup: false, conversationType: 'personal', name: '' } };
      await adapter.continueConversation(reference, async (context) => {
        await context.sendActivity('a reply from a caseworker');
      });
      expect(double.messagesTo(person.id).map((m) => m.text)).toEqual(['hi', 'a reply from a caseworker']);
    } finally {
      await store.close();
      await double.close();
    }
  });
});

describe('Telegram formatting', () => {
  it('escapes everything, and renders bold, bullets and https links', () => {
    expect(toTelegramMessages('a < b & c > d')).toEqual(['a &lt; b &amp; c &gt; d']);
    expect(toTelegramMessages('**Help <now>**\n- one\n- two [site](https://x.org/?a=1&b="2")')).toEqual([
      '<b>Help &lt;now&gt;</b>\n• one\n• two <a href="https://x.org/?a=1&amp;b=&quot;2&quot;">site</a>',
    ]);
    expect(toTelegramMessages('1. call [112](tel:112)\n2. [not a link](javascript:void) [plain](http://x.org)')).toEqual([
      '1. call 112\n2. not a link plain',
    ]);
  });

  it('splits long answers on paragraph boundaries, then lines, then words', () => {
    const paragraphs = Array.from({ length: 20 }, (_, i) => `${i} ${'x'.repeat(497)}`);
    const byParagraph = toTelegramMessages(paragraphs.join('\n\n'));
    expect(byParagraph.length).toBe(3);
    expect(byParagraph.every((chunk) => chunk.length <= 4096)).toBe(true);
    expect(byParagraph.join('\n\n')).toBe(paragraphs.join('\n\n'));

    const lines = Array.from({ length: 20 }, (_, i) => `- ${i} ${'y'.repeat(495)}`);
    const byLine = toTelegramMessages(lines.join('\n'));
    expect(byLine.every((chunk) => chunk.length <= 4096)).toBe(true);
    expect(byLine.join('\n')).toBe(lines.join('\n').replace(/^- /gm, '• '));

    const words = 'word '.repeat(2000).trim();
    const byWord = toTelegramMessages(words);
    expect(byWord.every((chunk) => chunk.length <= 4096)).toBe(true);
    expect(byWord.join('')).toBe(words);

    // Escaping makes text longer: the limit holds for what is sent.
    const escaped = toTelegramMessages('&'.repeat(5000));
    expect(escaped.every((chunk) => chunk.length <= 4096)).toBe(true);
    expect(escaped.join('')).toBe('&amp;'.repeat(5000));
  });

  it.each([
    ['an answer and the question after it: one message', ['text', 'buttons'], ['text+buttons']],
    ['two answers, then a question: the last answer joins it', ['text', 'text', 'buttons'], ['text', 'text+buttons']],
    ['a question, then text: left apart', ['buttons', 'text'], ['buttons', 'text']],
    ['two questions: left apart', ['buttons', 'buttons'], ['buttons', 'buttons']],
    ['text alone', ['text'], ['text']],
    ['an attachment, then a question: left apart', ['attachment', 'buttons'], ['attachment', 'buttons']],
  ])('joins a message without buttons to the question that follows it: %s', (_, kinds, expected) => {
    const activity = (kind: string, i: number): Partial<Activity> => ({
      type: 'message',
      text: `${kind} ${i}`,
      ...(kind === 'buttons' ? { suggestedActions: { to: [], actions: [{ type: 'postBack', title: 'Menu', value: 'nav:menu' }] } } : {}),
      ...(kind === 'attachment' ? { attachments: [{ contentType: 'image/png' }] } : {}),
    });
    const joined = joinIntoPrompts(kinds.map(activity));
    const shape = joined.map((a) => (a.attachments ? 'attachment' : a.text!.includes('\n\n') ? 'text+buttons' : a.suggestedActions ? 'buttons' : 'text'));
    expect(shape).toEqual(expected);
    // Nothing said is lost, and it keeps its order.
    expect(joined.map((a) => a.text).join('\n\n')).toBe(kinds.map((kind, i) => `${kind} ${i}`).join('\n\n'));
  });

  it('turns buttons into an inline keyboard of short ids', () => {
    const short = inlineKeyboard(['a', 'b', 'c'].map((v) => ({ type: 'postBack', title: v.toUpperCase(), value: `x:${v}` })));
    expect(short).toEqual({
      inline_keyboard: [
        [{ text: 'A', callback_data: 'x:a' }, { text: 'B', callback_data: 'x:b' }],
        [{ text: 'C', callback_data: 'x:c' }],
      ],
    });
    const long = inlineKeyboard([
      { type: 'postBack', title: 'A rather long button title', value: 'menu:rights' },
      { type: 'postBack', title: 'Too long an id', value: `topic:${'z'.repeat(60)}` },
      { type: 'imBack', title: 'Another long button title', value: 'nav:menu' },
    ]);
    expect(long?.inline_keyboard).toEqual([
      [{ text: 'A rather long button title', callback_data: 'menu:rights' }],
      [{ text: 'Another long button title', callback_data: 'nav:menu' }],
    ]);
    expect(inlineKeyboard([])).toBeUndefined();
  });
});
