import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { languageOf, type BotServices } from '../src/bot/context.js';
import { message } from '../src/bot/replies.js';
import type { SmallTalkKind } from '../src/content/small-talk.js';
import { DIALOG, type FlowResult } from './dialog-ids.js';

export const SMALL_TALK_DIALOG = DIALOG.smallTalk;

export interface SmallTalkOptions {
  kind: SmallTalkKind;
}

/** What each kind gets: a word in kind (or none), then the menu as at first or as "what else". */
const ANSWERS: Record<SmallTalkKind, { reply: boolean; fresh: boolean }> = {
  greeting: { reply: true, fresh: true },
  thanks: { reply: true, fresh: false },
  goodbye: { reply: true, fresh: false },
  okay: { reply: false, fresh: false },
  menu: { reply: false, fresh: true },
};

/** "Hello" gets a hello and the menu as at first; "thank you" gets a kind word and "what else"; "menu" the menu. */
export class SmallTalkDialog extends Dialog<SmallTalkOptions> {
  constructor(private readonly services: BotServices) {
    super(SMALL_TALK_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: SmallTalkOptions): Promise<DialogTurnResult> {
    const kind = options?.kind ?? 'greeting';
    const { reply, fresh } = ANSWERS[kind];
    if (reply) {
      const t = this.services.i18n.getFixedT(await languageOf(this.services, dc.context));
      await dc.context.sendActivity(message(t(`smallTalk.${kind}`)));
    }
    return dc.endDialog({ fresh } satisfies FlowResult);
  }
}
