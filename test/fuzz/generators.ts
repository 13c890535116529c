import fc from 'fast-check';

/**
 * Generators of hostile input for the fuzz suite. Every input is a plain object describing one
 * HTTP request symbolically (which token, which session, which conversation), so that it can be
 * logged, replayed and shrunk; `fuzz.test.ts` fills in the real tokens and ids when it sends it.
 */

// ---- text ------------------------------------------------------------------------------------

/** Control and formatting characters, bidi overrides (U+202E…), separators, BOMs, noncharacters. */
const CONTROL = [
  ...'\u0000\u0001\u0002\u0007\b\t\n\u000b\f\r\u001b\u007f\u0080\u0085\u009f\u00a0\u00ad\u061c\u180e',
  ...'\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffc\ufffd\uffff',
  '\ud800', // lone surrogates
  '\udfff',
];
const EMOJI = ['😀', '👍🏿', '👩🏽‍⚕️', '🏳️‍🌈', '🇺🇦', '🧕🏾', '👨‍👩‍👧‍👦', '❤️‍🔥', '🫶', '🤲🏽', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '\u{1F600}\u{FE0F}\u{20E3}'];
/** Markup, injections, numbers that are not, the bot's own commands and button ids. */
export const NASTY = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "' OR '1'='1", '${7*7}', '{{7*7}}',
  '%s%s%n', '../../../../etc/passwd', 'javascript:alert(1)', '__proto__', 'constructor', 'prototype', 'toString', 'null',
  'undefined', 'NaN', '-0', '1e309', '0x1F', '%00', '%E0%A4%A', 'ثم نفس سقطت وبالتحديد،', 'בְּרֵאשִׁית', 'Z̮̞̠͙͔ͅḀ̗̞͈̻̗Ḷ͙͎̯̹̞͓G̻O̭̗̮', '𝕳𝖊𝖑𝖑𝖔',
  '/start', '/start payload', '/start@help_test_bot', '/forget', '/stop', '/menu', '/help', '/human', '/language', '/', 'lang:en',
  'lang:ar', 'lang:xx', 'menu:human', 'menu:check', 'menu:services', 'topic:does-not-exist', 'country:ZZ', 'country:IT',
  'handoff:cancel', 'handoff:end', 'privacy:yes', 'share:yes', 'nav:menu', 'grp:', ':', '**', '** **', '****', '[x](javascript:alert(1))',
  '[ ](https://example.org)', '- ', '1.', '&amp;', '&#0;', '&#99999999;', '<b>', '</b>', '\\', '"', "'", '`', '\n\n\n', ' ', '',
  'my boss took my pasport', 'help me please', 'I am not free to leave',
];

const pieces = fc.oneof(
  fc.constantFrom(...CONTROL),
  fc.constantFrom(...EMOJI),
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

/** Any string a hostile or broken client could send as text. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')) },
  // Right-to-left overrides around text, closed or not.
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 30 }), fc.boolean()).map(([text, closed]) => `\u202e${text}${closed ? '\u202c' : ''}`) },
  // Emoji floods.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...EMOJI), fc.integer({ min: 50, max: 5000 })).map(([emoji, n]) => emoji.repeat(n)) },
  // Huge: around the message limits, and past the body limit.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'word ', '&', '<', '\u202e', '\u0000', 'ы', '\n'), fc.constantFrom(1999, 2000, 2001, 4096, 4097, 10_000, 70_000))
      .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)),
  },
);

/** A header value fetch can send (a ByteString without CR, LF or NUL) that is otherwise hostile. */
export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', ' ', 'a b', '[', '%', '::1', '999.999.999.999', 'evil.example', 'example.org:99999', 'xn--', '\u00ff\u00fe', 'a'.repeat(4000), '*'),
).map((s) => s.replace(/[\u0000\n\r]/g, '').trim());

/** Lone surrogates replaced, so that the text can be percent-encoded (as a browser would). */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

// ---- JSON --------------------------------------------------------------------------------------

/** JSON values whose strings are hostile. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -1e-308, Number.MAX_SAFE_INTEGER + 2),
    hostileText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'type', 'text', 'id')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Bodies that are not JSON, or not quite, or JSON built to hurt a parser. */
export const brokenJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '{', '}', '[', '{"type":', '{"type": "message", "text": ', '{"a":1,}', "{'a':1}", '{"a":undefined}', 'NaN', 'Infinity',
    '\ufeff{"type":"message"}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"a":1}{"b":2}',
    '{"update_id":1,"update_id":"x"}', '[]', 'null', 'true', '0', '"just a string"', '1e999', '-', '{"a":"\\ud800"}', '{"a":"\\u0000"}',
    '{"a":"\\x41"}', '\u0000\u0000\u0000', '<xml/>', 'update_id=1&message=x',
  ),
  // Nesting bombs, objects and arrays.
  fc.tuple(fc.constantFrom(100, 1000, 5000, 20_000), fc.constantFrom('[', '{"a":')).map(([depth, open]) =>
    open === '[' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  ),
  // Valid JSON cut short, or with a byte flipped.
  fc.tuple(jsonValue, fc.nat(), fc.string({ unit: 'binary', maxLength: 2 })).map(([value, at, junk]) => {
    const text = JSON.stringify(value) ?? '';
    const cut = text.length === 0 ? 0 : at % text.length;
    return `${text.slice(0, cut)}${junk}`;
  }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'APPLICATION/JSON',
      'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/octet-stream', 'application/vnd.api+json', 'application/json-patch+json', 'image/png', 'text/html', ';;;', 'application/',
    ),
  },
  { weight: 1, arbitrary: headerText },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

export type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };

/** A body: usually shaped like what the route expects (with hostile values), else anything. */
export function body(shaped: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: jsonValue.map((value): Body => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: brokenJson.map((text): Body => ({ kind: 'raw', text })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

/** A value for a field: most often a good one, else hostile text or any JSON value. */
export function field<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: good }, { weight: 2, arbitrary: hostileText }, { weight: 1, arbitrary: jsonValue });
}

/** A body with its content type; a request without a body mostly has none. */
export function payload(bodies: fc.Arbitrary<Body>): fc.Arbitrary<{ contentType: string | undefined; body: Body }> {
  return bodies.chain((body) =>
    (body.kind === 'none' ? fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: contentType }) : contentType).map((type) => ({
      contentType: type,
      body,
    })),
  );
}

/** Headers a proxy or an attacker might add. */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'x-forwarded-for': fc.oneof(fc.constantFrom('203.0.113.7', '::1', '10.0.0.1, 203.0.113.9', 'unknown', ''), headerText),
    'x-forwarded-host': fc.oneof(fc.constantFrom('example.org', 'a b', '[', 'evil.example:99999', '%zz', ''), headerText),
    'x-forwarded-proto': fc.oneof(fc.constantFrom('https', 'http', 'gopher', 'a b', ''), headerText),
    origin: fc.oneof(fc.constantFrom('https://evil.example', 'null', ''), headerText),
    'accept-encoding': fc.constantFrom('gzip', 'br', '*', 'identity;q=0', 'gzip;q=0'),
    accept: fc.constantFrom('*/*', 'text/html', 'application/xml', ''),
  },
  { requiredKeys: [] },
);

/** A path segment: encoded hostile text, or raw bytes a router must cope with. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  hostileText.map((text) => encodeURIComponent(wellFormed(text.slice(0, 300)))),
  fc.constantFrom('', '%', '%zz', '%E0%A4%A', '..', '.', '%2e%2e', '..%2f..%2f', '%00', 'a'.repeat(101), 'a'.repeat(2000), '%F0%9F%98', ';x=1', '*'),
);

/** A query string: well formed or not, repeated keys, huge values. */
export function query(keys: string[], value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(''),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })), value), { maxLength: 4 }).map((pairs) =>
      pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v.slice(0, 400)))}`).join('&')}` : '',
    ),
    fc.constantFrom('?', '?&&&', '?=', '?%', '?watermark=%zz', '?watermark', '?watermark=1&watermark=2', '?t=', `?x=${'y'.repeat(6000)}`, `?x=${'y'.repeat(20_000)}`),
  );
}
