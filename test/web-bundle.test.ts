import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

describe('the web chat page weight', () => {
  it('stays within 20 KB gzipped for everything the first view needs', () => {
    // `npm test` builds the page first (npm run build:web).
    const total = ['index.html', 'app.js', 'app.css']
      .map((file) => gzipSync(readFileSync(`dist/web/${file}`), { level: 9 }).length)
      .reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThanOrEqual(20 * 1024);
  });
});
