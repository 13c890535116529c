import type { Language } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import { isClearMatch } from '../content/search.js';
import type { SmallTalkKind } from '../content/small-talk.js';
import { languageNamed } from './i18n.js';

/** Where a message that no button explains should lead: a dialog id and its options (ids only). */
export type FreeTextRoute =
  | { kind: 'answer'; topicId: string }
  | { kind: 'suggest'; topicIds: string[] }
  | { kind: 'emergency'; topicIds: string[] }
  | { kind: 'language'; language: Language }
  | { kind: 'smallTalk'; smallTalk: SmallTalkKind };

/**
 * Decides what free text means. A language's name switches to it; a greeting or a thank-you is
 * answered in kind; danger words always lead to
 * emergency help first; otherwise a
 * clear match is answered, an unclear one offers the best three, and nothing offers the menu and a
 * person. Pure: the text is used here and never stored.
 */
export function routeFreeText(knowledge: KnowledgeBase, text: string, lang: Language): FreeTextRoute {
  // A message that is only a language's name: the person wants that language (often after a wrong tap).
  const named = languageNamed(text);
  if (named) return { kind: 'language', language: named };
  // "hi", "thank you": answered in kind, not searched.
  const smallTalk = knowledge.smallTalk.kindOf(text);
  if (smallTalk) return { kind: 'smallTalk', smallTalk };
  const results = knowledge.search.search(text, lang, { limit: 3 });
  const topicIds = results.map((r) => r.id);
  if (knowledge.danger.detect(text)) return { kind: 'emergency', topicIds };
  if (isClearMatch(results)) return { kind: 'answer', topicId: results[0]!.id };
  return { kind: 'suggest', topicIds };
}
