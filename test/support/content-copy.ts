import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A copy of the real content that a test may change or break; the repository's content/ is never written. */
export function copyContent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'content-'));
  cpSync('content', dir, { recursive: true });
  return dir;
}

export function removeContentCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `copyContent` for a whole test file: every copy made in a test is removed after it. */
export function contentCopiesPerTest(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) removeContentCopy(dir);
  });
  return () => {
    const dir = copyContent();
    dirs.push(dir);
    return dir;
  };
}
