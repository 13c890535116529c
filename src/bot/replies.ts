import { ActionTypes, ActivityTypes, type Activity, type CardAction } from 'botbuilder-core';
import { recognizeChoices, type Choice } from 'botbuilder-dialogs';

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

/**
 * Which button a reply means: the button's id (a press), or its title typed by hand, tolerating
 * small differences. Returns undefined for free text that matches no button.
 */
export function matchButton(text: string | undefined, buttons: Button[]): string | undefined {
  const input = (text ?? '').trim();
  if (!input) return undefined;
  const exact = buttons.find((b) => b.value === input || b.title.toLocaleLowerCase() === input.toLocaleLowerCase());
  if (exact) return exact.value;
  const choices: Choice[] = buttons.map((b) => ({ value: b.value, synonyms: [b.title] }));
  const found = recognizeChoices(input, choices, { allowPartialMatches: false, noValue: false });
  // Only a match covering most of the input: "know my rights" picks the rights button, but a
  // question that merely contains the word "rights" is left for search.
  const best = found[0];
  if (!best) return undefined;
  const covered = (best.end - best.start + 1) / input.length;
  return covered >= 0.6 ? best.resolution.value : undefined;
}
