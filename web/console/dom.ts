/**
 * Builds elements. Text always goes in as text nodes, never as HTML: everything a person typed is
 * shown exactly as typed, and markup in it stays inert: nothing in the console parses HTML.
 */
type Child = Node | string | number | null | undefined | false;

interface Props {
  className?: string;
  id?: string;
  /** Attributes, e.g. { 'aria-label': '…', type: 'button' }. */
  attrs?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.id) element.id = props.id;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  for (const [name, handler] of Object.entries(props.on ?? {})) element.addEventListener(name, handler as EventListener);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function button(label: string, onClick: () => void, className = ''): HTMLButtonElement {
  return h('button', { className, attrs: { type: 'button' }, on: { click: onClick } }, label);
}

/** A labelled form control: the label is tied to the control for screen readers. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  control.id ||= `f-${Math.random().toString(36).slice(2, 9)}`;
  return h('div', { className: 'field' }, h('label', { attrs: { for: control.id } }, label), control);
}

export function select(options: Array<{ value: string; label: string }>, value?: string): HTMLSelectElement {
  const element = h('select', {}, ...options.map((o) => h('option', { attrs: { value: o.value } }, o.label)));
  if (value !== undefined) element.value = value;
  return element;
}

/** "45 s", "3 min", "1 h 05 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
