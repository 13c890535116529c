/** Ids of the flows, in one place: flows start each other by id. */
export const DIALOG = {
  root: 'root',
  language: 'language',
  mainMenu: 'mainMenu',
  topics: 'topics',
  answer: 'answer',
  search: 'search',
  smallTalk: 'smallTalk',
  services: 'services',
  country: 'country',
  selfCheck: 'selfCheck',
  handoff: 'handoff',
  privacy: 'privacy',
} as const;

/** A flow to start, with its options (ids only, never text the person typed). */
export interface DialogTarget {
  id: string;
  options: object;
}

/**
 * What a flow hands back when it ends: the flow to go on with, if any. The main menu starts it,
 * so flows hand over to each other without nesting ever deeper.
 */
export interface FlowResult {
  next?: DialogTarget;
  /** The bot steps back and stays quiet (a person is taking over the chat). */
  quiet?: boolean;
  /** The menu is offered as at first ("What do you need?"), not as "What else…". */
  fresh?: boolean;
}

export function handOver(next: DialogTarget): FlowResult {
  return { next };
}
