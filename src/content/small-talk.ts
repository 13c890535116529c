import { z } from 'zod';
import { phraseKey } from './normalize.js';
import { loadPhraseFile, phrasesByLanguage } from './phrases.js';

export const SMALL_TALK_KINDS = ['greeting', 'thanks', 'goodbye', 'okay', 'menu'] as const;
export type SmallTalkKind = (typeof SMALL_TALK_KINDS)[number];

const smallTalkSchema = z.object(Object.fromEntries(SMALL_TALK_KINDS.map((kind) => [kind, phrasesByLanguage])) as Record<SmallTalkKind, typeof phrasesByLanguage>).strict();

/**
 * Tells a message that is only a greeting, a thank-you, a goodbye, an "OK" or "menu" ("hi",
 * "merci !", "شكرا", "vale"), in any of the seven languages, from a question: such a message is
 * answered in kind, not searched.
 */
export class SmallTalk {
  private readonly kinds = new Map<string, SmallTalkKind>();

  constructor(phrases: z.infer<typeof smallTalkSchema>) {
    for (const kind of SMALL_TALK_KINDS) {
      for (const phrase of Object.values(phrases[kind]).flatMap((list) => list ?? [])) this.kinds.set(phraseKey(phrase), kind);
    }
  }

  static load(file = 'content/small-talk.yaml'): SmallTalk {
    return new SmallTalk(loadPhraseFile(file, smallTalkSchema));
  }

  /** The kind of small talk the whole message is, or undefined for anything else. */
  kindOf(text: string): SmallTalkKind | undefined {
    return this.kinds.get(phraseKey(text));
  }
}
