// The trace list of a file, virtualized over the host's index: the view holds only the rows near the
// viewport, fetched in pages from the host (listRows) for the current filter and sort (listQuery).
// Verdict, problem, checkpoint, step count and behavior dots per trace; a status line says how many
// traces match and how far the index has come.
import { BEHAVIOR_IDS, behaviorLabel } from '../../core/behaviors/catalog';
import type { IndexStatus, TraceListItem, ViewState } from '../../protocol/traceView';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { clear, el } from '../dom';
import { behaviorColor } from './stepRow';
import { FixedList } from './fixedList';

/** Rows asked for at once, and how far beyond the drawn rows. */
const PAGE = 100;

export interface TraceListHandlers {
  onSelect: (index: number) => void;
  /** A query for the host: filter text and sort, with a sequence number the answers carry. */
  onQuery: (q: { seq: number; text: string; sort: ViewState['listSort']; descending: boolean }) => void;
  onRows: (r: { seq: number; from: number; to: number }) => void;
}

export function renderTraceItem(
  t: TraceListItem,
  selected: boolean,
  colors: Readonly<Record<string, string>>,
  onSelect: (i: number) => void,
): HTMLElement {
  const verdict = t.issue ? '⚠' : t.correct === null ? '·' : t.correct ? '✓' : '✗';
  const dots = BEHAVIOR_IDS.filter((b) => t.behaviors[b]).map((b) => {
    const dot = el(
      'span',
      { class: 'dot', title: `${behaviorLabel(b)}: ${t.behaviors[b]}` },
      String(t.behaviors[b]),
    );
    dot.style.setProperty('--c', behaviorColor(colors, b));
    return dot;
  });
  const steps = t.steps >= 0 ? `${t.steps} steps` : t.steps === -1 ? '… steps' : 'not a trace';
  const item = el(
    'div',
    {
      class: `trace-item${selected ? ' selected' : ''}${t.issue ? ' invalid' : ''}`,
      role: 'option',
      tabindex: '0',
      'data-index': String(t.index),
      'aria-selected': String(selected),
      title: t.issue ?? '',
    },
    el(
      'div',
      { class: 'trace-item-title' },
      el('span', { class: `verdict ${t.correct === null ? 'unknown' : t.correct ? 'ok' : 'bad'}` }, verdict),
      ` ${t.problemId || t.id}`,
    ),
    el(
      'div',
      { class: 'trace-item-meta' },
      t.issue
        ? t.issue.replace(/^.*?:\d+: /, '')
        : `${t.checkpoint} · ${steps}${t.status !== 'complete' ? ` · ${t.status}` : ''}`,
    ),
    el('div', { class: 'trace-item-behaviors' }, ...dots),
  );
  item.addEventListener('click', () => onSelect(t.index));
  item.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') onSelect(t.index);
  });
  return item;
}

export class TraceList {
  readonly element: HTMLElement;
  private readonly filter = el('vscode-textfield', {
    placeholder: 'Filter: words, correct, wrong, +behavior, -behavior',
    'aria-label': 'Filter traces',
  }) as HTMLElement & { value: string };
  private readonly sort = el(
    'vscode-single-select',
    { 'aria-label': 'Sort traces', class: 'list-sort' },
    ...(
      [
        ['file', 'File order'],
        ['steps', 'Steps'],
        ['behaviors', 'Behaviors'],
        ['verdict', 'Verdict'],
        ['confidence', 'Least sure first'],
      ] as const
    ).map(([v, label]) => el('vscode-option', { value: v }, label)),
  ) as HTMLElement & { value: string };
  private readonly direction = el(
    'vscode-button',
    { title: 'Reverse the order', class: 'list-direction' },
    '↓',
  );
  private readonly status = el('div', { class: 'list-status', 'aria-live': 'polite' });
  private readonly list = new FixedList({
    renderRow: (r) => this.row(r),
    rowHeight: 60,
    label: 'Traces',
    className: 'trace-list',
    role: 'listbox',
  });
  private seq = 0;
  /** Rows of the current query by position; pages asked for and not yet answered. */
  private readonly rows = new Map<number, TraceListItem>();
  private readonly asked = new Set<number>();
  private colors: Readonly<Record<string, string>> = {};
  selected = -1;

  constructor(
    private readonly h: TraceListHandlers,
    private readonly q: Pick<ViewState, 'listFilter' | 'listSort' | 'listDescending'>,
    private readonly save: (patch: Partial<ViewState>) => void,
  ) {
    this.filter.addEventListener('input', () => {
      this.save({ listFilter: this.filter.value });
      this.query();
    });
    this.sort.addEventListener('change', () => {
      this.save({ listSort: this.sort.value as ViewState['listSort'] });
      this.query();
    });
    this.direction.addEventListener('click', () => {
      this.save({ listDescending: !this.q.listDescending });
      this.query();
    });
    const controls = el('div', { class: 'list-controls' }, this.sort, this.direction);
    this.element = el('div', { class: 'list-pane' }, this.filter, controls, this.status, this.list.element);
  }

  /** A new file (or the same one again): the query goes out with the saved filter and sort. */
  start(colors: Readonly<Record<string, string>>) {
    this.colors = colors;
    this.filter.value = this.q.listFilter;
    this.sort.value = this.q.listSort;
    this.query();
  }

  /** Sends the query; rows already drawn stay until its answer arrives. */
  query() {
    this.direction.textContent = this.q.listDescending ? '↑' : '↓';
    this.h.onQuery({
      seq: ++this.seq,
      text: this.q.listFilter,
      sort: this.q.listSort,
      descending: this.q.listDescending,
    });
  }

  /** The host's answer to a query: how many rows match now. */
  view(m: { seq: number; count: number; total: number; status: IndexStatus }) {
    if (m.seq !== this.seq) return;
    this.asked.clear();
    if (this.answered === m.seq) {
      // the same query answered again as the index grew: the rows drawn stay until their pages
      // come back fresh (no flash of placeholders every quarter second)
      this.list.setCount(m.count);
      const [a, b] = this.list.visibleRange();
      for (let p = Math.floor(a / PAGE); p * PAGE < Math.min(b, m.count); p++) this.ask(p);
    } else {
      this.rows.clear();
      this.answered = m.seq;
      this.list.setCount(m.count);
    }
    this.showStatus(m);
    // which filter the count answers (typing sends a query per keystroke)
    this.status.dataset.query = this.q.listFilter;
  }

  private answered = -1;

  /** A page of rows from the host. */
  page(m: { seq: number; from: number; items: TraceListItem[] }) {
    if (m.seq !== this.seq) return;
    m.items.forEach((t, k) => this.rows.set(m.from + k, t));
    this.asked.delete(Math.floor(m.from / PAGE));
    this.list.render();
  }

  /** Marks trace `index` as the one shown. */
  select(index: number) {
    this.selected = index;
    this.list.render();
  }

  private row(r: number): HTMLElement {
    const t = this.rows.get(r);
    if (!t) {
      this.ask(Math.floor(r / PAGE));
      return el('div', { class: 'trace-item placeholder', 'aria-busy': 'true' }, '…');
    }
    return renderTraceItem(t, t.index === this.selected, this.colors, this.h.onSelect);
  }

  private ask(page: number) {
    if (this.asked.has(page)) return;
    this.asked.add(page);
    this.h.onRows({ seq: this.seq, from: page * PAGE, to: (page + 1) * PAGE });
  }

  private showStatus(m: { count: number; total: number; status: IndexStatus }) {
    clear(this.status);
    const { status: s } = m;
    const n = (x: number) => x.toLocaleString('en-US');
    const parts = [m.count === m.total ? `${n(m.total)} traces` : `${n(m.count)} of ${n(m.total)} traces`];
    if (s.phase === 'scanning')
      parts.push(`indexing ${s.size ? Math.floor((100 * s.scanned) / s.size) : 0}%`);
    else if (s.phase === 'summarizing') parts.push(`counting behaviors ${n(s.summarized)}/${n(s.count)}`);
    this.status.append(parts.join(' · '));
    this.status.dataset.phase = s.phase;
  }
}
