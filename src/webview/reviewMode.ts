// The trace view's review mode as one component: the controller of decisions, the review bar, the
// badges and added-label marks each step row shows, and the review keys (a digit with text selected
// in a step adds that behavior with the selection as its quote). main.ts owns when it is on.
import { behaviorLabel } from '../core/behaviors/catalog';
import type { WebviewToHost } from '../protocol/traceView';
import { el } from './dom';
import type { Mark } from './richText';
import { ReviewController, reviewKey } from './review';
import * as S from './state';
import { renderReviewBar } from './views/reviewBar';
import type { ReviewBadge } from './views/stepRow';

export interface ReviewModeHost {
  post(m: WebviewToHost): void;
  open(): S.OpenTrace | undefined;
  /** Whether review mode is on (the view's saved state). */
  on(): boolean;
  scrollToStep(i: number): void;
  drawRows(): void;
}

export class ReviewMode {
  readonly controller: ReviewController;
  readonly bar = el('div', { class: 'review-bar', 'aria-live': 'polite' });

  constructor(private readonly host: ReviewModeHost) {
    this.controller = new ReviewController((m) => host.post(m));
  }

  private active() {
    return this.host.on() && !!this.controller.state;
  }

  /** The review badges of display step `i`: its detections and the labels added inside it. */
  badges(i: number): ReviewBadge[] {
    const open = this.host.open();
    if (!open || !this.active()) return [];
    const s = open.trace.steps[i]!;
    const r = this.controller;
    const focused = r.focused()?.key;
    return r.annotations
      .filter((a) =>
        a.added
          ? s.start <= a.start && a.start < s.end
          : a.start <= s.start && s.start < a.end && s.behaviors.some((h) => h.id === a.behavior),
      )
      .map((a) => ({
        key: a.key,
        behavior: a.behavior,
        state: r.stateOf(a),
        to: r.decisionOf(a.key)?.behavior,
        focused: a.key === focused,
      }));
  }

  /** The quotes of labels added in display step `i`, marked in its text. */
  marks(i: number): Mark[] {
    const s = this.host.open()?.trace.steps[i];
    if (!s || !this.active()) return [];
    const r = this.controller;
    return r.annotations
      .filter((a) => a.added && a.start < s.end && s.start < a.end && r.stateOf(a) === 'added')
      .map((a) => ({
        start: Math.max(a.start, s.start),
        end: Math.min(a.end, s.end),
        className: `cue added cue-${a.behavior}`,
        title: `added: ${behaviorLabel(a.behavior)}`,
      }));
  }

  /** Focuses the annotation `key` (a badge was clicked). */
  focusKey(key: string) {
    const r = this.controller;
    r.focus = Math.max(
      0,
      r.annotations.findIndex((a) => a.key === key),
    );
    this.draw();
  }

  draw() {
    renderReviewBar(this.bar, this.host.on() ? this.controller.state : undefined, {
      onDone: () => this.done(),
    });
    this.host.drawRows();
  }

  private done() {
    const r = this.controller.state;
    if (r) this.host.post({ type: 'reviewDone', index: r.index, done: true, next: true });
  }

  /** The review keys, outside text fields (installed in the capture phase, before the view's keys). */
  onKey(e: KeyboardEvent) {
    if (!this.active()) return;
    const tag = (e.target as HTMLElement | null)?.tagName ?? '';
    if (tag.startsWith('VSCODE-TEXTFIELD') || tag === 'INPUT' || tag === 'TEXTAREA') return;
    const k = reviewKey(e);
    if (!k) return;
    e.preventDefault();
    e.stopPropagation();
    const r = this.controller;
    if (k.kind === 'digit') {
      const sel = this.selectionSpan();
      if (sel) r.add(k.k, sel.start, sel.end);
      else r.relabel(k.k);
      window.getSelection()?.removeAllRanges();
    } else if (k.kind === 'next' || k.kind === 'prev') {
      r.move(k.kind === 'next' ? 1 : -1);
      const a = r.focused();
      const open = this.host.open();
      if (a && open) this.host.scrollToStep(S.stepAtOffset(open.trace.steps, a.start));
      this.draw();
    } else if (k.kind === 'accept') r.accept();
    else if (k.kind === 'reject') r.reject();
    else if (k.kind === 'undo') r.undo();
    else if (k.kind === 'redo') r.redo();
    else this.done();
  }

  /** The selected text as a span of the response, when it lies inside one step's text. */
  private selectionSpan(): { start: number; end: number } | undefined {
    const sel = window.getSelection();
    const open = this.host.open();
    const text = sel?.toString() ?? '';
    if (!sel || !open || !text.trim() || !sel.anchorNode) return undefined;
    const node = sel.anchorNode instanceof Element ? sel.anchorNode : sel.anchorNode.parentElement;
    const row = node?.closest<HTMLElement>('.step');
    if (!row) return undefined;
    const s = open.trace.steps[Number(row.dataset.step)];
    if (!s) return undefined;
    const quote = text.trim();
    const at = open.trace.response.slice(s.start, s.end).indexOf(quote);
    // math rendered by KaTeX reads differently from its source: such a selection is not a quote
    if (at < 0) return undefined;
    return { start: s.start + at, end: s.start + at + quote.length };
  }
}
