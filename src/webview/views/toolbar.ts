// The trace view's toolbar: search with an n/N counter and previous/next, and the toggles
// (confidence shading, sentence steps) and Copy trace. It owns its elements and reports intents.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { el } from '../dom';

type TextField = HTMLElement & { value: string };

export interface ToolbarHandlers {
  onSearch: (query: string) => void;
  onStepMatch: (delta: 1 | -1) => void;
  onEscape: () => void;
  onToggleConfidence: () => void;
  onToggleSentences: () => void;
  onCopyTrace: () => void;
  onToggleReview: () => void;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly search = el('vscode-textfield', {
    placeholder: 'Search in trace (Enter / Shift+Enter)',
    'aria-label': 'Search in trace',
  }) as TextField;
  private readonly counter = el('span', { class: 'search-counter', 'aria-live': 'polite' }, '');
  private readonly confBtn = el('vscode-button', { title: 'Shade tokens by model confidence' }, 'Confidence');
  private readonly reviewBtn = el(
    'vscode-button',
    {
      title:
        'Review mode: accept (a), reject (x), relabel (1–8) detections; select text and press 1–8 to add',
    },
    'Review',
  );
  private readonly modeBtn = el(
    'vscode-button',
    { title: 'Show a step per sentence instead of per paragraph' },
    'Sentences',
  );

  constructor(h: ToolbarHandlers) {
    const prev = el('vscode-button', { title: 'Previous match (Shift+Enter)' }, '↑');
    const next = el('vscode-button', { title: 'Next match (Enter)' }, '↓');
    const copy = el('vscode-button', { title: 'Copy the trace as Markdown' }, 'Copy trace');
    this.element = el(
      'div',
      { class: 'toolbar' },
      this.search,
      this.counter,
      prev,
      next,
      this.confBtn,
      this.modeBtn,
      this.reviewBtn,
      copy,
    );
    this.search.addEventListener('input', () => h.onSearch(this.search.value));
    this.search.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        h.onStepMatch(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') h.onEscape();
    });
    prev.addEventListener('click', () => h.onStepMatch(-1));
    next.addEventListener('click', () => h.onStepMatch(1));
    this.confBtn.addEventListener('click', h.onToggleConfidence);
    this.modeBtn.addEventListener('click', h.onToggleSentences);
    this.reviewBtn.addEventListener('click', h.onToggleReview);
    copy.addEventListener('click', h.onCopyTrace);
  }

  setQuery(q: string) {
    this.search.value = q;
  }

  focusSearch() {
    this.search.focus();
  }

  /** "3/12" while searching, empty otherwise. */
  setCounter(query: string, at: number, total: number) {
    this.counter.textContent = query ? `${total ? at + 1 : 0}/${total}` : '';
  }

  setToggles(t: { confidence: boolean; sentences: boolean; confidenceAvailable: boolean; review: boolean }) {
    this.reviewBtn.toggleAttribute('secondary', !t.review);
    this.confBtn.toggleAttribute('secondary', !t.confidence);
    this.modeBtn.toggleAttribute('secondary', !t.sentences);
    this.confBtn.toggleAttribute('disabled', !t.confidenceAvailable);
  }
}
