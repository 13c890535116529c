// Builds the web chat page into dist/web: one minified script, one stylesheet, the HTML. Prints
// the gzipped weight of the first view, which has a budget of 20 KB on a slow line.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import { buildConsole } from './build-console.mjs';

const out = 'dist/web';
mkdirSync(out, { recursive: true });

const strings = Object.fromEntries(
  readdirSync('locales').sort().map((lang) => {
    const t = JSON.parse(readFileSync(join('locales', lang, 'translation.json'), 'utf8'));
    return [lang, t.web];
  }),
);

await build({
  entryPoints: ['web/app.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outfile: join(out, 'app.js'),
  define: { __STRINGS__: JSON.stringify(strings) },
  logLevel: 'warning',
});
const css = await transform(readFileSync('web/app.css', 'utf8'), { loader: 'css', minify: true });
writeFileSync(join(out, 'app.css'), css.code);
const html = readFileSync('web/index.html', 'utf8').replace(/\n\s*/g, '\n');
writeFileSync(join(out, 'index.html'), html);

const sizes = Object.fromEntries(
  ['index.html', 'app.js', 'app.css'].map((file) => [file, gzipSync(readFileSync(join(out, file)), { level: 9 }).length]),
);
const total = Object.values(sizes).reduce((a, b) => a + b, 0);
writeFileSync(join(out, 'size.json'), JSON.stringify({ gzippedBytes: sizes, total }, null, 2));
if (!process.env.QUIET_BUILD) console.log(`web chat first view: ${total} bytes gzipped (${JSON.stringify(sizes)})`);

// The hotline console (staff only; not part of the chat's weight budget).
await buildConsole(out);
