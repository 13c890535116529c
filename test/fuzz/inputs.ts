import fc from 'fast-check';
import { body, brokenJson, field, headerText, hostileHeaders, hostileText, jsonValue, NASTY, pathSegment, payload, query, type Body } from './generators.js';

/**
 * One request of the fuzz suite, described symbolically so that it can be logged and shrunk:
 * `{conv:N}` and `{case:N}` in the path, and `auth`, are filled in by the sender from the fixtures.
 */
export interface FuzzInput {
  /** Which endpoint this input is for (the count per endpoint is reported). */
  endpoint: string;
  method: string;
  path: string;
  auth: Auth;
  headers: Record<string, string>;
  contentType?: string;
  body: Body;
  /** For the stream route: a plain HTTP GET, or a WebSocket upgrade. */
  transport?: 'http' | 'ws';
}

/** Direct Line: which token, and where it is sent. */
export interface DirectLineAuth {
  kind: 'directline';
  token: 'none' | 'valid' | 'other' | 'expired' | 'tampered' | 'garbage';
  /** The fixture conversation the token is for (`valid`), or whose token is used (`other`). */
  conv: number;
  garbage: string;
  scheme: string;
  where: 'header' | 'query' | 'both';
}

export interface TelegramAuth {
  kind: 'telegram';
  secret: 'right' | 'none' | 'wrong';
  wrong: string;
}

export interface ConsoleAuth {
  kind: 'console';
  /** Whose session: a caseworker's, a supervisor's, an editor's, none, or a made-up cookie. */
  staff: 'cw' | 'sup' | 'ed' | 'none' | 'garbage';
  csrf: 'right' | 'none' | 'wrong' | 'other';
  garbage: string;
}

export type Auth = DirectLineAuth | TelegramAuth | ConsoleAuth | { kind: 'none' };

/** Sizes of the fixture pools the symbolic ids point into. */
export const POOL = { conversations: 12, cases: 6 };

const convRef = fc.nat(POOL.conversations - 1).map((i) => `{conv:${i}}`);
const caseRef = fc.nat(POOL.cases - 1).map((i) => `{case:${i}}`);

// ---- Direct Line -------------------------------------------------------------------------------

const DL = '/v3/directline';

function directLineAuth(weights: { valid: number }): fc.Arbitrary<DirectLineAuth> {
  return fc.record({
    kind: fc.constant('directline' as const),
    token: fc.oneof(
      { weight: weights.valid, arbitrary: fc.constant('valid' as const) },
      { weight: 1, arbitrary: fc.constantFrom('none' as const, 'other' as const, 'expired' as const, 'tampered' as const, 'garbage' as const) },
    ),
    conv: fc.nat(POOL.conversations - 1),
    garbage: fc.oneof(headerText, fc.constantFrom('dl1', 'dl1..', 'dl1.e30.x', 'dl1.eyJjIjoxfQ.abc', `dl1.${'A'.repeat(600)}.x`, 'Bearer')),
    scheme: fc.oneof({ weight: 8, arbitrary: fc.constant('Bearer ') }, { weight: 1, arbitrary: fc.constantFrom('bearer ', 'Bearer  ', 'Basic ', '', 'Bearer\t') }),
    where: fc.constantFrom('header' as const, 'header' as const, 'header' as const, 'query' as const, 'both' as const),
  });
}

const conversationSegment = fc.oneof({ weight: 5, arbitrary: convRef }, { weight: 2, arbitrary: pathSegment });
const watermark = query(['watermark', 't'], fc.oneof(fc.nat().map(String), fc.constantFrom('-1', '1.5', '1e3', '-', '', '00', '9007199254740993', ' 1'), hostileText));
const anyHeaders = fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: hostileHeaders });

const ACTIVITY_TYPES = ['message', 'event', 'typing', 'conversationUpdate', 'invoke', 'messageReaction'] as const;
/** What a web chat sends, with hostile text and values. */
const wellFormedActivity = fc.record(
  {
    type: fc.constantFrom(...ACTIVITY_TYPES, 'message', 'message', 'message', 'message'),
    text: fc.oneof(hostileText, fc.constantFrom(...NASTY)),
    from: fc.record({ id: fc.constantFrom('user-1', 'user-2') }),
    locale: fc.constantFrom('en-US', 'ar', 'fa-IR', 'uk-UA', 'xx'),
    name: fc.constantFrom('webchat/join', 'webchat/other'),
    value: jsonValue,
    attachments: fc.array(jsonValue, { maxLength: 3 }),
    channelData: jsonValue,
  },
  { requiredKeys: ['type', 'text', 'from'] },
);
/** Anything in any field. */
const messyActivity = fc.record(
  {
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...ACTIVITY_TYPES, 'message', 'message', 'message') },
      { weight: 2, arbitrary: fc.constantFrom('delay', 'endOfConversation', 'trace', 'handoff', 'installationUpdate', 'MESSAGE', '', 'invokeResponse') },
      { weight: 1, arbitrary: jsonValue },
    ),
    text: field(fc.constantFrom('hello', 'lang:en', 'menu:rights', 'nav:menu', 'my boss took my pasport')),
    name: field(fc.constantFrom('webchat/join', 'webchat/other')),
    locale: field(fc.constantFrom('en-US', 'ar', 'fa-IR', 'uk_UA', 'xx', '')),
    from: field(fc.record({ id: field(fc.constantFrom('user-1', 'user-2')), name: field(fc.constant('Someone')), role: field(fc.constantFrom('user', 'bot')) }, { requiredKeys: [] })),
    value: jsonValue,
    attachments: field(fc.array(jsonValue, { maxLength: 12 })),
    channelData: jsonValue,
    textFormat: field(fc.constantFrom('plain', 'markdown', 'xml')),
    id: hostileText,
    conversation: jsonValue,
    recipient: jsonValue,
  },
  { requiredKeys: ['type'] },
);
const activity = fc.oneof({ weight: 3, arbitrary: wellFormedActivity }, { weight: 2, arbitrary: messyActivity });

export function directLineInputs(): Record<string, { arbitrary: fc.Arbitrary<FuzzInput>; count: number }> {
  const input = (
    endpoint: string,
    method: fc.Arbitrary<string>,
    path: fc.Arbitrary<string>,
    auth: fc.Arbitrary<Auth>,
    bodies: fc.Arbitrary<Body>,
    extra: Partial<Record<'transport', fc.Arbitrary<'http' | 'ws'>>> = {},
  ): fc.Arbitrary<FuzzInput> =>
    fc
      .record({ method, path, auth, headers: anyHeaders, payload: payload(bodies), transport: extra.transport ?? fc.constant(undefined) })
      .map(({ payload: { contentType, body }, transport, ...rest }): FuzzInput => ({ endpoint, ...rest, contentType, body, ...(transport ? { transport } : {}) }));

  const post = fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET', 'OPTIONS') });
  const get = fc.oneof({ weight: 9, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'DELETE', 'POST', 'OPTIONS') });
  const anyBody = body(jsonValue);
  const noBody = fc.oneof({ weight: 3, arbitrary: fc.constant<Body>({ kind: 'none' }) }, { weight: 1, arbitrary: anyBody });
  return {
    'POST /v3/directline/tokens/generate': {
      count: 300,
      arbitrary: input('POST /v3/directline/tokens/generate', post, query(['t'], hostileText).map((q) => `${DL}/tokens/generate${q}`), directLineAuth({ valid: 1 }), noBody),
    },
    'POST /v3/directline/tokens/refresh': {
      count: 500,
      arbitrary: input('POST /v3/directline/tokens/refresh', post, query(['t'], hostileText).map((q) => `${DL}/tokens/refresh${q}`), directLineAuth({ valid: 3 }), noBody),
    },
    'POST /v3/directline/conversations': {
      count: 600,
      arbitrary: input('POST /v3/directline/conversations', post, fc.constant(`${DL}/conversations`), directLineAuth({ valid: 3 }), noBody),
    },
    'GET /v3/directline/conversations/:id': {
      count: 500,
      arbitrary: input(
        'GET /v3/directline/conversations/:id',
        get,
        fc.tuple(conversationSegment, watermark).map(([c, q]) => `${DL}/conversations/${c}${q}`),
        directLineAuth({ valid: 4 }),
        noBody,
      ),
    },
    'GET /v3/directline/conversations/:id/activities': {
      count: 700,
      arbitrary: input(
        'GET /v3/directline/conversations/:id/activities',
        get,
        fc.tuple(conversationSegment, watermark).map(([c, q]) => `${DL}/conversations/${c}/activities${q}`),
        directLineAuth({ valid: 4 }),
        noBody,
      ),
    },
    'POST /v3/directline/conversations/:id/activities': {
      count: 2000,
      arbitrary: input(
        'POST /v3/directline/conversations/:id/activities',
        post,
        fc.tuple(conversationSegment, query(['watermark', 't'], hostileText)).map(([c, q]) => `${DL}/conversations/${c}/activities${q}`),
        directLineAuth({ valid: 6 }),
        body(activity),
      ),
    },
    'POST /v3/directline/conversations/:id/upload': {
      count: 300,
      arbitrary: input(
        'POST /v3/directline/conversations/:id/upload',
        post,
        fc.tuple(conversationSegment, query(['userId'], hostileText)).map(([c, q]) => `${DL}/conversations/${c}/upload${q}`),
        directLineAuth({ valid: 4 }),
        fc.oneof(anyBody, fc.constant<Body>({ kind: 'raw', text: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.exe"\r\n\r\nMZ\r\n--x--\r\n' })),
      ),
    },
    'GET /v3/directline/conversations/:id/stream': {
      count: 400,
      arbitrary: input(
        'GET /v3/directline/conversations/:id/stream',
        get,
        fc.tuple(conversationSegment, watermark).map(([c, q]) => `${DL}/conversations/${c}/stream${q}`),
        directLineAuth({ valid: 2 }),
        noBody,
        { transport: fc.constantFrom('http' as const, 'ws' as const) },
      ),
    },
  };
}

// ---- Telegram ----------------------------------------------------------------------------------

export const WEBHOOK_PATH = '/telegram/webhook-path';
export const BOT_ID = 4242;

const tgId = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }) }, { weight: 1, arbitrary: fc.integer({ min: -(2 ** 52), max: 0 }) });
const badId = fc.oneof(
  fc.constantFrom(2 ** 53, 2 ** 64, -(2 ** 63), 1e300, 1.5, -0.5, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom('12345', '', 'abc', '1e3', '0x10', ' 1'),
  fc.constant(null),
  jsonValue,
);
const unixTime = fc.integer({ min: 1_500_000_000, max: 2_000_000_000 });
const languageCode = fc.constantFrom('en', 'fr', 'es-ES', 'ar', 'fa', 'ru', 'uk', 'de', 'zz', 'pt-br', undefined);
const user = fc.record({ id: tgId, is_bot: fc.constant(false), first_name: hostileText, language_code: languageCode }).map(withoutUndefined);
const privateChat = (id: number) => ({ id, type: 'private', first_name: 'x' });
const groupChat = fc.record({ id: fc.integer({ min: -(2 ** 45), max: -1 }), type: fc.constantFrom('group', 'supergroup', 'channel'), title: hostileText });
const MEDIA = {
  sticker: { file_id: 'f', file_unique_id: 'u', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false },
  photo: [{ file_id: 'f', file_unique_id: 'u', width: 90, height: 90 }],
  voice: { file_id: 'f', file_unique_id: 'u', duration: 3 },
  document: { file_id: 'f', file_unique_id: 'u' },
  location: { latitude: 1, longitude: 2 },
  contact: { phone_number: '+1', first_name: 'x' },
  dice: { emoji: '🎲', value: 3 },
};

/** A private text message, a group message, an edit, a button press, a media message. */
const wellFormedUpdate = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ update_id: fc.nat(), person: user, messageId: fc.nat(), date: unixTime, text: hostileText }).map(({ update_id, person, messageId, date, text }) => ({
      update_id,
      message: { message_id: messageId, date, chat: privateChat(person.id), from: person, text },
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ update_id: fc.nat(), person: user, chat: groupChat, messageId: fc.nat(), date: unixTime, text: fc.oneof(hostileText, fc.constantFrom('/start@help_test_bot', '@help_test_bot help', '/start')), addBot: fc.boolean() })
      .map(({ update_id, person, chat, messageId, date, text, addBot }) => ({
        update_id,
        message: {
          message_id: messageId,
          date,
          chat,
          from: person,
          text,
          ...(addBot ? { new_chat_members: [{ id: BOT_ID, is_bot: true, first_name: 'Helper', username: 'help_test_bot' }] } : {}),
        },
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ update_id: fc.nat(), person: user, messageId: fc.nat(), date: unixTime, text: hostileText }).map(({ update_id, person, messageId, date, text }) => ({
      update_id,
      edited_message: { message_id: messageId, date, edit_date: date + 1, chat: privateChat(person.id), from: person, text },
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ update_id: fc.nat(), person: user, messageId: fc.nat(), data: fc.oneof(hostileText, fc.constantFrom('lang:en', 'menu:rights', 'nav:menu')), inaccessible: fc.boolean() })
      .map(({ update_id, person, messageId, data, inaccessible }) => ({
        update_id,
        callback_query: {
          id: `cb${update_id}`,
          from: person,
          chat_instance: 'i',
          message: inaccessible ? { chat: privateChat(person.id), message_id: messageId, date: 0 } : { message_id: messageId, date: 1_700_000_000, chat: privateChat(person.id), from: { id: BOT_ID, is_bot: true, first_name: 'Helper' }, text: 'q' },
          data,
        },
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ update_id: fc.nat(), person: user, messageId: fc.nat(), date: unixTime, media: fc.constantFrom(...(Object.keys(MEDIA) as Array<keyof typeof MEDIA>)) }).map(({ update_id, person, messageId, date, media }) => ({
      update_id,
      message: { message_id: messageId, date, chat: privateChat(person.id), from: person, [media]: MEDIA[media] },
    })),
  },
);

const UNKNOWN_TYPES = [
  'channel_post', 'edited_channel_post', 'inline_query', 'chosen_inline_result', 'shipping_query', 'pre_checkout_query', 'poll', 'poll_answer',
  'my_chat_member', 'chat_member', 'chat_join_request', 'message_reaction', 'message_reaction_count', 'chat_boost', 'removed_chat_boost',
  'business_connection', 'business_message', 'edited_business_message', 'deleted_business_messages', 'purchased_paid_media', 'future_update_type',
];

/** Where in an update a field can be replaced or removed. */
const FIELD_PATHS = [
  ['update_id'], ['message'], ['message', 'chat'], ['message', 'chat', 'id'], ['message', 'chat', 'type'], ['message', 'from'], ['message', 'from', 'id'],
  ['message', 'from', 'language_code'], ['message', 'text'], ['message', 'date'], ['message', 'message_id'], ['message', 'new_chat_members'],
  ['edited_message', 'chat'], ['edited_message', 'from', 'id'], ['edited_message', 'text'],
  ['callback_query'], ['callback_query', 'id'], ['callback_query', 'data'], ['callback_query', 'from'], ['callback_query', 'from', 'id'],
  ['callback_query', 'message'], ['callback_query', 'message', 'chat'], ['callback_query', 'message', 'chat', 'id'], ['callback_query', 'message', 'message_id'],
];

const telegramUpdate: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: wellFormedUpdate },
  // A field of the wrong type (chat ids as strings, huge or fractional ids, objects for text…).
  { weight: 3, arbitrary: fc.tuple(wellFormedUpdate, fc.constantFrom(...FIELD_PATHS), fc.oneof(badId, jsonValue)).map(([update, path, value]) => setPath(update, path, value)) },
  // Missing fields.
  { weight: 2, arbitrary: fc.tuple(wellFormedUpdate, fc.constantFrom(...FIELD_PATHS)).map(([update, path]) => setPath(update, path, undefined)) },
  // Update types the bot does not ask for, and made-up ones.
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...UNKNOWN_TYPES), fc.string({ maxLength: 10 })), jsonValue).map(([id, type, value]) => ({ update_id: id, [type]: value })) },
  { weight: 1, arbitrary: fc.record({ update_id: badId, message: fc.constant({ message_id: 1, date: 1, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'x' }, text: 'hi' }) }) },
  { weight: 1, arbitrary: jsonValue },
);

export function telegramInputs(): Record<string, { arbitrary: fc.Arbitrary<FuzzInput>; count: number }> {
  const telegramAuth = (secret: fc.Arbitrary<TelegramAuth['secret']>) =>
    fc.record({ kind: fc.constant('telegram' as const), secret, wrong: headerText });
  const input = (endpoint: string, secret: fc.Arbitrary<TelegramAuth['secret']>, bodies: fc.Arbitrary<Body>): fc.Arbitrary<FuzzInput> =>
    fc
      .record({
        method: fc.oneof({ weight: 19, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT') }),
        auth: telegramAuth(secret),
        headers: anyHeaders,
        payload: payload(bodies),
      })
      .map(({ payload: { contentType, body }, ...rest }): FuzzInput => ({ endpoint, path: WEBHOOK_PATH, ...rest, contentType, body }));
  return {
    'POST telegram webhook, with the secret': { count: 2800, arbitrary: input('POST telegram webhook, with the secret', fc.constant('right'), body(telegramUpdate)) },
    'POST telegram webhook, without the secret': {
      count: 400,
      arbitrary: input('POST telegram webhook, without the secret', fc.constantFrom('none', 'wrong'), fc.oneof(body(telegramUpdate), brokenJson.map((text): Body => ({ kind: 'raw', text })))),
    },
  };
}

// ---- the console ---------------------------------------------------------------------------------

const API = '/console/api';

export interface ConsoleVocabulary {
  topicIds: string[];
  organisations: string[];
  serviceKinds: readonly string[];
}

export function consoleInputs(words: ConsoleVocabulary): Record<string, { arbitrary: fc.Arbitrary<FuzzInput>; count: number }> {
  const auth = (weights: { good: number }) =>
    fc.record({
      kind: fc.constant('console' as const),
      staff: fc.oneof({ weight: weights.good * 3, arbitrary: fc.constant('cw' as const) }, { weight: weights.good, arbitrary: fc.constant('sup' as const) }, { weight: 1, arbitrary: fc.constantFrom('ed' as const, 'none' as const, 'garbage' as const) }),
      csrf: fc.oneof({ weight: weights.good * 4, arbitrary: fc.constant('right' as const) }, { weight: 1, arbitrary: fc.constantFrom('none' as const, 'wrong' as const, 'other' as const) }),
      garbage: headerText,
    });
  const key = fc.oneof({ weight: 4, arbitrary: caseRef }, { weight: 2, arbitrary: pathSegment });
  // Every sign-in attempt from one address counts toward its limit, which keeps the (slow on
  // purpose) password checks few: the address is never varied here.
  const consoleHeaders = fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: hostileHeaders.map(({ 'x-forwarded-for': _ip, ...rest }) => rest) });
  const text = field(fc.constantFrom('hello', 'A note.', '** **', '[ ](https://example.org)', '- ', '<b>hi</b>'));

  /** Route, method, and the body it expects (with hostile values), for every staff route. */
  const routes: Array<{ label: string; method: string; path: fc.Arbitrary<string>; body?: fc.Arbitrary<unknown> }> = [
    { label: 'DELETE /session', method: 'DELETE', path: fc.constant('/session') },
    { label: 'GET /me', method: 'GET', path: fc.constant('/me') },
    { label: 'PUT /me/chat-limit', method: 'PUT', path: fc.constant('/me/chat-limit'), body: fc.record({ limit: field(fc.integer({ min: 0, max: 6 })) }, { requiredKeys: [] }) },
    { label: 'GET /cases', method: 'GET', path: query(['x'], hostileText).map((q) => `/cases${q}`) },
    { label: 'GET /staff', method: 'GET', path: fc.constant('/staff') },
    { label: 'GET /services', method: 'GET', path: fc.constant('/services') },
    { label: 'GET /audit', method: 'GET', path: query(['limit', 'conversationKey'], fc.oneof(fc.integer({ min: -5, max: 6000 }).map(String), hostileText)).map((q) => `/audit${q}`) },
    { label: 'GET /cases/:key', method: 'GET', path: key.map((k) => `/cases/${k}`) },
    { label: 'GET /cases/:key/canned', method: 'GET', path: key.map((k) => `/cases/${k}/canned`) },
    { label: 'POST /cases/:key/claim', method: 'POST', path: key.map((k) => `/cases/${k}/claim`) },
    { label: 'POST /cases/:key/messages', method: 'POST', path: key.map((k) => `/cases/${k}/messages`), body: fc.record({ text }, { requiredKeys: [] }) },
    {
      label: 'POST /cases/:key/topic-answers',
      method: 'POST',
      path: key.map((k) => `/cases/${k}/topic-answers`),
      body: fc.record({ topicId: field(fc.constantFrom(...words.topicIds, 'no.such.topic')) }, { requiredKeys: [] }),
    },
    { label: 'POST /cases/:key/typing', method: 'POST', path: key.map((k) => `/cases/${k}/typing`) },
    { label: 'POST /cases/:key/notes', method: 'POST', path: key.map((k) => `/cases/${k}/notes`), body: fc.record({ text }, { requiredKeys: [] }) },
    {
      label: 'POST /cases/:key/referrals',
      method: 'POST',
      path: key.map((k) => `/cases/${k}/referrals`),
      body: fc.record(
        {
          country: field(fc.constantFrom('IT', 'DE', 'INT', 'ZZ', 'it', 'ITA')),
          kind: field(fc.constantFrom(...words.serviceKinds, 'nope')),
          organisation: field(fc.constantFrom(...words.organisations)),
        },
        { requiredKeys: [] },
      ),
    },
    {
      label: 'POST /cases/:key/transfer',
      method: 'POST',
      path: key.map((k) => `/cases/${k}/transfer`),
      body: fc.record({ to: field(fc.constantFrom('cw', 'sup', 'ed', 'nobody', null)), note: text }, { requiredKeys: [] }),
    },
    { label: 'POST /cases/:key/hand-back', method: 'POST', path: key.map((k) => `/cases/${k}/hand-back`) },
    { label: 'POST /cases/:key/close', method: 'POST', path: key.map((k) => `/cases/${k}/close`) },
  ];

  const staffRoute = fc.constantFrom(...routes).chain((route) =>
    fc
      .record({
        method: fc.oneof({ weight: 19, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE') }),
        path: route.path.map((p) => `${API}${p}`),
        auth: auth({ good: 3 }),
        headers: consoleHeaders,
        payload: payload(route.body ? body(route.body) : fc.oneof({ weight: 3, arbitrary: fc.constant<Body>({ kind: 'none' }) }, { weight: 1, arbitrary: body(jsonValue) })),
      })
      .map(({ payload: { contentType, body }, ...rest }): FuzzInput => ({
        endpoint: `${route.method} /console/api${route.label.slice(route.label.indexOf(' ') + 1)}`,
        ...rest,
        contentType,
        body,
      })),
  );

  const login: fc.Arbitrary<FuzzInput> = fc
    .record({
      headers: consoleHeaders,
      payload: payload(
        body(
          fc.record(
            { username: field(fc.constantFrom('cw', 'sup', 'CW', ' cw ', 'nobody', 'a', 'cw\u0000')), password: field(fc.constantFrom('wrong password', 'x', '')) },
            { requiredKeys: [] },
          ),
        ),
      ),
    })
    .map(({ headers, payload: { contentType, body } }): FuzzInput => ({
      endpoint: 'POST /console/api/session',
      method: 'POST',
      path: `${API}/session`,
      auth: { kind: 'none' },
      headers,
      contentType,
      body,
    }));

  return {
    'POST /console/api/session': { count: 400, arbitrary: login },
    'console API, signed in or not': { count: 2000, arbitrary: staffRoute },
    'GET /console/ws (plain HTTP)': {
      count: 100,
      arbitrary: fc.record({
        endpoint: fc.constant('GET /console/ws'),
        method: fc.constant('GET'),
        path: query(['csrf'], hostileText).map((q) => `/console/ws${q}`),
        auth: auth({ good: 3 }),
        headers: fc.constant({}),
        contentType: fc.constant(undefined),
        body: fc.constant<Body>({ kind: 'none' }),
      }),
    },
  };
}

// ---- anything else -------------------------------------------------------------------------------

export function strayInputs(): Record<string, { arbitrary: fc.Arbitrary<FuzzInput>; count: number }> {
  return {
    'unknown paths and methods': {
      count: 250,
      arbitrary: fc
        .record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
          path: fc
            .tuple(fc.constantFrom('/', '/v3/', '/v3/directline/', '/console/', '/console/api/', '/telegram/', '/v3/directline/conversations/'), pathSegment, query(['a'], hostileText))
            .map(([prefix, segment, q]) => `${prefix}${segment}${q}`),
          headers: anyHeaders,
          payload: payload(body(jsonValue)),
        })
        .map(({ payload: { contentType, body }, ...rest }): FuzzInput => ({ endpoint: 'unknown paths and methods', auth: { kind: 'none' }, ...rest, contentType, body })),
    },
  };
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A copy of `value` with the field at `path` set (or removed, for undefined); missing parents are skipped. */
function setPath(value: unknown, path: string[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return copy;
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}
