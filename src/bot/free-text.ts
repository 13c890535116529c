import type { Language } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import { guessLanguage } from '../content/language-guess.js';
import { isClearMatch } from '../content/search.js';
import type { SmallTalkKind } from '../content/small-talk.js';
import { languageNamed } from './i18n.js';

/** What search made of a question: the answer, or guesses (none when nothing matched). */
export type SearchRoute = { kind: 'answer'; topicId: string } | { kind: 'suggest'; topicIds: string[] };

/** Where a message that no button explains should lead: a dialog id and its options (ids only). */
export type FreeTextRoute =
  | SearchRoute
  | { kind: 'emergency'; topicIds: string[] }
  | { kind: 'language'; language: Language }
  | { kind: 'smallTalk'; smallTalk: SmallTalkKind }
  /** Written in another language than the conversation's: ask whether to go on in it, then this. */
  | { kind: 'otherLanguage'; language: Language; then: SearchRoute };

/**
 * Decides what free text means. A language's name switches to it; a greeting or a thank-you is
 * answered in kind; danger words always lead to emergency help first; otherwise a clear match is
 * answered, an unclear one offers the best three, and nothing offers the menu and a person. A
 * question written in another language than the conversation's first asks whether to go on in it.
 * Pure: the text is used here and never stored.
 */
export function routeFreeText(knowledge: KnowledgeBase, text: string, lang: Language): FreeTextRoute {
  // A message that is only a language's name: the person wants that language (often after a wrong tap).
  const named = languageNamed(text);
  if (named) return { kind: 'language', language: named };
  // "hi", "thank you": answered in kind, not searched.
  const smallTalk = knowledge.smallTalk.kindOf(text);
  if (smallTalk) return { kind: 'smallTalk', smallTalk };
  // Searched in the language it is written in, when that is plain: typos are forgiven there.
  const guessed = guessLanguage(text);
  const results = knowledge.search.search(text, guessed ?? lang, { limit: 3 });
  const topicIds = results.map((r) => r.id);
  if (knowledge.danger.detect(text)) return { kind: 'emergency', topicIds };
  const found: SearchRoute = isClearMatch(results) ? { kind: 'answer', topicId: results[0]!.id } : { kind: 'suggest', topicIds };
  const written = guessed ?? guessLanguage(text, results[0]?.matchedIn);
  return written && written !== lang ? { kind: 'otherLanguage', language: written, then: found } : found;
}
