import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { languages, type Language } from '../config.js';
import { loadContent, sourceHash } from '../content/load.js';

/**
 * npm run content:stamp -- --lang fr [--topic rights.documents] [--all]
 * Records, in each translation, which English text it was made from (`translated_from`), so that a
 * later change to the English shows the translation as stale. Run it after updating a translation.
 * Without --all, only translations marked `pending` are stamped.
 */
function main(): number {
  const { values } = parseArgs({ options: { lang: { type: 'string' }, topic: { type: 'string' }, all: { type: 'boolean', default: false } } });
  const targets = values.lang ? [values.lang as Language] : languages.filter((l) => l !== 'en');
  if (targets.some((l) => !languages.includes(l) || l === 'en')) {
    console.error(`--lang must be one of ${languages.filter((l) => l !== 'en').join(' ')}`);
    return 2;
  }
  const content = loadContent();
  let stamped = 0;
  for (const topic of content.topics.values()) {
    if (values.topic && topic.id !== values.topic) continue;
    const english = topic.texts.en;
    if (!english) continue;
    for (const lang of targets) {
      const text = topic.texts[lang];
      if (!text || (!values.all && text.translatedFrom !== 'pending')) continue;
      const file = join('content', 'topics', topic.id, `${lang}.md`);
      const source = readFileSync(file, 'utf8');
      // Quoted: a hash made only of digits would otherwise be read as a number.
      const line = `translated_from: "${sourceHash(english)}"`;
      const updated = /^translated_from:.*$/m.test(source)
        ? source.replace(/^translated_from:.*$/m, line)
        : source.replace(/^(reviewed:.*)$/m, `$1\n${line}`);
      writeFileSync(file, updated);
      stamped++;
    }
  }
  console.log(`stamped ${stamped} translation(s)`);
  return 0;
}

process.exitCode = main();
