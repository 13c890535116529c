import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('runs with no settings at all: memory storage, port 3978, English by default', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.redis).toBeUndefined();
    expect(config.defaultLanguage).toBe('en');
    expect(config.secretKeyIsEphemeral).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT .*\(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must/],
    [{ REDIS_URL: 'http://localhost:6379' }, /REDIS_URL must start with redis: or rediss:/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /SECRET_KEY is required with REDIS_URL/],
    [{ SECRET_KEY: 'short' }, /SECRET_KEY must be at least 32 characters/],
    [{ DEFAULT_LANGUAGE: 'de' }, /DEFAULT_LANGUAGE/],
    [{ STATE_TTL_SECONDS: '0' }, /STATE_TTL_SECONDS/],
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, /TELEGRAM_BOT_TOKEN does not look like a BotFather token/],
    [{ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'https://x.example/hook' }, /TELEGRAM_WEBHOOK_SECRET is required/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('refuses %o with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret in its error', () => {
    expect(() => loadConfig({ SECRET_KEY: 'hunter2' })).toThrow(/got "…"/);
    expect(() => loadConfig({ REDIS_URL: 'redis://user:pa55word@', SECRET_KEY: 'x'.repeat(40) })).not.toThrow(/pa55word/);
  });

  it('stops startup with one line naming the setting', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: 'not-a-port', REDIS_URL: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: PORT/)]);
  });
});
