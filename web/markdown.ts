/**
 * Renders the small Markdown subset answers use (paragraphs, `-` and `1.` lists, **bold**, links)
 * into DOM nodes. Text is only ever set with textContent, so nothing a message holds can become
 * HTML; links are kept only for https and tel.
 */
export function renderMarkdown(source: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let list: HTMLElement | undefined;
  let listKind = '';
  for (const line of source.split('\n')) {
    const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const kind = bullet ? 'ul' : 'ol';
      if (!list || listKind !== kind) {
        list = document.createElement(kind);
        listKind = kind;
        fragment.append(list);
      }
      const li = document.createElement('li');
      li.append(inline(item[1] ?? ''));
      list.append(li);
      continue;
    }
    list = undefined;
    if (!line.trim()) continue;
    const p = document.createElement('p');
    p.append(inline(line));
    fragment.append(p);
  }
  return fragment;
}

const INLINE = /\*\*(.+?)\*\*|\[([^\]]+)\]\(((?:https:\/\/|tel:)[^)\s]+)\)/g;

function inline(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    out.append(text.slice(last, match.index));
    if (match[1] !== undefined) {
      const b = document.createElement('strong');
      b.textContent = match[1];
      out.append(b);
    } else {
      const a = document.createElement('a');
      a.textContent = match[2] ?? '';
      a.href = match[3] ?? '';
      if (a.protocol === 'https:') {
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
      out.append(a);
    }
    last = (match.index ?? 0) + match[0].length;
  }
  out.append(text.slice(last));
  return out;
}
