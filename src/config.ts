import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseOpeningHours, type OpeningHours } from './handoff/opening-hours.js';

/**
 * Every setting comes from the environment and is checked here, once, at startup. A wrong value
 * stops the process with one line naming the variable and the problem (see `ConfigError`).
 */

const LANGUAGES = ['en', 'fr', 'es', 'ar', 'fa', 'ru', 'uk'] as const;

const seconds = (fallback: number) => z.coerce.number().int().positive().max(10 * 365 * 24 * 3600).default(fallback);
const DAY = 24 * 3600;

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalUrl = (protocols: string[]) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .url('must be a full URL')
      .refine((url) => protocols.includes(new URL(url).protocol), `must start with ${protocols.join(' or ')}`)
      .optional(),
  );

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    PUBLIC_URL: optionalUrl(['http:', 'https:']),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    SECRET_KEY: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),

    REDIS_URL: optionalUrl(['redis:', 'rediss:']),
    REDIS_KEY_PREFIX: z.string().regex(/^[a-z0-9:_-]*$/i, 'may hold only letters, digits, ":", "_" and "-"').default('mhb:'),

    STATE_TTL_SECONDS: seconds(30 * DAY),
    TRANSCRIPT_TTL_SECONDS: seconds(30 * DAY),
    QUEUE_TTL_SECONDS: seconds(DAY),
    AUDIT_TTL_SECONDS: seconds(365 * DAY),
    CONTENT_OVERRIDE_TTL_SECONDS: seconds(365 * DAY),
    DIRECTLINE_TTL_SECONDS: seconds(DAY),
    DIRECTLINE_TOKEN_TTL_SECONDS: seconds(3600),

    MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(100_000).default(2000),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(64 * 1024),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),

    TYPING_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(500),

    DEFAULT_LANGUAGE: z.enum(LANGUAGES).default('en'),
    QUICK_EXIT_URL: z.string().url('must be a full URL').default('https://www.google.com/'),

    HANDOFF_HOURS: z.string().min(1).default('mon-sun 00:00-24:00'),
    HANDOFF_TIMEZONE: z.string().min(1).default('UTC'),
    HANDOFF_HOLIDAYS: z.string().default(''),
    HANDOFF_WAIT_SECONDS: z.coerce.number().int().min(10).max(24 * 3600).default(300),
    HANDOFF_MAX_CHATS: z.coerce.number().int().min(1).max(50).default(5),
    STAFF_FILE: z.string().min(1).default('staff.json'),
    SESSION_TTL_SECONDS: seconds(8 * 3600),

    TELEGRAM_BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'does not look like a BotFather token (digits, a colon, then letters)').optional(),
    ),
    TELEGRAM_API_ROOT: optionalUrl(['http:', 'https:']),
    TELEGRAM_WEBHOOK_URL: optionalUrl(['https:', 'http:']),
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 letters, digits, "_" or "-"').optional(),
    ),
  })
  .superRefine((env, ctx) => {
    try {
      parseOpeningHours(env.HANDOFF_HOURS, env.HANDOFF_TIMEZONE, splitList(env.HANDOFF_HOLIDAYS));
    } catch (error) {
      const message = (error as Error).message;
      ctx.addIssue({ code: 'custom', path: [message.startsWith('"' + env.HANDOFF_TIMEZONE) ? 'HANDOFF_TIMEZONE' : message.startsWith('holiday') ? 'HANDOFF_HOLIDAYS' : 'HANDOFF_HOURS'], message });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if ((env.REDIS_URL || env.NODE_ENV === 'production') && !env.SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_KEY'],
        message: 'is required with REDIS_URL or in production, and must be the same on every instance',
      });
    }
  });

export type Language = (typeof LANGUAGES)[number];
export const languages: readonly Language[] = LANGUAGES;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl?: string;
  logLevel: string;
  /** Signs Direct Line tokens and keys the pseudonymous hashes of channel ids. */
  secretKey: string;
  secretKeyIsEphemeral: boolean;
  redis?: { url: string; keyPrefix: string };
  /** `contentOverride`: how long an edit made in the console is kept after its last save. */
  retention: { state: number; transcript: number; queue: number; audit: number; directLine: number; contentOverride: number };
  directLine: { tokenTtlSeconds: number };
  /** ratePerMinute: per conversation, per person, and new web chats per address; ratePerIpPerMinute: all web chat requests per address. */
  limits: { maxMessageChars: number; maxBodyBytes: number; ratePerMinute: number; ratePerIpPerMinute: number };
  /** "Typing…" is shown only when an answer takes longer than this. */
  typingDelayMs: number;
  defaultLanguage: Language;
  quickExitUrl: string;
  telegram?: { token: string; apiRoot?: string; webhook?: { url: string; secret: string } };
  handoff: { hours: OpeningHours; waitSeconds: number; maxChats: number };
  console: { staffFile: string; sessionTtlSeconds: number };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the environment; throws a ConfigError whose message names the first wrong setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const shown = env[name] === undefined ? '' : ` (got "${redact(name, env[name]!)}")`;
    throw new ConfigError(`Configuration error: ${name} ${issue.message}${shown}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    secretKey: e.SECRET_KEY ?? randomBytes(32).toString('base64url'),
    secretKeyIsEphemeral: !e.SECRET_KEY,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } : undefined,
    retention: {
      state: e.STATE_TTL_SECONDS,
      transcript: e.TRANSCRIPT_TTL_SECONDS,
      queue: e.QUEUE_TTL_SECONDS,
      audit: e.AUDIT_TTL_SECONDS,
      directLine: e.DIRECTLINE_TTL_SECONDS,
      contentOverride: e.CONTENT_OVERRIDE_TTL_SECONDS,
    },
    directLine: { tokenTtlSeconds: e.DIRECTLINE_TOKEN_TTL_SECONDS },
    limits: {
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      ratePerIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
    },
    typingDelayMs: e.TYPING_DELAY_MS,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    quickExitUrl: e.QUICK_EXIT_URL,
    handoff: {
      hours: parseOpeningHours(e.HANDOFF_HOURS, e.HANDOFF_TIMEZONE, splitList(e.HANDOFF_HOLIDAYS)),
      waitSeconds: e.HANDOFF_WAIT_SECONDS,
      maxChats: e.HANDOFF_MAX_CHATS,
    },
    console: { staffFile: e.STAFF_FILE, sessionTtlSeconds: e.SESSION_TTL_SECONDS },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhook: e.TELEGRAM_WEBHOOK_URL ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET! } : undefined,
        }
      : undefined,
  };
}

function splitList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** Secrets are never echoed back, not even in an error message. */
function redact(name: string, value: string): string {
  if (/TOKEN|SECRET|KEY|PASSWORD/.test(name)) return '…';
  if (name === 'REDIS_URL') return value.replace(/\/\/[^@/]*@/, '//…@');
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
