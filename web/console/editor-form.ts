import type { RefusalView } from '../../src/console/content-views.js';
import type { TranslationStatus } from '../../src/content/load.js';
import { field, h } from './dom.js';

/** What the editor area's forms share: fields with their own error line, and the server's refusals put next to them. */

export type Notify = (text: string, kind?: 'error' | 'info') => void;

export const STATUS_WORDS: Record<TranslationStatus, string> = { current: 'current', stale: 'stale', missing: 'missing', unreviewed: 'not reviewed' };

export function isRightToLeft(lang: string): boolean {
  return lang === 'ar' || lang === 'fa';
}

/** One item per line, blank lines left out. */
export function lines(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Comma-separated words (the Arabic comma too). */
export function words(text: string): string[] {
  return text.split(/[,،]/).map((word) => word.trim()).filter(Boolean);
}

/** Error lines of one form, by field name, and one for what belongs to no field. */
export class FieldErrors {
  private readonly lines = new Map<string, HTMLElement>();
  readonly general = h('p', { className: 'error', attrs: { role: 'alert' } });

  /** A labelled control with its error line under it, announced with the control. */
  field(name: string, label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
    const wrapper = field(label, control);
    const line = h('p', { className: 'error', id: `${control.id}-error` });
    control.setAttribute('aria-describedby', line.id);
    this.lines.set(name, line);
    wrapper.append(line);
    return wrapper;
  }

  clear(): void {
    this.general.textContent = '';
    for (const line of this.lines.values()) line.textContent = '';
  }

  /** Puts a problem next to its field (`questions.2` goes to `questions`, as "item 3"); false when the form has no such field. */
  mark(path: string[], message: string): boolean {
    const line = this.lines.get(path[0] ?? '');
    if (!line) return false;
    const item = path[1] && /^\d+$/.test(path[1]) ? `item ${Number(path[1]) + 1}: ` : '';
    line.textContent = [line.textContent, `${item}${message}`].filter(Boolean).join('; ');
    return true;
  }

  /**
   * Shows why a save was refused: each problem of `file` next to its field (found by `place`, this
   * form's by default), the rest above the form with their file.
   */
  show(refusal: RefusalView | undefined, file: string, place = (path: string[], message: string) => this.mark(path, message)): void {
    const general: string[] = [refusal?.error.message ?? 'Not saved.'];
    for (const problem of refusal?.problems ?? []) {
      if (problem.file === file && place(problem.field.split('.'), problem.message)) continue;
      general.push(`${problem.file}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}`);
    }
    this.general.textContent = general.join(' ');
  }

  /** The first field with a problem, to move the keyboard there. */
  firstMarked(): HTMLElement | undefined {
    const line = [...this.lines.values()].find((l) => l.textContent);
    return line ? (document.querySelector<HTMLElement>(`[aria-describedby="${line.id}"]`) ?? undefined) : undefined;
  }
}
