// Builds the hotline console into dist/web: console.js (one minified script), console.css and
// console.html. Served at /console by src/console/page.ts under the same strict CSP as the chat.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, transform } from 'esbuild';

export async function buildConsole(out) {
  await build({
    entryPoints: ['web/console/main.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    outfile: join(out, 'console.js'),
    logLevel: 'warning',
  });
  const css = await transform(readFileSync('web/console/console.css', 'utf8'), { loader: 'css', minify: true });
  writeFileSync(join(out, 'console.css'), css.code);
  writeFileSync(join(out, 'console.html'), readFileSync('web/console/console.html', 'utf8').replace(/\n\s*/g, '\n'));
}
