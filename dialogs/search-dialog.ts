import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { recordUsage } from '../src/analytics/usage-totals.js';
import type { Language } from '../src/config.js';
import type { KnowledgeBase } from '../src/content/knowledge-base.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { routeFreeText, type FreeTextRoute } from '../src/bot/free-text.js';
import { messageWithButtons, type Button } from '../src/bot/replies.js';

import { DIALOG, handOver, type DialogTarget } from './dialog-ids.js';
import type { LanguageDialogOptions } from './language-dialog.js';
import type { SmallTalkOptions } from './small-talk-dialog.js';

export const SEARCH_DIALOG = DIALOG.search;
const ASK = 'search.ask';
const FLOW = 'search.flow';

export interface SearchOptions {
  /** Best guesses, best first; empty when nothing matched. */
  topicIds: string[];
}

/**
 * Where free text leads: the answer when the match is clear, otherwise "Did you mean…" with the
 * best three, or "nothing found" with the menu and a person; danger words first show emergency help.
 */
export function freeTextDialog(knowledge: KnowledgeBase, text: string, lang: Language): DialogTarget {
  return targetOf(routeFreeText(knowledge, text, lang));
}

function targetOf(route: FreeTextRoute): DialogTarget {
  switch (route.kind) {
    case 'answer':
      // "I want to talk to someone" is a request, not a question: go straight to the queue.
      if (route.topicId === 'help.human') return { id: DIALOG.handoff, options: {} };
      return { id: DIALOG.answer, options: { topicId: route.topicId } };
    case 'emergency':
      return { id: DIALOG.services, options: { emergency: true, topicIds: route.topicIds } };
    case 'suggest':
      return { id: SEARCH_DIALOG, options: { topicIds: route.topicIds } satisfies SearchOptions };
    case 'language':
      return { id: DIALOG.language, options: { choose: route.language } satisfies LanguageDialogOptions };
    case 'smallTalk':
      return { id: DIALOG.smallTalk, options: { kind: route.smallTalk } satisfies SmallTalkOptions };
    case 'otherLanguage':
      return { id: DIALOG.language, options: { offer: route.language, then: targetOf(route.then) } satisfies LanguageDialogOptions };
  }
}

/** "Did you mean…" (or "I could not find…"), always with a way on: the menu and a person. */
export class SearchDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(SEARCH_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.offer.bind(this), this.retry.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async offer(step: WaterfallStepContext<SearchOptions>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const knowledge = this.services.knowledge();
    const suggestions: Button[] = step.options.topicIds.flatMap((id) => {
      const text = knowledge.topicText(id, lang);
      return text ? [{ value: `topic:${id}`, title: text.title }] : [];
    });
    const buttons = [...suggestions, { value: 'menu:human', title: t('nav.human') }, { value: 'nav:menu', title: t('nav.menu') }];
    const text = suggestions.length ? t('search.didYouMean') : t('search.nothing');
    if (!suggestions.length) await recordUsage(this.services.store, { kind: 'no_result', language: lang }, new Date());
    return step.prompt(ASK, { prompt: messageWithButtons(text, buttons) });
  }

  private async retry(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), String(step.result ?? ''), lang)));
  }
}
