import { ActivityTypes } from 'botbuilder-core';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { languages, type Language } from '../src/config.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { isTypedText } from '../src/bot/recent-messages.js';
import { guessLanguage } from '../src/content/language-guess.js';
import { languageNamed, matchLanguage } from '../src/bot/i18n.js';
import { matchButton, messageWithButtons, message, type Button } from '../src/bot/replies.js';
import { DIALOG, handOver, type DialogTarget, type FlowResult } from './dialog-ids.js';
import { freeTextDialog } from './search-dialog.js';

export const LANGUAGE_DIALOG = DIALOG.language;
const ASK = 'language.ask';
const FLOW = 'language.flow';

export interface LanguageDialogOptions {
  /** First contact: say hello (in the suggested language) before asking. */
  greet?: boolean;
  /** The previous answer matched no language. */
  retry?: boolean;
  /** Already named (typed anywhere, e.g. "english"): switch to it without asking. */
  choose?: Language;
  /**
   * The person wrote in this language, not the conversation's: ask (once a conversation) whether
   * to go on in it, then go on with `then` (the answer to what they wrote) in the language chosen.
   */
  offer?: Language;
  then?: DialogTarget;
}

/** Greets and lets the person pick one of the seven languages, each named in its own script. */
export class LanguageDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(LANGUAGE_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.choose.bind(this)]));
    this.initialDialogId = FLOW;
  }

  /** A language's button, named in that language. */
  private button(lang: Language): Button {
    return { value: `lang:${lang}`, title: this.services.i18n.getFixedT(lang)('language.name') };
  }

  private buttons(): Button[] {
    return languages.map((lang) => this.button(lang));
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as LanguageDialogOptions;
    if (options.choose) return step.next(`lang:${options.choose}`);
    const current = await languageOf(this.services, step.context);
    if (options.offer && options.then) return this.offer(step, options.offer, current, options.then);
    const t = this.services.i18n.getFixedT(current);
    if (options.greet) {
      await step.context.sendActivity(message(t('language.greeting')));
      // A first message that says something (on Telegram, often a question) is not ignored.
      const first = step.context.activity.type === ActivityTypes.Message ? (step.context.activity.text ?? '') : '';
      const understood = isTypedText(first) ? await this.understand(step, first) : undefined;
      if (understood) return understood;
    }
    const text = options.retry ? t('language.notUnderstood') : t('language.choose');
    return step.prompt(ASK, { prompt: messageWithButtons(text, this.buttons()) });
  }

  /**
   * Text where a language was asked for that names none: a question in a language the bot can tell
   * chooses that language and is answered; anything else, undefined (the question is asked again).
   * Words of danger never reach here: they get emergency help first (see RootDialog).
   */
  private async understand(step: WaterfallStepContext, typed: string): Promise<DialogTurnResult | undefined> {
    const written = guessLanguage(typed);
    if (!written) return undefined;
    await this.switchTo(step, written);
    return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), typed, written)));
  }

  private async switchTo(step: WaterfallStepContext, language: Language): Promise<void> {
    const profile = await this.services.profile.get(step.context, {});
    profile.language = language;
    await step.context.sendActivity(message(this.services.i18n.getFixedT(language)('language.changed')));
  }

  /** "Shall we go on in Spanish?", asked in Spanish, once a conversation; otherwise straight on. */
  private async offer(step: WaterfallStepContext, offered: Language, current: Language, then: DialogTarget): Promise<DialogTurnResult> {
    const profile = await this.services.profile.get(step.context, {});
    if (profile.languageOffered || offered === current) return step.endDialog(handOver(then));
    profile.languageOffered = true;
    // The offered language's button first: it is the one the person probably wants.
    const buttons = [this.button(offered), this.button(current)];
    return step.prompt(ASK, { prompt: messageWithButtons(this.services.i18n.getFixedT(offered)('language.offer'), buttons) });
  }

  private async choose(step: WaterfallStepContext<LanguageDialogOptions>): Promise<DialogTurnResult> {
    const typed = String(step.result ?? '');
    // Asked for a language, a bare code ("fr", "UK") means one too.
    const picked = matchButton(typed, this.buttons())?.replace('lang:', '') as Language | undefined;
    const language = picked ?? languageNamed(typed) ?? (typed.trim().length === 2 ? matchLanguage(typed.trim()) : undefined);
    const { then } = step.options;
    if (!language) {
      // Offered a language, the person wrote something else instead: that is their next question.
      if (then) return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), typed, await languageOf(this.services, step.context))));
      return (await this.understand(step, typed)) ?? step.replaceDialog(FLOW, { retry: true } satisfies LanguageDialogOptions);
    }
    await this.switchTo(step, language);
    return step.endDialog(then ? handOver(then) : ({} satisfies FlowResult));
  }
}

