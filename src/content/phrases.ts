import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { languages } from '../config.js';
import { ContentError } from './load.js';

/** Phrases by language, at least one language: what editors write in content/safety/*.yaml. */
export const phrasesByLanguage = z
  .object(Object.fromEntries(languages.map((l) => [l, z.array(z.string().trim().min(2)).min(1)])) as Record<string, z.ZodArray<z.ZodString>>)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'needs phrases for at least one language');

export type PhrasesByLanguage = Partial<Record<string, string[]>>;

/** Reads and validates a YAML file of phrases; a broken one names the file and the field. */
export function loadPhraseFile<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ContentError(parsed.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}
