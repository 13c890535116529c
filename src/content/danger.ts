import { normalize } from './normalize.js';
import { loadPhraseFile, phrasesByLanguage, type PhrasesByLanguage } from './phrases.js';

/**
 * Spots words that signal danger now ("kidnapped", "they beat me"), in every language at once: a
 * person in danger may write in any of them. A match puts emergency help first.
 */
export class DangerDetector {
  private readonly phrases: string[];

  constructor(phrases: PhrasesByLanguage) {
    this.phrases = [...new Set(Object.values(phrases).flatMap((list) => list ?? []).map((p) => ` ${normalize(p)} `))].filter((p) => p.trim());
  }

  static load(file = 'content/safety/danger-phrases.yaml'): DangerDetector {
    return new DangerDetector(loadPhraseFile(file, phrasesByLanguage));
  }

  /** True when the text holds a danger phrase as whole words. */
  detect(text: string): boolean {
    const padded = ` ${normalize(text)} `;
    return this.phrases.some((phrase) => padded.includes(phrase));
  }
}
