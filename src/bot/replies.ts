import { ActionTypes, ActivityTypes, type Activity, type CardAction } from 'botbuilder-core';
import { recognizeChoices, type Choice } from 'botbuilder-dialogs';
import { phraseKey } from '../content/normalize.js';

/** One button: `value` is the short id the channel sends back, `title` what the person sees. */
export interface Button {
  value: string;
  title: string;
}

/**
 * A message with one-tap buttons. Buttons are postBacks carrying ids, so a press never depends on
 * the wording; the Telegram adapter turns them into an inline keyboard, the web page into buttons.
 */
export function messageWithButtons(text: string, buttons: Button[]): Partial<Activity> {
  const actions: CardAction[] = buttons.map((b) => ({ type: ActionTypes.PostBack, title: b.title, value: b.value }));
  return { type: ActivityTypes.Message, text, textFormat: 'markdown', suggestedActions: { to: [], actions } };
}

export function message(text: string): Partial<Activity> {
  return { type: ActivityTypes.Message, text, textFormat: 'markdown' };
}

/** "Yes" and "no" typed in any of the seven languages, compared as phraseKey leaves them. */
const TYPED_ANSWERS: Record<'yes' | 'no', Set<string>> = {
  yes: new Set(['yes', 'y', 'yeah', 'yep', 'oui', 'ouais', 'si', 'sí', 'نعم', 'ايوه', 'أيوه', 'اي', 'بله', 'آره', 'اره', 'да', 'так', 'ага'].map(phraseKey)),
  no: new Set(['no', 'n', 'nope', 'non', 'لا', 'نه', 'خیر', 'нет', 'ні'].map(phraseKey)),
};

/**
 * Which button a reply means: the button's id (a press), or its title typed by hand, tolerating
 * small differences, or "yes" / "no" in any language for a question with a yes and a no button.
 * Returns undefined for free text that matches no button.
 */
export function matchButton(text: string | undefined, buttons: Button[]): string | undefined {
  const input = (text ?? '').trim();
  if (!input) return undefined;
  const exact = buttons.find((b) => b.value === input || b.title.toLocaleLowerCase() === input.toLocaleLowerCase());
  if (exact) return exact.value;
  const key = phraseKey(input);
  for (const answer of ['yes', 'no'] as const) {
    const meant = buttons.filter((b) => b.value.endsWith(`:${answer}`));
    if (TYPED_ANSWERS[answer].has(key) && meant.length === 1) return meant[0]!.value;
  }
  const choices: Choice[] = buttons.map((b) => ({ value: b.value, synonyms: [b.title] }));
  const found = recognizeChoices(input, choices, { allowPartialMatches: false, noValue: false });
  // Only a match covering most of the input: "know your rights please" picks the rights button,
  // but a question that merely contains the word "rights" is left for search.
  const best = found[0];
  if (!best) return undefined;
  const covered = (best.end - best.start + 1) / input.length;
  return covered >= 0.6 ? best.resolution.value : undefined;
}
