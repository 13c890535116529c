import type { ConversationReference, TurnContext } from 'botbuilder-core';
import type { i18n } from 'i18next';
import { HOTLINE_KINDS } from '../../dialogs/handoff-dialog.js';
import { renderServices } from '../../dialogs/services-dialog.js';
import type { Language } from '../config.js';
import type { KnowledgeBase } from '../content/knowledge-base.js';
import type { HandoffCase, HandoffService } from '../handoff/handoff-service.js';
import type { PersonBridge } from '../handoff/person-bridge.js';
import type { Logger } from '../logger.js';
import type { HelpBot } from './bot.js';
import type { ChannelAdapter } from './channel-adapter.js';
import { message, messageWithButtons } from './replies.js';

export interface HandoffBridgeOptions {
  /** Adapters by channel id: a staff reply goes out through the person's own channel. */
  adapters: Map<string, ChannelAdapter>;
  bot: HelpBot;
  handoff: HandoffService;
  i18n: i18n;
  knowledge: () => KnowledgeBase;
  logger: Logger;
  /** Nobody answered within this time: the hotline numbers are sent. */
  waitSeconds: number;
}

/**
 * Reaches the person from the console, on any instance: a proactive turn on the conversation
 * reference stored with the case, through the adapter of the person's channel. It also runs the
 * sweeper that tells waiting people their new place in the queue, and sends the hotline numbers
 * when nobody has answered in time.
 */
export class HandoffBridge implements PersonBridge {
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly options: HandoffBridgeOptions) {}

  async say(handoffCase: HandoffCase, text: string): Promise<void> {
    await this.send(handoffCase, async (context) => {
      await context.sendActivity({ ...message(text), locale: handoffCase.language });
    });
  }

  async typing(handoffCase: HandoffCase): Promise<void> {
    await this.send(handoffCase, async (context) => {
      await context.sendActivity({ type: 'typing' });
    });
  }

  async joined(handoffCase: HandoffCase, staffName: string): Promise<void> {
    const t = this.t(handoffCase);
    await this.send(handoffCase, async (context) => {
      await context.sendActivity({
        ...messageWithButtons(t('handoff.joined', { name: staffName }), [{ value: 'handoff:end', title: t('handoff.end') }]),
        locale: handoffCase.language,
      });
    });
  }

  async handBack(handoffCase: HandoffCase, reason: 'handed_back' | 'closed'): Promise<void> {
    await this.send(handoffCase, (context) => this.options.bot.restartAtMenu(context, `handoff.${reason}`));
  }

  /** Checks the queue now and then, on every instance; a compare-and-set makes one of them act. */
  startSweeping(intervalMs = 15_000): void {
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => this.options.logger.warn({ err: String(error) }, 'handoff sweep failed'));
    }, intervalMs);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    clearInterval(this.sweeper);
  }

  async sweep(now = new Date()): Promise<void> {
    const { handoff, waitSeconds } = this.options;
    const queue = await handoff.queue();
    for (const [index, handoffCase] of queue.entries()) {
      const position = index + 1;
      const waited = (now.getTime() - Date.parse(handoffCase.requestedAt)) / 1000;
      if (waited >= waitSeconds && !handoffCase.hotlinesSentAt) {
        const marked = await handoff.mark(handoffCase.conversationKey, { hotlinesSentAt: now.toISOString() }, (c) => c.status === 'queued' && !c.hotlinesSentAt);
        if (marked) await this.sendHotlines(handoffCase);
      } else if (handoffCase.lastPositionSent !== undefined && handoffCase.lastPositionSent !== position) {
        const marked = await handoff.mark(handoffCase.conversationKey, { lastPositionSent: position }, (c) => c.lastPositionSent !== position);
        if (marked) await this.notice(handoffCase, 'handoff.position', { position });
      } else if (handoffCase.lastPositionSent === undefined) {
        // The position given when the person joined; only changes from here on are announced.
        await handoff.mark(handoffCase.conversationKey, { lastPositionSent: position }, (c) => c.lastPositionSent === undefined);
      }
    }
  }

  private async sendHotlines(handoffCase: HandoffCase): Promise<void> {
    const t = this.t(handoffCase);
    const country = this.options.knowledge().servicesFor(handoffCase.country);
    await this.send(handoffCase, async (context) => {
      await context.sendActivity({ ...message(t('handoff.timeout')), locale: handoffCase.language });
      await context.sendActivity({
        ...messageWithButtons(renderServices(country, HOTLINE_KINDS, handoffCase.language as Language, t), [
          { value: 'handoff:cancel', title: t('handoff.cancel') },
        ]),
        locale: handoffCase.language,
      });
    });
  }

  private async notice(handoffCase: HandoffCase, key: string, vars: Record<string, unknown>): Promise<void> {
    const t = this.t(handoffCase);
    await this.send(handoffCase, async (context) => {
      await context.sendActivity({ ...message(t(key, vars)), locale: handoffCase.language });
    });
  }

  private t(handoffCase: HandoffCase) {
    return this.options.i18n.getFixedT(handoffCase.language);
  }

  private async send(handoffCase: HandoffCase, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const adapter = this.options.adapters.get(handoffCase.channel);
    if (!adapter) throw new Error(`no adapter for channel ${handoffCase.channel}`);
    await adapter.continueConversation(handoffCase.reference as Partial<ConversationReference>, logic);
  }
}
