import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { languages, type Language } from '../src/config.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
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
    const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
    if (options.greet) await step.context.sendActivity(message(t('language.greeting')));
    const text = options.retry ? t('language.notUnderstood') : t('language.choose');
    return step.prompt(ASK, { prompt: messageWithButtons(text, this.buttons()) });
  }

  private async choose(step: WaterfallStepContext<LanguageDialogOptions>): Promise<DialogTurnResult> {
    const typed = String(step.result ?? '');
    const picked = matchButton(typed, this.buttons()) ?? matchLanguageCode(typed);
    if (!picked) return step.replaceDialog(FLOW, { retry: true } satisfies LanguageDialogOptions);
    const language = picked.replace('lang:', '') as Language;
    const profile = await this.services.profile.get(step.context, {});
    profile.language = language;
    await step.context.sendActivity(message(this.services.i18n.getFixedT(language)('language.changed')));
    return step.endDialog(language);
  }
}

/** "fr", "FR", "english": a typed code or English name also picks a language. */
function matchLanguageCode(text: string): string | undefined {
  const input = text.trim().toLowerCase();
  const names: Record<string, Language> = {
    english: 'en', french: 'fr', spanish: 'es', arabic: 'ar', farsi: 'fa', persian: 'fa', dari: 'fa', russian: 'ru', ukrainian: 'uk',
  };
  // Own names only: "constructor" or "__proto__" must not pick Object's.
  const lang = (languages as readonly string[]).includes(input) ? (input as Language) : Object.hasOwn(names, input) ? names[input] : undefined;
  return lang ? `lang:${lang}` : undefined;
}
