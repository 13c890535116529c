import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import type { Language } from '../src/config.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { message, messageWithButtons, type Button } from '../src/bot/replies.js';
import { SERVICE_KINDS, type CountryServices, type ServiceEntry, type ServiceKind } from '../src/content/schema.js';
import { COUNTRY_DIALOG, CountryDialog, type CountryOptions } from './country-dialog.js';
import { DIALOG, handOver } from './dialog-ids.js';
import { freeTextDialog } from './search-dialog.js';

export const SERVICES_DIALOG = DIALOG.services;
const ASK_NEXT = 'services.askNext';
const FLOW = 'services.flow';

export interface ServicesOptions {
  /** Only these kinds (emergency is always shown first). All kinds when absent. */
  kinds?: ServiceKind[];
  /** Someone wrote words of danger: emergency help first, with a word saying so. */
  emergency?: boolean;
  /** Topics to offer after the list (the search results behind an emergency). */
  topicIds?: string[];
  /** Ask the country again even if one is remembered ("Change country"). */
  askCountry?: boolean;
}

/**
 * "Find help near me": the country is asked once and remembered (see CountryDialog), then the
 * services of that country by kind, with tappable numbers and the date each entry was last checked.
 */
export class ServicesDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(SERVICES_DIALOG);
    this.addDialog(new CountryDialog(services));
    this.addDialog(new TextPrompt(ASK_NEXT));
    this.addDialog(
      new WaterfallDialog(FLOW, [this.askCountry.bind(this), this.show.bind(this), this.next.bind(this)]),
    );
    this.initialDialogId = FLOW;
  }

  private async askCountry(step: WaterfallStepContext<ServicesOptions>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const profile = await this.services.profile.get(step.context, {});
    const known = profile.country && !step.options.askCountry ? profile.country : undefined;
    // "Call the number below" only when the numbers come next; otherwise the country comes first.
    if (step.options.emergency) await step.context.sendActivity(message(t(known ? 'search.danger' : 'search.dangerAskCountry')));
    if (known) return step.next(known);
    return step.beginDialog(COUNTRY_DIALOG, {} satisfies CountryOptions);
  }

  private async show(step: WaterfallStepContext<ServicesOptions>): Promise<DialogTurnResult> {
    const lang = await languageOf(this.services, step.context);
    const t = this.services.i18n.getFixedT(lang);
    const knowledge = this.services.knowledge();
    const country = knowledge.servicesFor(String(step.result));
    await step.context.sendActivity(message(renderServices(country, step.options.kinds, lang, t)));

    const suggestions: Button[] = (step.options.topicIds ?? []).slice(0, 2).flatMap((id) => {
      const text = knowledge.topicText(id, lang);
      return text ? [{ value: `topic:${id}`, title: text.title }] : [];
    });
    const buttons: Button[] = [
      ...suggestions,
      // After words of danger, a request for a person goes first in the queue.
      { value: step.options.emergency ? 'human:urgent' : 'menu:human', title: t('nav.human') },
      { value: 'nav:changeCountry', title: t('nav.changeCountry') },
      { value: 'nav:menu', title: t('nav.menu') },
    ];
    return step.prompt(ASK_NEXT, { prompt: messageWithButtons(t('answer.next'), buttons) });
  }

  private async next(step: WaterfallStepContext<ServicesOptions>): Promise<DialogTurnResult> {
    const text = String(step.result ?? '');
    if (text === 'nav:changeCountry') {
      return step.replaceDialog(FLOW, { kinds: step.options.kinds, askCountry: true } satisfies ServicesOptions);
    }
    return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), text, await languageOf(this.services, step.context))));
  }
}

/** The services of a country as short Markdown: by kind, emergency first, numbers as tel: links. */
export function renderServices(country: CountryServices, kinds: ServiceKind[] | undefined, lang: Language, t: TFunction): string {
  const wanted = new Set<ServiceKind>(kinds?.length ? ['emergency', ...kinds] : SERVICE_KINDS);
  const lines = [t('services.heading', { country: country.names[lang] })];
  for (const kind of SERVICE_KINDS) {
    if (!wanted.has(kind)) continue;
    const entries = country.services.filter((s) => s.kind === kind);
    if (entries.length === 0) continue;
    lines.push('', `**${t(`services.kinds.${kind}`)}**`);
    for (const entry of entries) lines.push(`- ${renderEntry(entry, t)}`);
  }
  lines.push('', t('services.verify'));
  return lines.join('\n');
}

function renderEntry(entry: ServiceEntry, t: TFunction): string {
  const parts = [entry.organisation];
  if (entry.phone) parts.push(`[${entry.phone}](tel:${entry.phone.replace(/[^+\d]/g, '')})`);
  if (entry.web) parts.push(`[${new URL(entry.web).hostname.replace(/^www\./, '')}](${entry.web})`);
  if (entry.hours) parts.push(entry.hours);
  parts.push(t('services.checked', { date: entry.checked }));
  return parts.join(' · ');
}
