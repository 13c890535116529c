import type { HandoffCase } from './handoff-service.js';

/**
 * How staff reach the person, through whichever channel the person uses and from any instance.
 * Implemented next to the bot (src/bot/handoff-bridge.ts); the console only knows this interface.
 */
export interface PersonBridge {
  /** A caseworker's message, shown to the person as text. */
  say(handoffCase: HandoffCase, text: string): Promise<void>;
  /** The caseworker is typing. */
  typing(handoffCase: HandoffCase): Promise<void>;
  /** Tells the person a caseworker has joined (by the name staff chose to show). */
  joined(handoffCase: HandoffCase, staffName: string): Promise<void>;
  /** Ends the chat with a person: a notice, and the bot is back with the menu. */
  handBack(handoffCase: HandoffCase, reason: 'handed_back' | 'closed'): Promise<void>;
}
