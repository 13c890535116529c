import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function search(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/search.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('npm run search', () => {
  it('prints the ranked topic ids with scores', () => {
    const run = search('--lang', 'fr', 'mon patron a pris mon passeport');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^0\.\d{3}  rights\.documents$/);
  });

  it('prints JSON with --json', () => {
    const run = search('--lang', 'en', '--json', 'my boss took my pasport');
    const printed = JSON.parse(run.stdout) as { lang: string; q: string; results: Array<{ id: string; score: number }> };
    expect(printed).toMatchObject({ lang: 'en', q: 'my boss took my pasport' });
    expect(printed.results[0]?.id).toBe('rights.documents');
  });

  it('answers a batch of JSON lines, one JSON line each', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'search-')), 'batch.jsonl');
    writeFileSync(file, '{"lang":"ru","q":"работодатель забрал паспорт"}\n{"lang":"ar","q":"الكفيل اخذ جوازي"}\n');
    const run = search('--batch', file);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { lang: string; results: Array<{ id: string; score: number }> });
    expect(lines.map((l) => [l.lang, l.results[0]?.id])).toEqual([
      ['ru', 'rights.documents'],
      ['ar', 'rights.documents'],
    ]);
  });

  it('refuses an unknown language and a broken batch line with a clear message', () => {
    expect(search('--lang', 'de', 'x')).toMatchObject({ status: 2, stderr: expect.stringContaining('--lang must be one of') });
    const file = join(mkdtempSync(join(tmpdir(), 'search-')), 'bad.jsonl');
    writeFileSync(file, 'not json\n');
    expect(search('--batch', file)).toMatchObject({ status: 2, stderr: expect.stringContaining('bad.jsonl:1: not valid JSON') });
  });

  it('ends quietly when its reader stops early (| head -1)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'search-')), 'many.jsonl');
    writeFileSync(file, '{"lang":"en","q":"my boss took my passport"}\n'.repeat(5000));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/search.ts', '--batch', file]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
