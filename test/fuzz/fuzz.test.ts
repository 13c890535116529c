import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { App } from '../../src/app.js';
import { createPseudonymizer } from '../../src/bot/pseudonym.js';
import { KnowledgeBase } from '../../src/content/knowledge-base.js';
import { SERVICE_KINDS } from '../../src/content/schema.js';
import { PASSWORD, StaffClient, staffFile } from '../console/support.js';
import { DirectLineClient, type Activity } from '../support/directline-client.js';
import { startTelegramTestServer, TEST_SECRET } from '../support/server.js';
import { BOT_USER, TelegramDouble, type SentMessage } from '../support/telegram-double.js';
import { consoleInputs, directLineInputs, POOL, strayInputs, telegramInputs, WEBHOOK_PATH, type FuzzInput } from './inputs.js';
import { describeInput, problemWith, send, type Fixtures } from './send.js';

/**
 * Thousands of malformed and hostile requests, over real HTTP, to every public endpoint: the
 * Direct Line routes, the Telegram webhook and the console API. Every answer must be a clear 4xx
 * (with the JSON error body) or a normal reply, the server must log no failure, and three people
 * talking to it meanwhile (web chat, Telegram, web chat with a caseworker) must get the same
 * replies, in the same order, before, during and after.
 *
 * Reproducible: the inputs come from fast-check with a fixed seed (FUZZ_SEED to change it). A
 * failing input is reported as sent, then shrunk by fast-check.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
/** Only the endpoints matching this pattern (for a closer look at one); all of them by default. */
const ONLY = new RegExp(process.env.FUZZ_ONLY ?? '');
const CONCURRENCY = 12;
const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Family {
  endpoint: string;
  arbitrary: fc.Arbitrary<FuzzInput>;
  count: number;
  seed: number;
}

interface Failure {
  family: Family;
  index: number;
  input: FuzzInput;
  problem: string;
}

describe('fuzzing every public endpoint', () => {
  let double: TelegramDouble;
  let app: App;
  let close: () => Promise<void>;
  let fixtures: Fixtures;
  const logs: string[] = [];
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(String((error as Error)?.stack ?? error));
  const knowledge = KnowledgeBase.load();

  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    const file = await staffFile([
      { username: 'cw', roles: ['caseworker'] },
      { username: 'sup', roles: ['supervisor'] },
      { username: 'ed', roles: ['editor'] },
      { username: 'amina', name: 'Amina', roles: ['caseworker'] },
    ]);
    ({ app, double, close } = await startTelegramTestServer(
      {
        STAFF_FILE: file,
        // So that the inputs reach the code behind the limits (the limits have their own tests).
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
        LOG_LEVEL: 'warn',
      },
      { webhook: { url: `https://example.org${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET }, logTo: { write: (line) => logs.push(line) } },
    ));

    // Signed in from an address of their own: the fuzzed sign-ins use up the test address's attempts.
    const signIn = async (username: string) => {
      const client = new StaffClient(app.url);
      const answer = await client.call('POST', '/session', { username, password: PASSWORD }, { headers: { 'x-forwarded-for': '198.51.100.1' } });
      client.cookie = answer.headers.get('set-cookie')!.split(';')[0]!;
      client.csrf = answer.json.csrfToken;
      return client;
    };
    const staff = { cw: await signIn('cw'), sup: await signIn('sup'), ed: await signIn('ed') };

    const conversations: Fixtures['conversations'] = [];
    for (let i = 0; i < POOL.conversations; i++) {
      const client = new DirectLineClient(app.url);
      await client.start();
      conversations.push({ id: client.conversationId, token: client.token });
    }
    // Cases for the console to act on: web chats of the pool, and one Telegram chat.
    const telegramChat = 900_000_001;
    await postUpdate(app.url, { update_id: 1, message: { message_id: 1, date: 1_700_000_000, chat: { id: telegramChat, type: 'private' }, from: { id: telegramChat, is_bot: false, first_name: 'T' }, text: '/start' } });
    await double.waitForPrompt(telegramChat, 0, 20_000);
    const cases = conversations.slice(0, POOL.cases - 1).map((c) => c.id);
    cases.push(createPseudonymizer(TEST_SECRET)('telegram', String(telegramChat)));
    fixtures = { baseUrl: app.url, webhookSecret: WEBHOOK_SECRET, conversations, cases, staff };
    await openCases();
  });

  // Closing must not hang either (a socket left open by a refused request would hold it up).
  afterAll(async () => {
    await close?.();
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });

  /** Opens the fuzz cases again once the fuzzing closed them, and has the caseworker take them. */
  async function openCases(): Promise<void> {
    for (const key of fixtures.cases) {
      const telegram = !fixtures.conversations.some((c) => c.id === key);
      await app.handoff.request({
        conversationKey: key,
        channel: telegram ? 'telegram' : 'directline',
        language: 'en',
        urgent: false,
        shared: { recentMessages: ['\u202eevil', '<b>x</b>'] },
        reference: { channelId: telegram ? 'telegram' : 'directline', conversation: { id: key, isGroup: false, conversationType: 'personal', name: '' }, serviceUrl: '' },
      });
      // Taken, so that messages, notes and referrals reach the person's channel.
      await fixtures.staff.cw.call('POST', `/cases/${encodeURIComponent(key)}/claim`);
    }
  }

  it('answers ≥ 10,000 hostile inputs with clear 4xx or normal replies, while three conversations go on unharmed', { timeout: 170_000 }, async () => {
    const started = Date.now();
    const words = {
      topicIds: [...knowledge.content.topics.keys()].slice(0, 20),
      organisations: [...knowledge.content.countries.values()].flatMap((c) => c.services.map((s) => s.organisation)).slice(0, 30),
      serviceKinds: SERVICE_KINDS,
    };
    const families: Family[] = Object.entries({ ...directLineInputs(), ...telegramInputs(), ...consoleInputs(words), ...strayInputs() }).map(
      ([endpoint, { arbitrary, count }], i) => ({ endpoint, arbitrary, count, seed: SEED + i }),
    ).filter((family) => ONLY.test(family.endpoint));

    // The three people, before the fuzzing.
    const people = await startPeople(app, double);
    const first = await people.round();
    const fuzzStarted = Date.now();

    // The fuzzing, every family mixed, in parallel batches; the people keep talking meanwhile.
    const work = families.flatMap((family) => fc.sample(family.arbitrary, { seed: family.seed, numRuns: family.count }).map((input, index) => ({ family, index, input })));
    shuffle(work, SEED);
    const failures: Failure[] = [];
    const sent = new Map<string, number>();
    let done = false;
    const during: string[][][] = [];
    const talking = (async () => {
      while (!done && during.length < 100) {
        during.push(await people.round());
        await sleep(250);
      }
    })();
    const reopening = (async () => {
      while (!done) {
        await sleep(1000);
        await openCases();
      }
    })();
    let next = 0;
    const pending = new Map<FuzzInput, number>();
    const progress = setInterval(() => {
      console.log(`progress: ${next} sent, ${during.length} rounds, ${failures.length} failures`);
      for (const [input, at] of pending) if (Date.now() - at > 5000) console.log(`  waiting ${Date.now() - at} ms: ${describeInput(input).slice(0, 600)}`);
    }, 10_000);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < work.length) {
          const { family, index, input } = work[next++]!;
          pending.set(input, Date.now());
          const problem = await probe(input);
          pending.delete(input);
          sent.set(input.endpoint, (sent.get(input.endpoint) ?? 0) + 1);
          if (problem) failures.push({ family, index, input, problem });
        }
      }),
    );
    done = true;
    clearInterval(progress);
    const fuzzSeconds = Math.round((Date.now() - fuzzStarted) / 1000);
    await Promise.all([talking, reopening]);
    const after = await people.round();
    await people.finish();
    const health = await fetch(`${app.url}/healthz`);

    const total = [...sent.values()].reduce((a, b) => a + b, 0);
    console.log(
      [`fuzz: ${total} inputs in ${fuzzSeconds} s (${Math.round((Date.now() - started) / 1000)} s in all), seed ${SEED}, ${during.length} rounds of conversation meanwhile`]
        .concat(
          [...sent.entries()].sort().map(([endpoint, n]) => {
            const byStatus = [...(statuses.get(endpoint) ?? [])].sort((a, b) => a[0] - b[0]).map(([status, k]) => `${status}×${k}`);
            return `  ${String(n).padStart(5)}  ${endpoint}  (${byStatus.join(' ')})`;
          }),
        )
        .concat(warningsIn(logs).map(([message, n]) => `  logged ${n} × ${message}`))
        .concat(slowest.map((s) => `  slow: ${Math.round(s.ms)} ms ${describeInput(s.input).slice(0, 400)}`))
        .join('\n'),
    );

    if (failures.length > 0) throw new Error(await report(failures));
    if (!process.env.FUZZ_ONLY) expect(total).toBeGreaterThanOrEqual(10_000);
    expect(health.status).toBe(200);
    // The same replies, in the same order, before, during and after.
    for (const round of [...during, after]) expect(round).toEqual(first);
    expect(during.length).toBeGreaterThan(0);
    people.checkOrder();
    expect(crashes.join('\n')).toBe('');
    expect(failuresInLogs(logs).join('\n')).toBe('');
  });

  /** The slowest answers, and the answers by status per endpoint, for the summary. */
  const slowest: Array<{ ms: number; input: FuzzInput }> = [];
  const statuses = new Map<string, Map<number, number>>();

  /** Sends one input; the problem with its answer, or undefined. */
  async function probe(input: FuzzInput): Promise<string | undefined> {
    const start = performance.now();
    try {
      const answer = await send(input, fixtures);
      const tally = statuses.get(input.endpoint) ?? new Map<number, number>();
      statuses.set(input.endpoint, tally.set(answer.status, (tally.get(answer.status) ?? 0) + 1));
      return problemWith(input, answer);
    } catch (error) {
      // A 431 (headers or URL too long) refused before the request line was read cannot know that it
      // answers a HEAD, whose answer has no body: the client's parser then refuses its JSON body.
      if (input.method === 'HEAD' && /Data after `Connection: close`/.test((error as Error).message)) return undefined;
      return `no answer: ${(error as Error).message} ${String((error as Error & { cause?: unknown }).cause ?? '')}`;
    } finally {
      slowest.push({ ms: performance.now() - start, input });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
    }
  }
  /** The failures as sent, and the first one shrunk by fast-check (replaying its run). */
  async function report(failures: Failure[]): Promise<string> {
    const lines = [`${failures.length} inputs were answered wrongly (seed ${SEED}):`];
    const kinds = new Map<string, Failure[]>();
    for (const f of failures) {
      const kind = `${f.input.endpoint}: ${f.problem.replace(/:.*$/s, '').slice(0, 80)}`;
      kinds.set(kind, [...(kinds.get(kind) ?? []), f]);
    }
    for (const [kind, all] of kinds) lines.push(`${String(all.length).padStart(5)} × ${kind}`);
    for (const f of [...kinds.values()].map((all) => all[0]!)) lines.push(`- ${f.family.endpoint} #${f.index}: ${f.problem}\n  ${describeInput(f.input)}`);
    const first = failures[0]!;
    const shrunk = await fc.check(
      fc.asyncProperty(first.family.arbitrary, async (input) => (await probe(input)) === undefined),
      { seed: first.family.seed, path: String(first.index), numRuns: 1 },
    );
    if (shrunk.failed && shrunk.counterexample) {
      const [input] = shrunk.counterexample;
      lines.push(`shrunk (${first.family.endpoint}): ${await probe(input)}\n  ${describeInput(input)}`);
    }
    return lines.join('\n');
  }
});

/** Errors the server logged: failed requests, turns and updates (warnings are not counted). */
function failuresInLogs(lines: string[]): string[] {
  return lines
    .map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown })
    .filter((entry) => entry.level >= 50)
    .map((entry) => `${entry.msg} ${JSON.stringify(entry.err ?? '')}`);
}

/** Warnings the server logged (a refused call to the Bot API…), by message, for the summary. */
function warningsIn(lines: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const entry = JSON.parse(line) as { level: number; msg: string; method?: string; err?: { message?: string } };
    if (entry.level !== 40) continue;
    const message = `${entry.msg}${entry.method ? ` (${entry.method})` : ''}: ${entry.err?.message?.slice(0, 80) ?? ''}`;
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** Deterministic Fisher–Yates, so that a seed always gives the same order. */
function shuffle<T>(items: T[], seed: number): void {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

let updateId = 1_000_000_000;
function postUpdate(baseUrl: string, update: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
}

const describeActivity = (a: Activity) => `${a.text ?? ''}${a.suggestedActions ? ` [${a.suggestedActions.actions.map((x) => x.value).join(' ')}]` : ''}`;
const describeMessage = (m: SentMessage) => `${m.text}${m.reply_markup ? ` [${m.reply_markup.inline_keyboard.flat().map((b) => b.callback_data).join(' ')}]` : ''}`;
/** What each person does in one round: from the menu, through a few answers, back to the menu. */
const ROUND = ['menu:privacy', 'nav:menu', 'my boss took my pasport', 'nav:menu'];
const WAIT_MS = 60_000;

/**
 * Three people: one on the web chat, one on Telegram (through the webhook), one on the web chat
 * talking to a caseworker through the console. `round()` runs one exchange of each, at once, and
 * returns what each saw.
 */
async function startPeople(app: App, double: TelegramDouble) {
  // On the web chat.
  const web = new DirectLineClient(app.url);
  await web.open('en-US');
  await web.waitForPrompt(0, WAIT_MS);
  await web.ask('lang:en');

  // On Telegram.
  const person = { id: 777_000_001, is_bot: false, first_name: 'Maria', language_code: 'en' };
  const chat = { id: person.id, type: 'private' };
  const tell = async (text: string) => {
    const before = double.messagesTo(person.id).length;
    const last = double.messagesTo(person.id).findLast((m) => m.reply_markup?.inline_keyboard.flat().some((b) => b.callback_data === text));
    // A button of the last prompt is pressed; anything else is typed.
    const update = last
      ? { callback_query: { id: `press${updateId}`, from: person, chat_instance: 'maria', message: { message_id: last.message_id, date: 1_700_000_000, chat, from: BOT_USER, text: last.text }, data: text } }
      : { message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat, from: person, text } };
    const answer = await postUpdate(app.url, { update_id: updateId++, ...update });
    expect(answer.status).toBe(200);
    const prompt = await double.waitForPrompt(person.id, before, WAIT_MS);
    const messages = double.messagesTo(person.id);
    return messages.slice(before, messages.indexOf(prompt) + 1).map(describeMessage);
  };
  await tell('/start');
  await tell('lang:en');

  // On the web chat, with a caseworker.
  const amina = await StaffClient.signIn(app.url, 'amina');
  const socket: WebSocket = await amina.openSocket();
  const heartbeat = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat' })), 10_000);
  const helped = new DirectLineClient(app.url);
  await helped.open('en-US');
  await helped.waitForPrompt(0, WAIT_MS);
  await helped.ask('lang:en');
  const share = await helped.ask('menu:human');
  expect(share.suggestedActions?.actions.map((a) => a.value)).toEqual(['share:yes', 'share:no']);
  await helped.ask('share:no');
  const key = helped.conversationId;
  const before = helped.botMessages().length;
  expect((await amina.call('POST', `/cases/${key}/claim`)).status).toBe(200);
  expect((await helped.waitForBotMessages(before + 1, WAIT_MS)).at(-1)?.text).toMatch(/Amina/);
  let round = 0;

  const webRound = async () => {
    const seen: string[] = [];
    for (const text of ROUND) {
      const before = web.botMessages().length;
      await web.say(text);
      const prompt = await web.waitForPrompt(before, WAIT_MS);
      const messages = web.botMessages();
      seen.push(`> ${text}`, ...messages.slice(before, messages.indexOf(prompt) + 1).map(describeActivity));
    }
    return seen;
  };
  const telegramRound = async () => {
    const seen: string[] = [];
    for (const text of ROUND) seen.push(`> ${text}`, ...(await tell(text)));
    return seen;
  };
  const caseworkerRound = async () => {
    round += 1;
    const seen: string[] = [];
    const before = helped.botMessages().length;
    const sent = await amina.call('POST', `/cases/${key}/messages`, { text: `Message ${round} from Amina` });
    seen.push(`caseworker sent: ${sent.status}`);
    const received = await helped.waitForBotMessages(before + 1, WAIT_MS);
    seen.push(`person received: ${received.slice(before).map((a) => a.text?.replace(String(round), 'N')).join(' | ')}`);
    await helped.say(`Thank you ${round}`);
    const deadline = Date.now() + WAIT_MS;
    let last: string | undefined;
    while (Date.now() < deadline) {
      const view = await amina.call('GET', `/cases/${key}`);
      last = view.json.transcript?.at(-1)?.text;
      if (last === `Thank you ${round}`) break;
      await sleep(100);
    }
    seen.push(`caseworker saw: ${last?.replace(String(round), 'N')}`);
    // The bot stays silent while the caseworker has the chat.
    seen.push(`bot messages since: ${helped.botMessages().length - before - 1}`);
    return seen;
  };

  return {
    round: async () => Promise.all([webRound(), telegramRound(), caseworkerRound()]),
    /** Every client saw each activity once, in the order of the log. */
    checkOrder() {
      for (const client of [web, helped]) {
        const ids = client.received.map((a) => Number(a.id.split('|')[1]));
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(ids.length);
      }
      const delivered = double.messagesTo(person.id).map((m) => m.message_id);
      expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
    },
    async finish() {
      clearInterval(heartbeat);
      const before = helped.botMessages().length;
      expect((await amina.call('POST', `/cases/${key}/hand-back`)).json).toEqual({ told: true });
      const menu = await helped.waitForPrompt(before, WAIT_MS);
      expect(menu.suggestedActions?.actions.map((a) => a.value)).toContain('menu:human');
      socket.close();
      web.close();
      helped.close();
    },
  };
}
