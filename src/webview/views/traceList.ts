// The trace list of a file: verdict, problem, checkpoint, step count and behavior dots per trace,
// filtered by the list filter (state.ts decides which items pass).
import { BEHAVIOR_IDS, behaviorLabel } from '../../core/behaviors/catalog';
import type { TraceListItem } from '../../protocol/traceView';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { clear, el } from '../dom';
import { behaviorColor } from './stepRow';

export interface TraceListProps {
  items: readonly TraceListItem[];
  selected: number;
  colors: Readonly<Record<string, string>>;
  onSelect: (index: number) => void;
}

export function renderTraceList(container: HTMLElement, p: TraceListProps) {
  clear(container);
  for (const t of p.items) {
    const verdict = t.correct === null ? '·' : t.correct ? '✓' : '✗';
    const dots = BEHAVIOR_IDS.filter((b) => t.behaviors[b]).map((b) => {
      const dot = el(
        'span',
        { class: 'dot', title: `${behaviorLabel(b)}: ${t.behaviors[b]}` },
        String(t.behaviors[b]),
      );
      dot.style.setProperty('--c', behaviorColor(p.colors, b));
      return dot;
    });
    const selected = t.index === p.selected;
    const item = el(
      'div',
      {
        class: `trace-item${selected ? ' selected' : ''}`,
        role: 'option',
        tabindex: '0',
        'data-index': String(t.index),
        'aria-selected': String(selected),
      },
      el(
        'div',
        { class: 'trace-item-title' },
        el(
          'span',
          { class: `verdict ${t.correct === null ? 'unknown' : t.correct ? 'ok' : 'bad'}` },
          verdict,
        ),
        ` ${t.problemId}`,
      ),
      el(
        'div',
        { class: 'trace-item-meta' },
        `${t.checkpoint} · ${t.steps} steps${t.status !== 'complete' ? ` · ${t.status}` : ''}`,
      ),
      el('div', { class: 'trace-item-behaviors' }, ...dots),
    );
    item.addEventListener('click', () => p.onSelect(t.index));
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') p.onSelect(t.index);
    });
    container.append(item);
  }
}

/** The filter field above the list. */
export class TraceListFilter {
  readonly element = el('vscode-textfield', {
    placeholder: 'Filter traces',
    'aria-label': 'Filter traces',
  }) as HTMLElement & { value: string };

  constructor(onInput: (query: string) => void) {
    this.element.addEventListener('input', () => onInput(this.element.value));
  }

  setValue(q: string) {
    this.element.value = q;
  }
}
