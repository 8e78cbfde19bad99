// A virtual list of equal-height rows for lists of any length (a million traces): only the rows in
// the viewport exist in the DOM. A browser caps an element's height (~33M px in Chromium), so past
// MAX_PX the scrollbar is scaled: its position maps to a fraction of the rows, and the rows are drawn
// at the viewport. Below that, it scrolls pixel for pixel like any list.
import { el } from '../dom';

const MAX_PX = 8_000_000;

export interface FixedListOptions {
  rowHeight: number;
  renderRow: (r: number) => HTMLElement;
  className: string;
  label: string;
  role?: string;
}

export class FixedList {
  readonly element: HTMLElement;
  private readonly spacer = el('div', { class: 'fixed-spacer' });
  private readonly win = el('div', { class: 'fixed-window' });
  private n = 0;
  private first = 0;
  private last = 0;

  constructor(private readonly opts: FixedListOptions) {
    this.element = el(
      'div',
      {
        class: opts.className,
        tabindex: '-1',
        'aria-label': opts.label,
        ...(opts.role ? { role: opts.role } : {}),
      },
      this.spacer,
      this.win,
    );
    this.element.style.position = 'relative';
    this.win.style.position = 'absolute';
    this.win.style.left = '0';
    this.win.style.right = '0';
    this.element.addEventListener('scroll', () => this.render());
    window.addEventListener('resize', () => this.render());
  }

  setCount(n: number) {
    this.n = n;
    this.spacer.style.height = `${Math.min(n * this.opts.rowHeight, MAX_PX)}px`;
    this.render();
  }

  /** The rows drawn now [first, last). */
  visibleRange(): [number, number] {
    return [this.first, this.last];
  }

  /** The row offset (in rows, fractional) at the top of the viewport, scaled past MAX_PX. */
  private topRow(): number {
    const rh = this.opts.rowHeight;
    const full = this.n * rh;
    if (full <= MAX_PX) return this.element.scrollTop / rh;
    const view = this.element.clientHeight || 600;
    const f = Math.min(1, this.element.scrollTop / Math.max(1, MAX_PX - view));
    return (f * Math.max(0, full - view)) / rh;
  }

  render() {
    const rh = this.opts.rowHeight;
    const view = this.element.clientHeight || 600;
    const top = this.topRow();
    const first = Math.max(0, Math.floor(top));
    const last = Math.min(this.n, first + Math.ceil(view / rh) + 2);
    // the window sits at the viewport, shifted by the part of the first row scrolled past
    this.win.style.top = `${this.element.scrollTop - (top - first) * rh}px`;
    const rows: HTMLElement[] = [];
    for (let r = first; r < last; r++) {
      const e = this.opts.renderRow(r);
      e.dataset.row = String(r);
      e.style.height = `${rh}px`;
      rows.push(e);
    }
    this.win.replaceChildren(...rows);
    this.first = first;
    this.last = last;
  }
}
