import { createHash, timingSafeEqual } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { ActivityTypes, TurnContext, type Activity, type CardAction, type ConversationReference } from 'botbuilder-core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Bot } from 'grammy';
import type { CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User, UserFromGetMe } from 'grammy/types';
import type { i18n, TFunction } from 'i18next';
import { z } from 'zod';
import { COMMANDS } from '../../dialogs/root-dialog.js';
import { ChannelAdapter, type BotLogic } from '../bot/channel-adapter.js';
import { matchLanguage } from '../bot/i18n.js';
import type { Pseudonymizer } from '../bot/pseudonym.js';
import { message } from '../bot/replies.js';
import type { TurnSerializer } from '../bot/turn-serializer.js';
import { languages, type Config, type Language } from '../config.js';
import { HttpError } from '../errors.js';
import type { Logger } from '../logger.js';
import { countRequest } from '../rate-limit.js';
import type { Store } from '../store/store.js';
import { errorSummary } from './directline.js';

/**
 * The Telegram channel, on grammY: updates become plain activities for the bot, replies become
 * Telegram messages (HTML, inline keyboards). Raw Telegram ids never reach the bot, storage keys or
 * logs: the conversation is the keyed hash of the chat id, and the chat id itself is kept only in
 * the stored conversation reference (for proactive replies) and in memory while a turn runs.
 */

export const TELEGRAM_CHANNEL = 'telegram';
/** Telegram's limit on a message's text. */
const MAX_TEXT = 4096;
/** Telegram's limit on a button's callback data. */
const MAX_CALLBACK_BYTES = 64;
/** Buttons with titles this short go two to a row; longer ones get a row each. */
const SHORT_TITLE = 14;
/** Everything else (channel posts, inline queries, polls…) is not asked for at all. */
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;
/** What a message holds when it holds no text, for the bot's kind "I can only read text" answer. */
const MEDIA = [
  'sticker', 'photo', 'voice', 'video_note', 'video', 'audio', 'animation', 'document', 'location', 'venue', 'contact', 'poll', 'dice',
] as const;
/** Deep links (t.me/<bot>?start=x) send "/start x"; the payload is not used. */
const START_WITH_PAYLOAD = /^(\/start(?:@\w+)?)\s+\S+$/i;

const keys = {
  reference: (conversationId: string) => `tg:ref:${conversationId}`,
  /** The person's rate-limit counter (see rate-limit.ts). */
  rate: (personId: string) => `tg:${personId}`,
};

/** The conversation reference kept for proactive replies: the only place the raw chat id is stored. */
interface StoredReference {
  chatId: number;
  reference: Partial<ConversationReference>;
}

export type TelegramSettings = NonNullable<Config['telegram']>;

export interface TelegramOptions {
  config: Config;
  telegram: TelegramSettings;
  store: Store;
  turns: TurnSerializer;
  pseudonym: Pseudonymizer;
  logger: Logger;
  i18n: i18n;
}

export class TelegramAdapter extends ChannelAdapter {
  readonly bot: Bot;
  /** Chat ids of conversations with turns running or waiting here, by conversation id (the hash). */
  private readonly chats = new Map<string, { chatId: number; turns: number }>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: TelegramOptions) {
    super(options.turns, options.config.typingDelayMs);
    const apiRoot = options.telegram.apiRoot?.replace(/\/+$/, ''); // grammY refuses a trailing slash
    this.bot = new Bot(options.telegram.token, { client: { apiRoot } });
    // 429 (after its retry_after) and 5xx are retried a few times. A network failure fails the call
    // instead of retrying without end, so that one chat's turn can never hang.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  }

  /**
   * Handles one update without waiting for the turn it starts: chats run concurrently, and the
   * turn serializer runs each chat's turns in arrival order.
   */
  receive(update: Update, logic: BotLogic): void {
    if (update.callback_query) {
      this.receivePress(update.callback_query, logic);
      return;
    }
    const incoming = update.message ?? update.edited_message;
    if (!incoming?.from) return;
    if (incoming.chat.type !== 'private') {
      // Edits would answer the same message twice.
      if (update.message) this.answerInGroup(update.message);
      return;
    }
    const text = update.message?.text?.replace(START_WITH_PAYLOAD, '$1');
    // No text (a sticker, a photo…) or an edit: the bot answers kindly what it can read.
    const kind = update.edited_message ? 'edited' : (MEDIA.find((media) => media in incoming) ?? 'other');
    this.dispatch(incoming.chat.id, incoming.from, {
      id: String(incoming.message_id),
      text,
      attachments: text === undefined ? [{ contentType: `application/vnd.telegram.${kind}` }] : undefined,
      timestamp: new Date(incoming.date * 1000),
    }, logic);
  }

  /** Waits for the turns and calls started here (on shutdown, once no more updates come in). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Registers the commands with their descriptions in every language, for Telegram's menu. */
  async registerCommands(): Promise<void> {
    const commandsIn = (lang: Language) => {
      const t = this.options.i18n.getFixedT(lang);
      return COMMANDS.map((command) => ({ command, description: t(`telegram.commands.${command}`) }));
    };
    await Promise.all([
      this.bot.api.setMyCommands(commandsIn(this.options.config.defaultLanguage)),
      ...languages.map((lang) => this.bot.api.setMyCommands(commandsIn(lang), { language_code: lang })),
    ]);
  }

  protected async deliver(reference: Partial<ConversationReference>, activities: Array<Partial<Activity>>): Promise<void> {
    const conversationId = reference.conversation?.id ?? '';
    const chatId = await this.chatIdOf(conversationId);
    if (chatId === undefined) {
      this.options.logger.warn({ conversation: conversationId }, 'telegram: no chat to send to (the reference expired)');
      return;
    }
    for (const activity of joinIntoPrompts(activities)) await this.send(chatId, activity);
  }

  private async send(chatId: number, activity: Partial<Activity>): Promise<void> {
    // Typing comes from the bot while it works on an answer, or from a caseworker.
    if (activity.type === ActivityTypes.Typing) {
      await this.bot.api.sendChatAction(chatId, 'typing');
      return;
    }
    if (activity.type !== ActivityTypes.Message) return;
    const chunks = toTelegramMessages(activity.text ?? '');
    const keyboard = inlineKeyboard(activity.suggestedActions?.actions ?? []);
    for (const [index, html] of chunks.entries()) {
      await this.bot.api.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        // Previews cost data, which many people pay dearly for.
        link_preview_options: { is_disabled: true },
        // On the last part, so the buttons stay under the whole answer.
        reply_markup: index === chunks.length - 1 ? keyboard : undefined,
      });
    }
  }

  /** A button press: acknowledged at once, its keyboard removed so it cannot be pressed twice. */
  private receivePress(press: CallbackQuery, logic: BotLogic): void {
    const api = this.bot.api;
    this.track(api.answerCallbackQuery(press.id).catch(this.logFailure('answerCallbackQuery')));
    const pressed = press.message;
    if (!pressed) return;
    this.track(
      api.editMessageReplyMarkup(pressed.chat.id, pressed.message_id, { reply_markup: { inline_keyboard: [] } })
        .catch(this.logFailure('editMessageReplyMarkup')),
    );
    // The bot sends buttons only in private chats; anything else is a forged or very old press.
    if (pressed.chat.type !== 'private' || !press.data) return;
    this.dispatch(pressed.chat.id, press.from, { id: press.id, text: press.data, timestamp: new Date() }, logic);
  }

  private dispatch(chatId: number, user: User, incoming: Partial<Activity>, logic: BotLogic): void {
    const conversationId = this.options.pseudonym(TELEGRAM_CHANNEL, String(chatId));
    const me = this.bot.botInfo;
    const activity: Partial<Activity> = {
      ...incoming,
      type: ActivityTypes.Message,
      locale: user.language_code,
      channelId: TELEGRAM_CHANNEL,
      serviceUrl: '',
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.options.pseudonym(TELEGRAM_CHANNEL, String(user.id)), name: '', role: 'user' },
      recipient: { id: String(me.id), name: me.first_name, role: 'bot' },
    };
    const held = this.chats.get(conversationId) ?? { chatId, turns: 0 };
    held.turns += 1;
    this.chats.set(conversationId, held);
    const turn = this.processActivity(activity, (context) => this.runTurn(context, chatId, logic))
      .catch((error: unknown) => this.options.logger.error({ err: errorSummary(error), conversation: conversationId }, 'telegram turn failed'))
      .finally(() => {
        held.turns -= 1;
        if (held.turns === 0 && this.chats.get(conversationId) === held) this.chats.delete(conversationId);
      });
    this.track(turn);
  }

  /** Before the bot: the person's rate limit, the stored reference, the typing indicator. */
  private async runTurn(context: TurnContext, chatId: number, logic: BotLogic): Promise<void> {
    const { store, config } = this.options;
    const count = await countRequest(store, keys.rate(context.activity.from.id));
    if (count > config.limits.ratePerMinute) {
      // Said once a minute; the rest is dropped, so that a flood costs nobody else anything.
      if (count === config.limits.ratePerMinute + 1) {
        await context.sendActivity(message(this.translator(context.activity.locale)('fallback.busy')));
      }
      return;
    }
    const reference = TurnContext.getConversationReference(context.activity);
    await store.set<StoredReference>(keys.reference(context.activity.conversation.id), { chatId, reference }, {
      ttlSeconds: config.retention.state,
    });
    await logic(context);
  }

  /**
   * In groups the bot only says, when spoken to, that it talks in private; it runs no turn and
   * keeps nothing. "Spoken to": added to the group, a command for it, a mention, a reply to it.
   */
  private answerInGroup(incoming: Message): void {
    const me = this.bot.botInfo;
    if (!addressedTo(me, incoming)) return;
    const answer = this.translator(incoming.from?.language_code)('telegram.groupOnly', { link: `https://t.me/${me.username}` });
    this.track(
      this.bot.api
        .sendMessage(incoming.chat.id, answer, {
          reply_parameters: { message_id: incoming.message_id, allow_sending_without_reply: true },
          link_preview_options: { is_disabled: true },
        })
        .catch(this.logFailure('sendMessage')),
    );
  }

  private async chatIdOf(conversationId: string): Promise<number | undefined> {
    const held = this.chats.get(conversationId);
    if (held) return held.chatId;
    // A proactive reply (a caseworker's), outside any turn of this process.
    return (await this.options.store.get<StoredReference>(keys.reference(conversationId)))?.value.chatId;
  }

  private translator(locale: string | undefined): TFunction {
    return this.options.i18n.getFixedT(matchLanguage(locale) ?? this.options.config.defaultLanguage);
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private logFailure(method: string): (error: unknown) => void {
    return (error) => this.options.logger.warn({ err: errorSummary(error), method }, 'telegram call failed');
  }
}

/**
 * A message without buttons that is followed by one with buttons (an answer, then "What next?")
 * becomes one Telegram message, with the buttons under both: one notification and one request
 * instead of two, and the buttons stay next to what they are about. Text too long for one message
 * is split again when sent (toTelegramMessages), the buttons on the last part.
 */
export function joinIntoPrompts(activities: Array<Partial<Activity>>): Array<Partial<Activity>> {
  const joined: Array<Partial<Activity>> = [];
  for (const activity of activities) {
    const previous = joined.at(-1);
    if (previous && isPlainText(previous) && hasButtons(activity)) {
      joined[joined.length - 1] = { ...activity, text: `${previous.text}\n\n${activity.text ?? ''}` };
    } else {
      joined.push(activity);
    }
  }
  return joined;
}

function hasButtons(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Message && Boolean(activity.suggestedActions?.actions?.length);
}

function isPlainText(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Message && !hasButtons(activity) && !activity.attachments?.length && Boolean(activity.text);
}

/** Whether a group message is meant for the bot (and not, say, a command for another bot). */
function addressedTo(me: UserFromGetMe, incoming: Message): boolean {
  if (incoming.new_chat_members?.some((member) => member.id === me.id)) return true;
  if (incoming.reply_to_message?.from?.id === me.id) return true;
  const text = (incoming.text ?? '').toLowerCase();
  const username = me.username.toLowerCase();
  const command = /^\/\w+(?:@(\w+))?/.exec(text);
  return command ? command[1] === undefined || command[1] === username : text.includes(`@${username}`);
}

/**
 * What the adapter reads of an update, checked before it reads it: a call carrying the secret is
 * still refused (400) when these fields are missing or of the wrong type. Anything else in the
 * update, and updates of other types, pass through (and are ignored).
 */
const telegramId = z.number().int();
const telegramUser = z.object({ id: telegramId, language_code: z.string().max(35).optional() }).passthrough();
const telegramMessage = z
  .object({
    message_id: telegramId,
    date: z.number().int().nonnegative(),
    chat: z.object({ id: telegramId, type: z.string() }).passthrough(),
    from: telegramUser.optional(),
    text: z.string().optional(),
    new_chat_members: z.array(telegramUser).optional(),
    reply_to_message: z.object({ from: telegramUser.optional() }).passthrough().optional(),
  })
  .passthrough();
const webhookUpdate = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: telegramMessage.optional(),
    edited_message: telegramMessage.optional(),
    callback_query: z.object({ id: z.string(), from: telegramUser, message: telegramMessage.optional(), data: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export interface TelegramChannel {
  /** Connects to Telegram (after the server listens): commands, then polling or the webhook. */
  start(): Promise<void>;
  /** Stops polling and waits for the turns under way. */
  stop(): Promise<void>;
}

/**
 * Long polling by default; with a webhook URL, a POST route at its path that accepts only calls
 * carrying the secret token. Either way every update goes through `adapter.receive`.
 */
export function registerTelegram(server: FastifyInstance, options: TelegramOptions, adapter: TelegramAdapter, logic: BotLogic): TelegramChannel {
  const { bot } = adapter;
  const { logger } = options;
  const webhook = options.telegram.webhook;
  bot.use((ctx) => adapter.receive(ctx.update, logic));
  bot.catch((error) => logger.error({ err: errorSummary(error.error) }, 'telegram update failed'));

  if (webhook) {
    // Digests have equal lengths, as the constant-time comparison needs.
    const digest = (value: string) => createHash('sha256').update(value).digest();
    const expected = digest(webhook.secret);
    // The secret is checked before the body is read: nothing of a call without it is looked at.
    // No limit per address here: every update comes from Telegram's few servers (see runTurn).
    const checkSecret = async (request: FastifyRequest) => {
      const given = request.headers['x-telegram-bot-api-secret-token'];
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
        throw new HttpError('UNAUTHORIZED', 'the secret token is missing or wrong');
      }
    };
    server.post(new URL(webhook.url).pathname, { onRequest: checkSecret }, async (request, reply) => {
      const parsed = webhookUpdate.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HttpError('BAD_ARGUMENT', `not a Telegram update: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim());
      }
      // Returns as soon as the turn is queued: Telegram resends updates that are answered slowly.
      await bot.handleUpdate(parsed.data as unknown as Update);
      return reply.code(200).send();
    });
  }

  let polling: Promise<void> | undefined;
  return {
    async start() {
      // A wrong token or API root stops the start with grammY's error (e.g. "401: Unauthorized").
      await bot.init();
      await adapter.registerCommands().catch((error: unknown) => logger.warn({ err: errorSummary(error) }, 'telegram commands not registered'));
      if (webhook) {
        await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
        return;
      }
      polling = bot
        .start({ allowed_updates: [...ALLOWED_UPDATES] })
        .catch((error: unknown) => logger.error({ err: errorSummary(error) }, 'telegram polling stopped'));
    },
    async stop() {
      if (polling) {
        await bot.stop().catch((error: unknown) => logger.warn({ err: errorSummary(error) }, 'telegram polling did not stop cleanly'));
        await polling;
      }
      await adapter.drain();
    },
  };
}

/** Buttons (postBacks, and the imBacks of choice prompts) as an inline keyboard of their short ids. */
export function inlineKeyboard(actions: CardAction[]): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton.CallbackButton[] = actions.flatMap((action) => {
    const value: unknown = action.value;
    // Longer ids cannot be sent back by Telegram; such a button would fail the whole message.
    if (typeof value !== 'string' || !value || Buffer.byteLength(value) > MAX_CALLBACK_BYTES) return [];
    return [{ text: action.title || value, callback_data: value }];
  });
  if (buttons.length === 0) return undefined;
  const perRow = buttons.every((button) => [...button.text].length <= SHORT_TITLE) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/**
 * The Markdown the bot writes (paragraphs, "- " bullets, "1." steps, **bold**, links) as Telegram
 * HTML messages within Telegram's limit: split between paragraphs, else between lines, else
 * between words. Measured on the HTML, which is never shorter than the text Telegram counts.
 */
export function toTelegramMessages(markdown: string, limit = MAX_TEXT): string[] {
  const paragraphs = markdown.split(/\n[ \t]*\n/).map((p) => p.trim()).filter(Boolean);
  return pack(paragraphs, '\n\n', limit, (paragraph) => pack(paragraph.split('\n'), '\n', limit, (line) => splitLine(line, limit)));
}

/** Joins parts (rendered) into as few chunks as fit; a part too long on its own is split first. */
function pack(parts: string[], separator: string, limit: number, split: (part: string) => string[]): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const part of parts) {
    const rendered = renderBlock(part);
    for (const piece of rendered.length <= limit ? [rendered] : split(part)) {
      const joined = current ? `${current}${separator}${piece}` : piece;
      if (joined.length <= limit) {
        current = joined;
      } else {
        if (current) chunks.push(current);
        current = piece;
      }
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** A single line longer than a message: cut between words, or inside a word longer than that. */
function splitLine(line: string, limit: number): string[] {
  const words = line.split(/(?<=\s)/).flatMap((word) => (renderBlock(word).length <= limit ? [word] : Array.from(word)));
  const pieces: string[] = [];
  let current = '';
  for (const word of words) {
    if (current && renderBlock(current + word).length > limit) {
      pieces.push(renderBlock(current));
      current = '';
    }
    current += word;
  }
  if (current) pieces.push(renderBlock(current));
  return pieces;
}

function renderBlock(block: string): string {
  return block.split('\n').map(renderLine).join('\n');
}

function renderLine(line: string): string {
  const bullet = /^(\s*)[-*] +/.exec(line);
  return bullet ? `${bullet[1]}• ${renderInline(line.slice(bullet[0].length))}` : renderInline(line);
}

// Bold and link labels must show something: "** **" or "[ ](…)" would make a message Telegram
// refuses as empty, so they stay as they were typed.
const INLINE = /\*\*(?=\S)(.+?)(?<=\S)\*\*|\[([^\]\n]*[^\]\s][^\]\n]*)\]\(([^)\s]+)\)/g;

function renderInline(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    html += escapeHtml(text.slice(last, match.index));
    const [whole, bold, label = '', target = ''] = match;
    html += bold !== undefined ? `<b>${renderInline(bold)}</b>` : renderLink(label, target);
    last = match.index + whole.length;
  }
  return html + escapeHtml(text.slice(last));
}

/**
 * Only https links become links. A tel: link becomes the plain number, which Telegram makes
 * tappable by itself; any other scheme keeps just its label.
 */
function renderLink(label: string, target: string): string {
  if (/^https:\/\//i.test(target)) return `<a href="${escapeHtml(target).replace(/"/g, '&quot;')}">${escapeHtml(label)}</a>`;
  return escapeHtml(label);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
