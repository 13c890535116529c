import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ContentError, formatProblem, loadContent } from '../content/load.js';
import { CONTENT_CHANGED, OVERRIDE_PREFIX, isEditablePath, readOverrides } from '../content/live-content.js';
import { createStore } from '../store/create-store.js';

/**
 * npm run content:export [-- --dir content] [--clear] [--from content-edits.json]
 *
 * Writes the edits made in the console into the content files, so that they can be reviewed and
 * committed: from the store at REDIS_URL (with REDIS_KEY_PREFIX), or from a file downloaded with
 * the console's Export button (--from). The result is validated first; nothing is written if the
 * content would be broken. --clear then removes the written edits from the store, once the files
 * carry them (see README, "Exporting to files").
 */
const USAGE = 'usage: npm run content:export -- [--dir content] [--clear] [--from content-edits.json]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { dir: { type: 'string', default: 'content' }, clear: { type: 'boolean', default: false }, from: { type: 'string' } },
  });
  const redisUrl = process.env.REDIS_URL || undefined;
  if (values.from && values.clear) {
    console.error(`--clear removes edits from the store; it does not go with --from\n${USAGE}`);
    return 2;
  }
  if (!values.from && !redisUrl) {
    console.error(
      'REDIS_URL is not set. Without Redis the server keeps the console edits in its own memory, where\n' +
        'no other process can read them. Download them in the console (Content → Export) and run\n' +
        '  npm run content:export -- --from content-edits.json',
    );
    return 2;
  }

  const store = values.from ? undefined : await createStore({ redisUrl, keyPrefix: process.env.REDIS_KEY_PREFIX ?? 'mhb:' });
  try {
    const edits = store ? await readOverrides(store) : readDownload(values.from!);
    const refused = [...edits.keys()].filter((path) => !isEditablePath(path));
    if (refused.length > 0) {
      console.error(`not content files the console edits: ${refused.join(', ')}`);
      return 1;
    }
    try {
      loadContent(values.dir, edits);
    } catch (error) {
      if (!(error instanceof ContentError)) throw error;
      console.error(`nothing written: the content would not be valid\n${error.problems.map(formatProblem).join('\n')}`);
      return 1;
    }
    for (const [path, text] of edits) {
      const file = join(values.dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
    console.log(`${edits.size} file(s) written`);
    if (store && values.clear && edits.size > 0) {
      await store.delete([...edits.keys()].map((path) => OVERRIDE_PREFIX + path));
      // The running instances reload: they now serve these texts from their files.
      await store.publish(CONTENT_CHANGED, 'content:export');
      console.log(`${edits.size} edit(s) removed from the store`);
    }
    return 0;
  } finally {
    await store?.close();
  }
}

/** The console's download: a JSON object, path below content/ → the file's text. */
function readDownload(file: string): Map<string, string> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((text) => typeof text !== 'string')) {
    throw new Error(`${file}: expected the console's download, a JSON object of file path → text`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
