import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { languages } from '../config.js';
import { ContentError } from './load.js';
import { normalize } from './normalize.js';

/**
 * Spots words that signal danger now ("kidnapped", "they beat me"), in every language at once: a
 * person in danger may write in any of them. A match puts emergency help first.
 */
const phrasesSchema = z
  .object(Object.fromEntries(languages.map((l) => [l, z.array(z.string().trim().min(2)).min(1)])) as Record<string, z.ZodArray<z.ZodString>>)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'needs phrases for at least one language');

export class DangerDetector {
  private readonly phrases: string[];

  constructor(phrasesByLanguage: Record<string, string[]>) {
    this.phrases = [...new Set(Object.values(phrasesByLanguage).flat().map((p) => ` ${normalize(p)} `))].filter((p) => p.trim());
  }

  static load(file = 'content/safety/danger-phrases.yaml'): DangerDetector {
    const parsed = phrasesSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      throw new ContentError(parsed.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })));
    }
    return new DangerDetector(parsed.data as Record<string, string[]>);
  }

  /** True when the text holds a danger phrase as whole words. */
  detect(text: string): boolean {
    const padded = ` ${normalize(text)} `;
    return this.phrases.some((phrase) => padded.includes(phrase));
  }
}
