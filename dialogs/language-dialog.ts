import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { languages, type Language } from '../src/config.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { languageNamed, matchLanguage } from '../src/bot/i18n.js';
import { matchButton, messageWithButtons, message, type Button } from '../src/bot/replies.js';
import { DIALOG } from './dialog-ids.js';

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
}

/** Greets and lets the person pick one of the seven languages, each named in its own script. */
export class LanguageDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(LANGUAGE_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.choose.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private buttons(): Button[] {
    return languages.map((lang) => ({ value: `lang:${lang}`, title: this.services.i18n.getFixedT(lang)('language.name') }));
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as LanguageDialogOptions;
    if (options.choose) return step.next(`lang:${options.choose}`);
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    if (options.greet) await step.context.sendActivity(message(t('language.greeting')));
    const text = options.retry ? t('language.notUnderstood') : t('language.choose');
    return step.prompt(ASK, { prompt: messageWithButtons(text, this.buttons()) });
  }

  private async choose(step: WaterfallStepContext<LanguageDialogOptions>): Promise<DialogTurnResult> {
    const typed = String(step.result ?? '');
    // Asked for a language, a bare code ("fr", "UK") means one too.
    const picked = matchButton(typed, this.buttons())?.replace('lang:', '') as Language | undefined;
    const language = picked ?? languageNamed(typed) ?? (typed.trim().length === 2 ? matchLanguage(typed.trim()) : undefined);
    if (!language) return step.replaceDialog(FLOW, { retry: true } satisfies LanguageDialogOptions);
    const profile = await this.services.profile.get(step.context, {});
    profile.language = language;
    await step.context.sendActivity(message(this.services.i18n.getFixedT(language)('language.changed')));
    return step.endDialog(language);
  }
}

