import WebSocket from 'ws';

/** What a Direct Line client sees of an activity. */
export interface Activity {
  id: string;
  type: string;
  text?: string;
  locale?: string;
  from: { id: string; role?: string };
  suggestedActions?: { actions: Array<{ type: string; title: string; value: string }> };
}

/**
 * A Direct Line 3.0 client written against the protocol, over real HTTP and WebSocket: it knows
 * nothing of the server's code. It collects every activity it receives on its stream.
 */
export class DirectLineClient {
  readonly received: Activity[] = [];
  conversationId = '';
  token = '';
  watermark = '';
  private socket?: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(
    private baseUrl: string,
    readonly userId = `user-${Math.random().toString(36).slice(2)}`,
  ) {}

  async call(method: string, path: string, body?: unknown, token = this.token): Promise<{ status: number; json: any }> {
    const response = await fetch(`${this.baseUrl}/v3/directline${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  /** tokens/generate, then conversations: returns the streamUrl. */
  async start(): Promise<string> {
    const generated = await this.call('POST', '/tokens/generate', undefined, '');
    if (generated.status !== 200) throw new Error(`generate: ${generated.status}`);
    const started = await this.call('POST', '/conversations', undefined, generated.json.token);
    if (started.status !== 201) throw new Error(`start: ${started.status}`);
    this.conversationId = started.json.conversationId;
    this.token = started.json.token;
    return started.json.streamUrl;
  }

  /** Opens the stream; resolves once the socket is open. */
  async connect(streamUrl: string): Promise<void> {
    const socket = new WebSocket(streamUrl);
    this.socket = socket;
    socket.on('message', (data) => {
      const text = data.toString();
      if (!text) return; // keep-alive
      const set = JSON.parse(text) as { activities: Activity[]; watermark: string };
      for (const activity of set.activities) {
        if (!this.received.some((a) => a.id === activity.id)) this.received.push(activity);
      }
      this.watermark = set.watermark;
      for (const wake of this.waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  }

  /** Starts a conversation, opens its stream, and sends the join event a page would send. */
  async open(locale = 'en-US'): Promise<void> {
    await this.connect(await this.start());
    await this.send({ type: 'event', name: 'webchat/join', locale });
  }

  /** Opens as a page would, waits for the language question and picks `lang`; returns the menu that follows. */
  async openIn(lang: string): Promise<Activity> {
    await this.open();
    await this.waitForPrompt(0);
    return this.ask(`lang:${lang}`);
  }

  /** Drops the socket, as a phone losing its signal would. */
  drop(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** Reconnects with the last watermark through a possibly different server. */
  async reconnect(baseUrl = this.baseUrl): Promise<void> {
    this.baseUrl = baseUrl;
    const resumed = await this.call('GET', `/conversations/${this.conversationId}?watermark=${this.watermark}`);
    if (resumed.status !== 200) throw new Error(`reconnect: ${resumed.status}`);
    this.token = resumed.json.token;
    await this.connect(resumed.json.streamUrl);
  }

  async send(activity: Record<string, unknown>): Promise<{ status: number; json: any }> {
    return this.call('POST', `/conversations/${this.conversationId}/activities`, { from: { id: this.userId }, ...activity });
  }

  async say(text: string): Promise<void> {
    const sent = await this.send({ type: 'message', text });
    if (sent.status !== 200) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.json)}`);
  }

  /** Messages from the bot, in order. */
  botMessages(): Activity[] {
    return this.received.filter((a) => a.type === 'message' && a.from.role === 'bot');
  }

  /** Waits until the bot has sent `count` messages in all (default: one more than now). */
  async waitForBotMessages(count = this.botMessages().length + 1, timeoutMs = 10_000): Promise<Activity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.botMessages().length < count) {
      if (Date.now() > deadline) {
        throw new Error(`waited for ${count} bot messages, got ${this.botMessages().length}: ${JSON.stringify(this.botMessages().map((a) => a.text))}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.botMessages();
  }

  /** Sends text and waits for the bot's reply that carries buttons (the prompt that follows). */
  async ask(text: string): Promise<Activity> {
    const before = this.botMessages().length;
    await this.say(text);
    return this.waitForPrompt(before);
  }

  async waitForPrompt(afterCount: number, timeoutMs = 10_000): Promise<Activity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const prompt = this.botMessages().slice(afterCount).find((a) => a.suggestedActions?.actions.length);
      if (prompt) return prompt;
      if (Date.now() > deadline) throw new Error(`no prompt after ${afterCount}: ${JSON.stringify(this.botMessages().map((a) => a.text))}`);
      await this.waitForBotMessages(this.botMessages().length + 1, Math.max(100, deadline - Date.now())).catch(() => undefined);
    }
  }

  close(): void {
    this.socket?.close();
  }
}
