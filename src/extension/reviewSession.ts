// Review mode of one trace view panel: answers the view's review messages from the file's review
// file (reviews.ts), sends the open trace's decisions and the file's progress after every change
// (its own or another panel's), finds the next unreviewed trace, and keeps the status bar's count.
import type * as vscode from 'vscode';
import type { LabelFile } from '../core/review/labelFile';
import type { HostToWebview, WebviewToHost } from '../protocol/traceView';
import type * as Engine from './engine';
import type { TraceFileIndex } from './indexer';
import { reviewerName } from './reviews';

type ReviewMessage = Extract<WebviewToHost, { type: 'reviewMode' | 'reviewDecide' | 'reviewDone' }>;

export interface ReviewHost {
  engine: typeof Engine;
  index: TraceFileIndex;
  labels: LabelFile;
  post: (m: HostToWebview) => Thenable<boolean>;
  /** Shows trace `i` in the panel (the next unreviewed one). */
  reveal: (i: number) => Promise<void>;
  status: (text: string | undefined) => void;
  /** The list's rows as filtered and sorted now: the queue goes through them in that order. */
  order: () => Int32Array | undefined;
  report: (name: string, data: unknown) => void;
  log: vscode.LogOutputChannel;
}

export class ReviewSession {
  private enabled = false;
  private shown = -1;
  private readonly off: () => void;

  constructor(private readonly h: ReviewHost) {
    this.off = h.labels.onChange(() => this.enabled && this.send(this.shown));
  }

  async handle(m: ReviewMessage) {
    const { h } = this;
    if (m.type === 'reviewMode') {
      this.enabled = m.enabled;
      if (!m.enabled) return h.status(undefined);
      return this.send(m.index);
    }
    // the trace is read and annotated only for its first decision (its record holds what follows)
    const id = h.index.store.ids[m.index]!;
    const base = () => {
      const a = h.index.annotated(m.index);
      if (!a.annotated) throw new Error(a.issue);
      return h.engine.newRecord(a.annotated, reviewerName());
    };
    try {
      if (m.type === 'reviewDecide') {
        const { key, behavior, from, start, end, decision } = m;
        h.labels.decide(id, base, {
          key,
          behavior,
          from,
          start,
          end,
          decision,
          reviewer: reviewerName(),
          at: Date.now(),
        });
        h.report('review-decision', { index: m.index, key, decision, behavior });
        return;
      }
      h.labels.setDone(id, base, m.done, reviewerName());
      h.report('review-done', { index: m.index, done: m.done });
      if (m.next) {
        const next = this.nextUnreviewed(m.index);
        if (next >= 0) await h.reveal(next);
      }
    } catch (e) {
      h.log.error(`review of ${h.labels.path}: ${(e as Error).message}`);
      void h.post({ type: 'error', message: `Review not saved: ${(e as Error).message}` });
    }
  }

  /** The view shows trace `index`: in review mode its decisions follow. */
  traceShown(index: number) {
    this.shown = index;
  }

  /**
   * The next trace with no finished review after `from`, wrapping, in the list's current order (its
   * filter is the queue's: one behavior, one checkpoint, wrong answers…), or −1.
   */
  nextUnreviewed(from: number): number {
    const s = this.h.index.store;
    const order = this.h.order() ?? Int32Array.from({ length: s.count }, (_, i) => i);
    const n = order.length;
    const at = order.indexOf(from);
    for (let k = 1; k <= n; k++) {
      const r = order[(at + k + n) % n]!;
      if (s.steps[r] === -2 || r === from) continue;
      if (!this.h.labels.get(s.ids[r]!)?.review.done) return r;
    }
    return -1;
  }

  private send(index: number) {
    const { h } = this;
    const s = h.index.store;
    if (index < 0 || index >= s.count) return;
    this.shown = index;
    const id = s.ids[index]!;
    const rec = h.labels.get(id);
    const all = h.labels.all();
    const reviewed = all.filter((r) => r.review.done).length;
    h.status(`$(checklist) Review ${reviewed}/${s.count}`);
    void h.post({
      type: 'review',
      index,
      traceId: id,
      decisions: rec?.review.decisions ?? [],
      done: rec?.review.done ?? false,
      progress: { reviewed, total: s.count },
      agreement: h.engine.reviewAgreement(all),
      reviewer: reviewerName(),
    });
  }

  dispose() {
    this.off();
    this.h.status(undefined);
  }
}
