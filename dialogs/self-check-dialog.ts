import type { TurnContext } from 'botbuilder-core';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStep,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import { dayOf, recordCheckTotals } from '../src/analytics/check-totals.js';
import {
  ADVICE_GROUPS,
  RESULT_LEVELS,
  SKIP,
  type AdviceGroup,
  type AssessmentQuestion,
  type AssessmentText,
} from '../src/assessment/definition.js';
import { describeResult, nextQuestion, questionsFor, scoreAssessment, type Answers, type AssessmentResult, type Factor } from '../src/assessment/score.js';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { matchButton, message, messageWithButtons, type Button } from '../src/bot/replies.js';
import type { Language } from '../src/config.js';
import type { SharedSelfCheck } from '../src/handoff/handoff-service.js';
import { DIALOG, handOver } from './dialog-ids.js';
import type { HandoffOptions } from './handoff-dialog.js';
import { freeTextDialog } from './search-dialog.js';
import { COUNTRY_DIALOG, CountryDialog, type CountryOptions } from './country-dialog.js';
import { renderServices, type ServicesOptions } from './services-dialog.js';

export const SELF_CHECK_DIALOG = DIALOG.selfCheck;
const ASK = 'selfCheck.ask';
const START = 'selfCheck.start';
const QUESTIONS = 'selfCheck.questions';
const RESULT = 'selfCheck.result';
const NEXT = 'selfCheck.next';

// Button values. An answer names its question, so that an old button pressed again (Telegram keeps
// them under earlier messages) can never answer the question asked now.
const STOP = 'sc:stop';
const YES = 'sc:yes';
const NO = 'sc:no';
const SHOW_RESULT = 'sc:result';
const TALK_NOW = 'sc:human';
const answerValue = (question: string, option: string) => `sc:${question}:${option}`;

/** Risks named in the result (the most important first); protections are all named. */
const MAX_RISKS = 3;
/** Buttons under the next steps, the fixed ones (help near me, a person, the menu) included. */
const MAX_BUTTONS = 6;
/** Topics about what a fixed button does: not offered twice. */
const TOPIC_OF_BUTTON: Record<string, string> = { 'help.human': 'menu:human', 'help.services': 'menu:services' };

/** Where a check is: ids only (shared spec design.md), gone with the dialog when the check ends. */
interface CheckState {
  /** version of the definition the answers were given to */
  version: number;
  /** question id → option id or "skip" */
  answers: Record<string, string>;
  /** the last reply matched none of the buttons: ask again, with a hint */
  retry?: boolean;
}

/** After the check: only the topics to offer, never the answers. */
interface NextStepsOptions {
  topics: Record<AdviceGroup, string[]>;
  urgent: boolean;
}

const factorRef = z.object({ question: z.string(), option: z.string() });
type FactorRef = z.infer<typeof factorRef>;

/** A result kept with the person's consent, to show what changed next time. */
const keptSchema = z.object({
  version: z.number(),
  /** YYYY-MM-DD: the day, nothing finer */
  day: z.string(),
  level: z.enum(RESULT_LEVELS),
  risks: z.array(factorRef),
  protections: z.array(factorRef),
});
type KeptResult = z.infer<typeof keptSchema>;

/** Where a kept result lives: under the pseudonymous user id (a keyed hash), for /forget to find too. */
export function keptResultKey(userId: string): string {
  return `selfcheck:${userId}`;
}

/**
 * "Check my situation": the self-check of shared spec assessment.md. The notice, then one question
 * per message with one-tap answers, "skip" and "stop"; the result in words with what changed since
 * a kept result; consent to keep it and to count the answers; the next steps. Danger now (or an
 * urgent result) puts the emergency numbers of the person's country first.
 */
export class SelfCheckDialog extends ComponentDialog {
  constructor(private readonly services: BotServices) {
    super(SELF_CHECK_DIALOG);
    this.addDialog(new TextPrompt(ASK));
    this.addDialog(new CountryDialog(services));
    this.addDialog(new WaterfallDialog(START, [this.start.bind(this)]));
    this.addDialog(new WaterfallDialog<CheckState>(QUESTIONS, [this.guard(this.ask), this.guard(this.receive)]));
    this.addDialog(
      new WaterfallDialog<CheckState>(RESULT, [
        this.guard(this.countryIfUrgent),
        this.guard(this.urgentHelp),
        this.guard(this.showResult),
        this.guard(this.askCount),
        this.guard(this.finish),
      ]),
    );
    this.addDialog(new WaterfallDialog<NextStepsOptions>(NEXT, [this.offerNextSteps.bind(this), this.leave.bind(this)]));
    this.initialDialogId = START;
  }

  private definition() {
    return this.services.assessment().definition;
  }

  /** The language, the interface strings, and the check's own wording in that language. */
  private async speech(context: TurnContext): Promise<{ lang: Language; t: TFunction; text: AssessmentText }> {
    const lang = await languageOf(this.services, context);
    return { lang, t: this.services.i18n.getFixedT(lang), text: this.services.assessment().texts[lang] };
  }

  private score(state: CheckState): AssessmentResult {
    return scoreAssessment(this.definition(), state.answers);
  }

  /**
   * Runs a step only while the definition is the one the answers were given to; after an update
   * (a deploy while the person was answering) the check starts again, saying why.
   */
  private guard(run: (step: WaterfallStepContext<CheckState>) => Promise<DialogTurnResult>): WaterfallStep<CheckState> {
    return async (step) => {
      if (step.options.version === this.definition().version) return run.call(this, step);
      const { t } = await this.speech(step.context);
      await step.context.sendActivity(message(t('selfCheck.updated')));
      return step.replaceDialog(START);
    };
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text } = await this.speech(step.context);
    await step.context.sendActivity(message(`**${text.title}**\n${text.notice}`));
    return step.replaceDialog(QUESTIONS, { version: this.definition().version, answers: {} } satisfies CheckState);
  }

  private answerButtons(question: AssessmentQuestion, text: AssessmentText, t: TFunction): Button[] {
    const words = text.questions[question.id];
    return [
      ...question.options.map((option) => ({ value: answerValue(question.id, option.id), title: words?.options[option.id] ?? option.id })),
      { value: answerValue(question.id, SKIP), title: text.skip },
      { value: STOP, title: t('selfCheck.stop') },
    ];
  }

  private async ask(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    const { version, answers, retry } = step.options;
    const question = nextQuestion(this.definition(), answers);
    if (!question) return step.replaceDialog(RESULT, { version, answers } satisfies CheckState);
    const { t, text } = await this.speech(step.context);
    // "About": the total grows when an answer opens a follow-up.
    const asked = questionsFor(this.definition(), answers);
    const lines = [
      ...(retry ? [t('selfCheck.hint', { skip: text.skip, stop: t('selfCheck.stop') })] : []),
      t('selfCheck.progress', { number: asked.indexOf(question) + 1, total: asked.length }),
      `**${text.questions[question.id]?.text ?? question.id}**`,
    ];
    return step.prompt(ASK, { prompt: messageWithButtons(lines.join('\n'), this.answerButtons(question, text, t)) });
  }

  private async receive(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    // The question `ask` just put, with the same definition (the guard saw to that).
    const question = nextQuestion(this.definition(), step.options.answers) as AssessmentQuestion;
    const { t, text } = await this.speech(step.context);
    const reply = String(step.result ?? '');
    const picked = matchButton(reply, this.answerButtons(question, text, t));
    if (picked === STOP) {
      await step.context.sendActivity(message(t('selfCheck.stopped')));
      return step.endDialog();
    }
    // Typed text is not searched (the person is mid-check); words of danger never reach here (see RootDialog).
    if (!picked) return step.replaceDialog(QUESTIONS, { ...step.options, retry: true } satisfies CheckState);
    const answers = { ...step.options.answers, [question.id]: picked.slice(answerValue(question.id, '').length) };
    const result = scoreAssessment(this.definition(), answers);
    if (result.level === 'emergency') return this.emergencyHelp(step, result);
    return step.replaceDialog(QUESTIONS, { version: step.options.version, answers } satisfies CheckState);
  }

  /**
   * Ends the check for the services flow: emergency numbers first (it asks the country when it is
   * not known yet), then a person. Nothing of the answers is kept.
   */
  private emergencyHelp(step: WaterfallStepContext<CheckState>, result: AssessmentResult): Promise<DialogTurnResult> {
    const options: ServicesOptions = { emergency: true, kinds: result.advice.now.services, topicIds: result.advice.now.topics };
    return step.endDialog(handOver({ id: DIALOG.services, options }));
  }

  /** An urgent result needs the country's hotlines: asked here if not known yet, and the check goes on. */
  private async countryIfUrgent(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    const profile = await this.services.profile.get(step.context, {});
    if (this.score(step.options).level !== 'urgent' || profile.country) return step.next();
    const { t } = await this.speech(step.context);
    await step.context.sendActivity(message(t('search.dangerAskCountry')));
    return step.beginDialog(COUNTRY_DIALOG, {} satisfies CountryOptions);
  }

  /** An urgent result: the hotlines of the country first, then the offer of a person. */
  private async urgentHelp(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    const result = this.score(step.options);
    if (result.level !== 'urgent') return step.next();
    const profile = await this.services.profile.get(step.context, {});
    const { lang, t } = await this.speech(step.context);
    const country = this.services.knowledge().servicesFor(profile.country ?? 'INT');
    await step.context.sendActivity(message(renderServices(country, ['emergency', ...result.advice.now.services], lang, t)));
    const buttons: Button[] = [
      { value: TALK_NOW, title: t('nav.human') },
      { value: SHOW_RESULT, title: t('selfCheck.showResult') },
    ];
    // Any other reply goes on to the result.
    return step.prompt(ASK, { prompt: messageWithButtons(t('selfCheck.urgentOffer'), buttons) });
  }

  private async showResult(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    const result = this.score(step.options);
    if (step.result === TALK_NOW) {
      // First in the queue; the person will be asked whether the caseworker may see the result.
      return step.endDialog(handOver({ id: DIALOG.handoff, options: { urgent: true, selfCheck: shareable(result) } satisfies HandoffOptions }));
    }
    const { lang, t, text } = await this.speech(step.context);
    const before = await this.keptResult(step.context);
    const since = before ? sinceLastTime(before, result, text, t) : [];
    await step.context.sendActivity(message(resultText(result, step.options.answers, text, t, lang, since)));

    // An urgent result showed its hotlines already; others show the services their advice names.
    const profile = await this.services.profile.get(step.context, {});
    const kinds = [...new Set(ADVICE_GROUPS.flatMap((group) => result.advice[group].services))];
    if (result.level !== 'urgent' && profile.country && kinds.length > 0) {
      const country = this.services.knowledge().servicesFor(profile.country);
      await step.context.sendActivity(message(renderServices(country, kinds, lang, t)));
    }
    const days = Math.round(this.services.config.retention.state / 86_400);
    return step.prompt(ASK, { prompt: messageWithButtons(t('selfCheck.askKeep', { days }), yesNo(t)) });
  }

  private async askCount(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    const { t } = await this.speech(step.context);
    (step.values as { keep?: boolean }).keep = isYes(step.result, t);
    return step.prompt(ASK, { prompt: messageWithButtons(t('selfCheck.askCount'), yesNo(t)) });
  }

  /** Keeps and counts what the person agreed to, and nothing else; then the next steps. */
  private async finish(step: WaterfallStepContext<CheckState>): Promise<DialogTurnResult> {
    const { lang, t } = await this.speech(step.context);
    const keep = (step.values as { keep?: boolean }).keep === true;
    const count = isYes(step.result, t);
    const result = this.score(step.options);
    const { store, config } = this.services;
    const now = new Date();
    const key = keptResultKey(step.context.activity.from.id);
    if (keep) {
      await store.set(key, toKept(result, dayOf(now)), { ttlSeconds: config.retention.state });
    } else {
      // "No" also withdraws a result kept before: next time there is nothing to compare, as asked.
      await store.delete([key]);
    }
    if (count) {
      const profile = await this.services.profile.get(step.context, {});
      const input = { answers: step.options.answers, result, country: profile.country ?? 'unknown', language: lang, stage: 'unknown' };
      await recordCheckTotals(store, input, now);
    }
    const days = Math.round(config.retention.state / 86_400);
    const said = [keep ? t('selfCheck.kept', { days }) : t('selfCheck.notKept'), ...(count ? [t('selfCheck.counted')] : [])];
    await step.context.sendActivity(message(said.join(' ')));
    // Replacing this waterfall drops the answers from the conversation state.
    const topics = Object.fromEntries(ADVICE_GROUPS.map((group) => [group, result.advice[group].topics])) as Record<AdviceGroup, string[]>;
    return step.replaceDialog(NEXT, { topics, urgent: result.level === 'urgent' } satisfies NextStepsOptions);
  }

  /** The next steps as buttons, grouped now / soon / later; every button means the same anywhere. */
  private async offerNextSteps(step: WaterfallStepContext<NextStepsOptions>): Promise<DialogTurnResult> {
    const { lang, t, text } = await this.speech(step.context);
    const knowledge = this.services.knowledge();
    // A person first when it is urgent, then the steps in their order, then help near me and the menu.
    const person: Button[] = step.options.urgent ? [{ value: 'human:urgent', title: t('nav.human') }] : [];
    const tail: Button[] = [
      { value: 'menu:services', title: t('nav.services') },
      { value: 'nav:menu', title: t('nav.menu') },
    ];
    const fixed = new Set([...person, ...tail].map((button) => button.value));
    const known = (ids: string[]) => ids.filter((id) => knowledge.topicText(id, lang) && !fixed.has(TOPIC_OF_BUTTON[id] ?? ''));
    const picked = pickTopics(
      Object.fromEntries(ADVICE_GROUPS.map((group) => [group, known(step.options.topics[group])])) as Record<AdviceGroup, string[]>,
      MAX_BUTTONS - person.length - tail.length,
    );
    const lines = [`**${t('selfCheck.nextSteps')}**`];
    const topicButtons: Button[] = [];
    for (const group of ADVICE_GROUPS) {
      const buttons = picked[group].map((id) => ({ value: `topic:${id}`, title: knowledge.topicText(id, lang)?.title ?? id }));
      if (buttons.length === 0) continue;
      lines.push(`- **${text.groups[group]}**: ${buttons.map((button) => button.title).join(' · ')}`);
      topicButtons.push(...buttons);
    }
    return step.prompt(ASK, { prompt: messageWithButtons(lines.join('\n'), [...person, ...topicButtons, ...tail]) });
  }

  /** The buttons are served by the root wherever they are pressed; typed text is a question. */
  private async leave(step: WaterfallStepContext<NextStepsOptions>): Promise<DialogTurnResult> {
    const { lang } = await this.speech(step.context);
    return step.endDialog(handOver(freeTextDialog(this.services.knowledge(), String(step.result ?? ''), lang)));
  }

  private async keptResult(context: TurnContext): Promise<KeptResult | undefined> {
    const stored = await this.services.store.get(keptResultKey(context.activity.from.id));
    // A record of an older shape is as good as none.
    const parsed = keptSchema.safeParse(stored?.value);
    return parsed.success ? parsed.data : undefined;
  }
}

function yesNo(t: TFunction): Button[] {
  return [
    { value: YES, title: t('selfCheck.yes') },
    { value: NO, title: t('selfCheck.no') },
  ];
}

/** Only a clear yes is a yes: anything else keeps nothing. */
function isYes(reply: unknown, t: TFunction): boolean {
  return matchButton(String(reply ?? ''), yesNo(t)) === YES;
}

const refOf = (factor: Factor): FactorRef => ({ question: factor.question, option: factor.option });

/** What a caseworker may see of a result, if the person agrees: ids only. */
function shareable(result: AssessmentResult): SharedSelfCheck {
  const ids = (factors: Factor[]) => factors.map((f) => `${f.question}=${f.option}`);
  return { level: result.level, risks: ids(result.risks), protections: ids(result.protections), triggers: [...result.triggers] };
}

function toKept(result: AssessmentResult, day: string): KeptResult {
  return { version: result.version, day, level: result.level, risks: result.risks.map(refOf), protections: result.protections.map(refOf) };
}

/**
 * The result on a phone: the level in words with the notice, what the person may be exposed to,
 * the main risks and every protection, then what changed since last time.
 */
function resultText(result: AssessmentResult, answers: Answers, text: AssessmentText, t: TFunction, lang: Language, since: string[]): string {
  const words = describeResult(text, result);
  const asked = Object.keys(answers).length;
  const skipped = Object.values(answers).filter((answer) => answer === 'skip').length;
  // Nothing answered is not "no risk": say so instead of a level.
  if (asked > 0 && skipped === asked) return [`**${text.title}**`, words.notice, '', t('selfCheck.allSkipped')].join('\n');
  const lines = [`**${text.title}: ${words.level}**`, words.notice, ''];
  lines.push(
    words.harms.length > 0
      ? `**${t('selfCheck.exposedTo')}** ${new Intl.ListFormat(lang, { type: 'conjunction' }).format(words.harms)}`
      : t('selfCheck.noRisks'),
  );
  if (skipped > 0) lines.push(t('selfCheck.someSkipped'));
  if (words.risks.length > 0) lines.push('', `**${text.sections.risks}**`, ...words.risks.slice(0, MAX_RISKS).map((risk) => `- ${risk}`));
  if (words.protections.length > 0) lines.push('', `**${text.sections.protections}**`, ...words.protections.map((p) => `- ${p}`));
  if (since.length > 0) lines.push('', ...since);
  return lines.join('\n');
}

/** "Since last time": the level before and now, risks new and gone, protections gained and lost. */
function sinceLastTime(before: KeptResult, result: AssessmentResult, text: AssessmentText, t: TFunction): string[] {
  const now = toKept(result, '');
  const same = (a: FactorRef, b: FactorRef) => a.question === b.question && a.option === b.option;
  const missingFrom = (list: FactorRef[], other: FactorRef[]) => list.filter((ref) => !other.some((o) => same(ref, o)));
  // A factor an editor has since removed has no words any more: it is left out.
  const phrases = (refs: FactorRef[]) => refs.flatMap((ref) => text.questions[ref.question]?.factors?.[ref.option] ?? []);
  const changes = [
    ...phrases(missingFrom(now.risks, before.risks)).map((factor) => t('selfCheck.newRisk', { factor })),
    ...phrases(missingFrom(before.risks, now.risks)).map((factor) => t('selfCheck.goneRisk', { factor })),
    ...phrases(missingFrom(now.protections, before.protections)).map((factor) => t('selfCheck.gainedProtection', { factor })),
    ...phrases(missingFrom(before.protections, now.protections)).map((factor) => t('selfCheck.lostProtection', { factor })),
  ];
  return [
    `**${t('selfCheck.since', { date: before.day })}**`,
    `- ${t('selfCheck.levelChange', { before: text.levels[before.level], now: text.levels[now.level] })}`,
    ...(changes.length > 0 ? changes : [t('selfCheck.noChange')]).map((line) => `- ${line}`),
  ];
}

/**
 * Up to `slots` topics, one from each group in turn, so that many steps for now do not crowd out
 * the only step for later.
 */
function pickTopics(topics: Record<AdviceGroup, string[]>, slots: number): Record<AdviceGroup, string[]> {
  const picked: Record<AdviceGroup, string[]> = { now: [], soon: [], later: [] };
  let left = slots;
  for (let round = 0; left > 0; round++) {
    const offered = ADVICE_GROUPS.filter((group) => topics[group][round] !== undefined);
    if (offered.length === 0) break;
    for (const group of offered) {
      if (left === 0) break;
      picked[group].push(topics[group][round] as string);
      left--;
    }
  }
  return picked;
}
