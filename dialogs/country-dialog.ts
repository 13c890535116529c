import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { DIALOG } from './dialog-ids.js';

export const COUNTRY_DIALOG = DIALOG.country;
const ASK = 'country.ask';
const FLOW = 'country.flow';

/** The countries offered as buttons, two pages of six; any other is typed. */
const COUNTRY_PAGES = [
  ['IT', 'GR', 'ES', 'DE', 'FR', 'GB'],
  ['US', 'MX', 'TR', 'TH', 'MY', 'QA'],
];

export interface CountryOptions {
  page?: number;
  /** Ask for the country's name as text (it is not among the buttons). */
  typeCountry?: boolean;
}

/**
 * "Which country are you in now?": buttons for the main corridors, more on a second page, any other
 * typed and matched in seven languages. The answer is remembered in the profile (a country we do not
 * list becomes INT, the international help, and the person is told so) and is what the dialog returns.
 */
export class CountryDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(COUNTRY_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.remember.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async ask(step: WaterfallStepContext<CountryOptions>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    // Typing is the way on; the menu is one tap away, so this is never a dead end.
    if (step.options.typeCountry) {
      return step.prompt(ASK, { prompt: messageWithButtons(t('services.typeCountry'), [{ value: 'nav:menu', title: t('nav.menu') }]) });
    }
    const page = step.options.page ?? 0;
    const knowledge = this.services.knowledge();
    const buttons: Button[] = (COUNTRY_PAGES[page] ?? []).flatMap((code) => {
      const country = knowledge.content.countries.get(code);
      return country ? [{ value: `country:${code}`, title: country.names[lang] }] : [];
    });
    buttons.push(
      page + 1 < COUNTRY_PAGES.length
        ? { value: 'nav:moreCountries', title: t('nav.moreCountries') }
        : { value: 'nav:otherCountry', title: t('nav.otherCountry') },
    );
    return step.prompt(ASK, { prompt: messageWithButtons(t('services.askCountry'), buttons) });
  }

  private async remember(step: WaterfallStepContext<CountryOptions>): Promise<DialogTurnResult> {
    const answer = String(step.result ?? '').trim();
    if (answer === 'nav:moreCountries') return step.replaceDialog(FLOW, { page: (step.options.page ?? 0) + 1 } satisfies CountryOptions);
    if (answer === 'nav:otherCountry') return step.replaceDialog(FLOW, { typeCountry: true } satisfies CountryOptions);
    const knowledge = this.services.knowledge();
    const code = answer.startsWith('country:') ? answer.slice(8) : knowledge.countries.match(answer);
    const profile = await this.services.profile.get(step.context, {});
    if (code && knowledge.content.countries.has(code)) {
      profile.country = code;
    } else {
      // Not a country we list: the international help.
      const t = this.services.i18n.getFixedT(await languageOf(this.services, step.context));
      await step.context.sendActivity(message(t('services.unknownCountry')));
      profile.country = 'INT';
    }
    return step.endDialog(profile.country);
  }
}
