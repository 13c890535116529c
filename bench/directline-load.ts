import type { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { callJson } from './http.js';
import { failureOf, type Driver, type TurnTiming } from './load.js';
import { pool, round, withTimeout } from './stats.js';

/**
 * Direct Line load: conversations opened as the web page opens them (tokens/generate,
 * conversations, a WebSocket stream each, the join event), taken past the language choice, then
 * each sends messages one after another: send, wait for the end of the bot's reply on its socket,
 * send the next. A turn ends with the bot's message that carries buttons (every turn of the bot
 * ends with a prompt); its latency runs from the start of the POST to that message's arrival.
 */

const TURN_TIMEOUT_MS = 30_000;

interface Pending {
  start: number;
  first?: number;
  resolve: (end: number) => void;
  reject: (error: Error) => void;
}

class Conversation {
  id = '';
  private token = '';
  private socket?: WebSocket;
  private pending?: Pending;

  constructor(
    private readonly baseUrl: string,
    private readonly agent: Agent,
    private readonly userId: string,
  ) {}

  private call(method: string, path: string, body?: unknown, token = this.token) {
    return callJson(this.agent, method, `${this.baseUrl}/v3/directline${path}`, body, token ? { authorization: `Bearer ${token}` } : {});
  }

  /** Opens the conversation and its stream, then picks English: ready for questions at the menu. */
  async open(): Promise<void> {
    const generated = await this.call('POST', '/tokens/generate', undefined, '');
    if (generated.status !== 200) throw new Error(`tokens/generate: ${generated.status} ${JSON.stringify(generated.json)}`);
    const started = await this.call('POST', '/conversations', undefined, generated.json.token);
    if (started.status !== 201) throw new Error(`conversations: ${started.status}`);
    this.id = started.json.conversationId;
    this.token = started.json.token;
    await this.connect(started.json.streamUrl);
    await this.turn({ type: 'event', name: 'webchat/join', locale: 'en-US' }); // greeting, then the language prompt
    await this.turn({ type: 'message', text: 'lang:en', locale: 'en-US' }); // "English it is", then the menu
  }

  private async connect(streamUrl: string): Promise<void> {
    const socket = new WebSocket(streamUrl, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('message', (data) => {
      const at = performance.now();
      const text = data.toString();
      if (!text) return; // keep-alive
      const set = JSON.parse(text) as {
        activities: Array<{ type: string; text?: string; from?: { role?: string }; suggestedActions?: { actions?: unknown[] } }>;
      };
      for (const activity of set.activities) {
        if (activity.type !== 'message' || activity.from?.role !== 'bot' || !this.pending) continue;
        const failure = failureOf(activity.text);
        if (failure) {
          const { reject } = this.pending;
          this.pending = undefined;
          reject(new Error(`the bot answered with its apology ${failure}`));
          continue;
        }
        this.pending.first ??= at;
        if (activity.suggestedActions?.actions?.length) {
          const { resolve } = this.pending;
          this.pending = undefined;
          resolve(at);
        }
      }
    });
    socket.on('error', () => undefined);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      TURN_TIMEOUT_MS,
      'websocket open',
    );
  }

  /** Posts one activity and waits for the end of the bot's reply. */
  async turn(activity: Record<string, unknown>): Promise<TurnTiming> {
    const start = performance.now();
    let pending!: Pending;
    const ended = new Promise<number>((resolve, reject) => {
      pending = { start, resolve, reject };
      this.pending = pending;
    });
    ended.catch(() => undefined); // awaited below; a failure before the POST returns is not unhandled
    const posted = await this.call('POST', `/conversations/${this.id}/activities`, { from: { id: this.userId }, ...activity });
    if (posted.status !== 200) {
      this.pending = undefined;
      throw new Error(`activities: ${posted.status} ${JSON.stringify(posted.json)}`);
    }
    const end = await withTimeout(ended, TURN_TIMEOUT_MS, 'the bot reply on the stream');
    return { turnMs: end - start, firstMs: (pending.first ?? end) - start };
  }

  close(): void {
    this.socket?.terminate();
  }
}

/** Conversations opened and ready at the menu, driven by bench/load.ts. */
export class DirectLineDriver implements Driver {
  readonly count: number;
  private constructor(
    private readonly list: Conversation[],
    readonly setUpSeconds: number,
  ) {
    this.count = list.length;
  }

  /** Opens `count` conversations, 50 at a time (a crowd arriving, not 1,000 handshakes at once), past the language choice. */
  static async open(baseUrl: string, agent: Agent, count: number, tag: string): Promise<DirectLineDriver> {
    const list = Array.from({ length: count }, (_, i) => new Conversation(baseUrl, agent, `bench-${tag}-${i}`));
    const started = performance.now();
    await pool(list, 50, (conversation) => conversation.open());
    return new DirectLineDriver(list, round((performance.now() - started) / 1000));
  }

  turn(index: number, text: string): Promise<TurnTiming> {
    return this.list[index]!.turn({ type: 'message', text, locale: 'en-US' });
  }

  close(): void {
    for (const conversation of this.list) conversation.close();
  }
}
