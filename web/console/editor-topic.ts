import type { RefusalView, TopicEditView } from '../../src/console/content-views.js';
import { renderMarkdown } from '../markdown.js';
import { api, ApiError } from './api.js';
import { button, h } from './dom.js';
import { FieldErrors, STATUS_WORDS, isRightToLeft, lines, words, type Notify } from './editor-form.js';
import { languageName } from './queue.js';

/** An answer as the chat shows it: the title in bold, then the Markdown, in the language's direction. */
function chatBubble(lang: string, title: string, body: string): HTMLElement {
  const bubble = h('div', { className: 'bubble', attrs: { lang, dir: isRightToLeft(lang) ? 'rtl' : 'ltr' } });
  bubble.append(renderMarkdown(`**${title}**\n\n${body}`));
  return bubble;
}

/**
 * One topic in one language, beside the English it is translated from: the fields of its file, a
 * preview as the chat will show it, and saving with the problems shown next to their fields.
 */
export function renderTopicEditor(target: HTMLElement, opened: TopicEditView, notify: Notify, back: () => void): void {
  let view = opened;
  const { lang, topicId } = view;
  const text = view.text ?? { title: '', questions: [], keywords: [], sources: [], reviewed: false, body: '' };
  const direction = { lang, dir: isRightToLeft(lang) ? 'rtl' : 'ltr' };
  const errors = new FieldErrors();

  const title = h('input', { attrs: { ...direction, autocomplete: 'off' } });
  title.value = text.title;
  const body = h('textarea', { attrs: { ...direction, rows: '16' } });
  body.value = text.body;
  const questions = h('textarea', { attrs: { ...direction, rows: '6' } });
  questions.value = text.questions.join('\n');
  const keywords = h('input', { attrs: { ...direction, autocomplete: 'off' } });
  keywords.value = text.keywords.join(', ');
  const sources = h('textarea', { attrs: { rows: '3' } });
  sources.value = text.sources.join('\n');
  const reviewed = h('input', { attrs: { type: 'checkbox' } });
  reviewed.checked = text.reviewed;

  const preview = h('div', { className: 'preview', attrs: { 'aria-live': 'polite', 'aria-label': 'Preview in the chat' } });
  const drawPreview = () => preview.replaceChildren(chatBubble(lang, title.value, body.value));
  title.addEventListener('input', drawPreview);
  body.addEventListener('input', drawPreview);

  const status = h('p', { className: 'hours' });
  const source = h('div');
  const theirs = h('div', { className: 'theirs', attrs: { 'aria-label': 'The version saved meanwhile' } });
  const drawState = () => {
    status.replaceChildren('Status: ', h('strong', {}, STATUS_WORDS[view.status]), view.edited ? ' · edited in the console, not yet written to the files' : '');
    source.replaceChildren(
      ...(view.source
        ? [h('h3', {}, 'English (the source)'), chatBubble('en', view.source.title, view.source.body)]
        : [h('p', { className: 'hours' }, 'This is the English source: changing the title or the answer marks every translation of it stale.')]),
    );
  };

  const save = async (): Promise<void> => {
    errors.clear();
    theirs.replaceChildren();
    const edit = {
      version: view.version,
      sourceHash: view.source?.hash,
      title: title.value,
      questions: lines(questions.value),
      keywords: words(keywords.value),
      sources: lines(sources.value),
      reviewed: reviewed.checked,
      body: body.value,
    };
    try {
      view = await api<TopicEditView>('PUT', `/content/topics/${topicId}/${lang}`, edit);
      drawState();
      notify('Saved. The chat uses the new text now.');
    } catch (error) {
      const refusal = error instanceof ApiError ? (error.body as RefusalView) : undefined;
      if (error instanceof ApiError && error.status === 422) {
        errors.show(refusal, view.path);
        errors.firstMarked()?.focus();
      } else if (error instanceof ApiError && error.status === 409 && refusal?.current && 'topicId' in refusal.current) {
        // Saving again now replaces what is there: the editor has been told and has seen it.
        view = refusal.current;
        errors.general.textContent = error.message;
        drawState();
        if (view.text) theirs.replaceChildren(h('h3', {}, 'Saved meanwhile'), chatBubble(lang, view.text.title, view.text.body));
      } else {
        notify((error as Error).message, 'error');
      }
    }
  };

  drawState();
  drawPreview();
  target.replaceChildren(
    h('h3', { id: 'topic-title', attrs: { tabindex: '-1' } }, `${text.title || topicId} — ${languageName(lang)}`),
    status,
    h(
      'div',
      { className: 'editor' },
      h('div', { className: 'source' }, source),
      h(
        'form',
        {
          className: 'edit',
          on: {
            submit: (event) => {
              event.preventDefault();
              void save();
            },
          },
        },
        errors.general,
        errors.field('title', 'Title', title),
        errors.field('answer', 'Answer (Markdown: **bold**, "- " bullets, "1. " steps, links)', body),
        h('h4', {}, 'Preview in the chat'),
        preview,
        errors.field('questions', 'Questions people ask (one per line)', questions),
        errors.field('keywords', 'Keywords (separated by commas)', keywords),
        errors.field('sources', 'Sources (one per line)', sources),
        h('label', { className: 'check' }, reviewed, ' Reviewed: a fluent reader has checked this text'),
        theirs,
        h('div', { className: 'toolbar' }, h('button', { className: 'primary', attrs: { type: 'submit' } }, 'Save'), button('Back to the matrix', back)),
      ),
    ),
  );
  target.querySelector<HTMLElement>('#topic-title')?.focus();
}
