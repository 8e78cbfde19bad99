// A virtual list: only the rows near the viewport exist in the DOM. Rows start at an estimated
// height and are measured after each paint; offsets are prefix sums, the first visible row is found
// by binary search. Generic over what a row is (the trace view's steps, the diff view's pairs).
import { el } from '../dom';

export interface VirtualListOptions {
  /** Draws row `r`; the list sets `data-row` on the element it returns. */
  renderRow: (r: number) => HTMLElement;
  estimate?: number;
  /** Pixels drawn beyond the viewport, above and below. */
  overscan?: number;
  label?: string;
}

export class VirtualList {
  readonly element: HTMLElement;
  private readonly top = el('div', { class: 'spacer' });
  private readonly rowsEl = el('div', { class: 'rows' });
  private readonly bottom = el('div', { class: 'spacer' });
  private heights: number[] = [];
  private measuring = false;
  private pendingScroll: number | undefined;

  constructor(private readonly opts: VirtualListOptions) {
    this.element = el(
      'div',
      { class: 'steps', tabindex: '0', 'aria-label': opts.label ?? 'Rows' },
      this.top,
      this.rowsEl,
      this.bottom,
    );
    this.element.addEventListener('scroll', () => this.render());
    window.addEventListener('resize', () => this.render());
  }

  get count() {
    return this.heights.length;
  }

  /**
   * Replaces the rows (at the estimated height) and redraws. `keep`: the first rows are the same as
   * before (a live trace growing at its end), so their measured heights stay and nothing jumps.
   */
  setCount(n: number, keep = false) {
    const old = this.heights;
    this.heights = new Array<number>(n).fill(this.opts.estimate ?? 56);
    if (keep) for (let i = 0; i < Math.min(n, old.length); i++) this.heights[i] = old[i]!;
    this.render();
  }

  /** While set, a view scrolled to the end stays there as rows grow and are measured. */
  follow = false;

  /** Scrolls to `px` once the next measurement settles (restoring a saved position). */
  restoreScroll(px: number) {
    this.pendingScroll = px;
  }

  get scrollTop() {
    return this.element.scrollTop;
  }

  isAtBottom(slack = 20) {
    const e = this.element;
    return e.scrollTop + e.clientHeight >= e.scrollHeight - slack;
  }

  scrollToBottom() {
    this.element.scrollTop = this.element.scrollHeight;
  }

  /** Brings row `r` into view (with some context above) when it is outside the viewport. */
  reveal(r: number) {
    const o = this.offsets();
    const top = o[r]!;
    const e = this.element;
    if (top < e.scrollTop || top + this.heights[r]! > e.scrollTop + e.clientHeight)
      e.scrollTop = Math.max(0, top - 60);
  }

  private offsets(): number[] {
    const o = new Array<number>(this.heights.length + 1);
    o[0] = 0;
    for (let i = 0; i < this.heights.length; i++) o[i + 1] = o[i]! + this.heights[i]!;
    return o;
  }

  /** Draws the rows in and near the viewport, then measures them on the next frame. */
  render() {
    const n = this.heights.length;
    const o = this.offsets();
    const top = this.element.scrollTop;
    const view = this.element.clientHeight || 800;
    const over = this.opts.overscan ?? 600;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (o[mid + 1]! < top) lo = mid + 1;
      else hi = mid;
    }
    const first = Math.max(0, lo - 5);
    let last = first;
    while (last < n && o[last]! < top + view + over) last++;
    last = Math.min(n, last + 5);
    this.top.style.height = `${o[first]}px`;
    this.bottom.style.height = `${o[n]! - o[last]!}px`;
    const want: HTMLElement[] = [];
    for (let r = first; r < last; r++) {
      const e = this.opts.renderRow(r);
      e.dataset.row = String(r);
      want.push(e);
    }
    // rows the caller reused stay attached: only the rows from the first change on are replaced (a
    // live trace changes at its end, so a delta touches one or two rows, not the viewport)
    const have = this.rowsEl.children;
    let same = 0;
    while (same < want.length && same < have.length && have[same] === want[same]) same++;
    while (have.length > same) have[have.length - 1]!.remove();
    this.rowsEl.append(...want.slice(same));
    if (!this.measuring) {
      this.measuring = true;
      requestAnimationFrame(() => this.measure());
    }
  }

  private measure() {
    const stick = this.follow && this.isAtBottom();
    let changed = false;
    for (const child of Array.from(this.rowsEl.children) as HTMLElement[]) {
      const r = Number(child.dataset.row);
      const h = child.getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - this.heights[r]!) > 1) {
        this.heights[r] = h;
        changed = true;
      }
    }
    this.measuring = false;
    if (changed) this.render();
    if (changed && stick) this.scrollToBottom();
    if (this.pendingScroll !== undefined) {
      this.element.scrollTop = this.pendingScroll;
      this.pendingScroll = undefined;
    }
  }
}
