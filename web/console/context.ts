import type { MeView } from '../../src/console/views.js';

/** What the views need from the page around them. */
export interface ConsoleContext {
  me: MeView;
  /** Now, by the server's clock (waits are counted from server times). */
  serverNow(): number;
  notify(text: string, kind?: 'error' | 'info'): void;
  openCase(conversationKey: string): void;
  claim(conversationKey: string): Promise<void>;
  refreshQueue(): void;
}
