import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { message } from '../src/bot/replies.js';
import type { SmallTalkKind } from '../src/content/small-talk.js';
import { DIALOG, type FlowResult } from './dialog-ids.js';

export const SMALL_TALK_DIALOG = DIALOG.smallTalk;

export interface SmallTalkOptions {
  kind: SmallTalkKind;
}

/** "Hello" gets a hello and the menu as at first; "thank you" gets a kind word and "what else". */
export class SmallTalkDialog extends Dialog<SmallTalkOptions> {
  constructor(private readonly services: BotServices) {
    super(SMALL_TALK_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: SmallTalkOptions): Promise<DialogTurnResult> {
    const kind = options?.kind ?? 'greeting';
    const t = this.services.i18n.getFixedT(await languageOf(this.services, dc.context));
    await dc.context.sendActivity(message(t(`smallTalk.${kind}`)));
    return dc.endDialog({ fresh: kind === 'greeting' } satisfies FlowResult);
  }
}
