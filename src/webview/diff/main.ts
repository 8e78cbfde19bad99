// The diff view app: the cold-start and RL traces of one problem side by side, rows aligned by the
// core's step alignment, word changes marked, a summary with answer and behavior deltas, and
// navigation by difference and by behavior change. Built on the trace view's parts.
import type { DiffCommand, DiffToHost, DiffViewState, HostToDiff } from '../../protocol/diffView';
import type { WordDiff } from '../../core/wordDiff';
import { WebviewApp } from '../app';
import { clear, el } from '../dom';
import { renderDiffRow } from '../views/diffRow';
import { renderDiffSummary } from '../views/diffSummary';
import { VirtualList } from '../views/virtualList';
import * as D from './state';

const DEFAULT_STATE: DiffViewState = { cursor: 0, scrollTop: 0, swapped: false };

class DiffApp extends WebviewApp<HostToDiff, DiffToHost, DiffViewState> {
  private model?: D.DiffModel;
  private colors: Record<string, string> = {};
  private words = new Map<number, WordDiff | undefined>();
  private readonly summary = el('div', { class: 'diff-summary' });
  private readonly columns = el('div', { class: 'diff-columns' });
  private readonly list = new VirtualList({
    renderRow: (r) => this.row(r),
    label: 'Aligned steps',
    estimate: 72,
  });
  private scrollSave: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super(DEFAULT_STATE);
    const swap = el('button', { class: 'link-button', title: 'Swap sides (s)' }, '⇄ Swap');
    swap.addEventListener('click', () => this.run('swap'));
    const prev = el('button', { class: 'link-button', title: 'Previous difference ([)' }, '↑ Previous');
    prev.addEventListener('click', () => this.run('previousDifference'));
    const next = el('button', { class: 'link-button', title: 'Next difference (])' }, '↓ Next');
    next.addEventListener('click', () => this.run('nextDifference'));
    const bar = el('div', { class: 'toolbar' }, prev, next, swap);
    document
      .getElementById('app')!
      .append(el('section', { class: 'diff' }, this.summary, bar, this.columns, this.list.element));
    this.list.restoreScroll(this.state.scrollTop);
    this.list.element.addEventListener('scroll', () => {
      clearTimeout(this.scrollSave);
      this.scrollSave = setTimeout(() => {
        this.state.scrollTop = this.list.scrollTop;
        this.persist();
      }, 200);
    });
    document.addEventListener('keydown', (e) => {
      const key: Record<string, DiffCommand> = {
        ']': 'nextDifference',
        '[': 'previousDifference',
        b: 'nextBehaviorChange',
        s: 'swap',
      };
      const cmd = key[e.key];
      if (!cmd || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      this.run(cmd);
    });
  }

  protected handle(m: HostToDiff) {
    if (m.type === 'command') return this.run(m.command);
    this.colors = m.colors;
    const model: D.DiffModel = { left: m.left, right: m.right, rows: m.rows, swapped: false };
    this.setModel(this.state.swapped ? D.swapModel(model) : model);
    document.body.dataset.ready = 'true';
  }

  private setModel(model: D.DiffModel) {
    this.model = model;
    this.words.clear();
    this.state.cursor = Math.min(this.state.cursor, Math.max(0, model.rows.length - 1));
    const side = (s: 'left' | 'right') => {
      const f = D.sideFacts(model[s].trace);
      return el('div', { class: `diff-column-head ${s}` }, `${f.label} · ${model[s].trace.id}`);
    };
    clear(this.columns);
    this.columns.append(side('left'), side('right'));
    renderDiffSummary(this.summary, {
      left: D.sideFacts(model.left.trace),
      right: D.sideFacts(model.right.trace),
      colors: this.colors,
      differences: D.counts(model).differences,
      // the host knows the sides as it sent them
      onOpen: (s) => this.post({ type: 'open', side: model.swapped ? (s === 'left' ? 'right' : 'left') : s }),
    });
    this.list.setCount(model.rows.length);
  }

  private row(r: number): HTMLElement {
    const m = this.model!;
    if (!this.words.has(r)) this.words.set(r, D.rowWordDiff(m, r));
    return renderDiffRow({
      model: m,
      r,
      colors: this.colors,
      cursor: r === this.state.cursor,
      words: this.words.get(r),
      change: D.rowBehaviorChange(m, r),
      onClick: () => this.moveTo(r),
    });
  }

  private run(cmd: DiffCommand) {
    const m = this.model;
    if (!m) return;
    if (cmd === 'swap') {
      this.state.swapped = !this.state.swapped;
      this.persist();
      return this.setModel(D.swapModel(m));
    }
    const pred =
      cmd === 'nextBehaviorChange'
        ? (r: number) => {
            const c = D.rowBehaviorChange(m, r);
            return c.gained.length + c.lost.length > 0;
          }
        : (r: number) => D.isDifference(m.rows[r]!);
    const to = D.nextRow(m.rows, this.state.cursor, cmd === 'previousDifference' ? -1 : 1, pred);
    if (to !== undefined) this.moveTo(to);
  }

  private moveTo(r: number) {
    this.state.cursor = r;
    this.persist();
    document.body.dataset.cursor = String(r);
    this.list.reveal(r);
    this.list.render();
  }
}

new DiffApp().start();
