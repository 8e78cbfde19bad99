// Review mode of the trace view: the annotations of the open trace (each detection, on the paragraph
// step it was found in, and each label added by selection), which one has the focus, the decisions
// the host last sent, and undo/redo. Keys: n / N next/previous annotation, a accept, x reject, 1–8
// relabel (or, with text selected in a step, add that behavior there), u / U undo/redo, d done and
// next unreviewed. No DOM beyond reading the selection: main.ts draws.
import { BEHAVIOR_IDS } from '../core/behaviors/catalog';
import { addedKey, detectionKey } from '../core/review/keys';
import type { HostToWebview, WebviewToHost } from '../protocol/traceView';
import type { OpenTrace } from './state';

type Review = Extract<HostToWebview, { type: 'review' }>;
type Decision = Review['decisions'][number];
type Decide = Extract<WebviewToHost, { type: 'reviewDecide' }>;

/** One annotation a reviewer decides on. */
export interface Annotation {
  key: string;
  /** The detected behavior (detections), or the added one. */
  behavior: string;
  start: number;
  end: number;
  added: boolean;
}

export type AnnotationState = 'pending' | 'accepted' | 'rejected' | 'relabelled' | 'added';

/** Every annotation of a trace in response order: detections by their paragraph step, then labels added. */
export function annotationsOf(open: OpenTrace, decisions: readonly Decision[]): Annotation[] {
  const out: Annotation[] = [];
  const seen = new Set<string>();
  for (const s of open.trace.steps)
    for (const h of s.behaviors) {
      // the paragraph step holding the cue names the detection in either step mode
      const host = open.hostSteps.find((p) => p.start <= h.cue.start && h.cue.start < p.end) ?? s;
      const key = detectionKey(h.id, host.start, host.end);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, behavior: h.id, start: host.start, end: host.end, added: false });
    }
  for (const d of decisions)
    if (d.decision === 'added' && !seen.has(d.key))
      out.push({ key: d.key, behavior: d.behavior, start: d.start, end: d.end, added: true });
  return out.sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
}

export class ReviewController {
  state?: Review;
  annotations: Annotation[] = [];
  focus = 0;
  private readonly undoStack: { before?: Decision; after: Decide }[] = [];
  private readonly redoStack: { before?: Decision; after: Decide }[] = [];

  constructor(private readonly send: (m: WebviewToHost) => void) {}

  /** The host's decisions for the open trace (after a decision or a trace change). */
  update(r: Review, open: OpenTrace | undefined) {
    if (this.state?.traceId !== r.traceId) {
      this.focus = 0;
      this.undoStack.length = 0;
      this.redoStack.length = 0;
    }
    this.state = r;
    this.annotations = open ? annotationsOf(open, r.decisions) : [];
    this.focus = Math.min(this.focus, Math.max(0, this.annotations.length - 1));
  }

  reset() {
    this.state = undefined;
    this.annotations = [];
  }

  decisionOf(key: string): Decision | undefined {
    return this.state?.decisions.find((d) => d.key === key);
  }

  stateOf(a: Annotation): AnnotationState {
    const d = this.decisionOf(a.key);
    return d && d.decision !== 'pending' ? d.decision : a.added ? 'added' : 'pending';
  }

  focused(): Annotation | undefined {
    return this.annotations[this.focus];
  }

  move(delta: number) {
    const n = this.annotations.length;
    if (n) this.focus = (this.focus + delta + n) % n;
  }

  accept() {
    const a = this.focused();
    if (a && !a.added) this.decide(a, a.behavior, 'accepted');
  }

  reject() {
    const a = this.focused();
    if (!a) return;
    // rejecting a label one added takes it back
    this.decide(a, a.behavior, a.added ? 'pending' : 'rejected');
  }

  /** Digit k (1–8): relabel the focused detection as the k-th behavior. */
  relabel(k: number) {
    const a = this.focused();
    const b = BEHAVIOR_IDS[k - 1];
    if (!a || !b || a.added) return;
    this.decide(a, b, b === a.behavior ? 'accepted' : 'relabelled');
  }

  /** Adds behavior k (1–8) for the span [start, end) of the response. */
  add(k: number, start: number, end: number) {
    const b = BEHAVIOR_IDS[k - 1];
    if (!b || end <= start) return;
    const key = addedKey(b, start, end);
    this.decide({ key, behavior: b, start, end, added: true }, b, 'added');
  }

  undo() {
    const e = this.undoStack.pop();
    if (!e) return;
    this.redoStack.push(e);
    this.send(e.before ? { ...e.after, ...restore(e.before) } : { ...e.after, decision: 'pending' });
  }

  redo() {
    const e = this.redoStack.pop();
    if (!e) return;
    this.undoStack.push(e);
    this.send(e.after);
  }

  private decide(a: Annotation, behavior: string, decision: Decide['decision']) {
    if (!this.state) return;
    const m: Decide = {
      type: 'reviewDecide',
      index: this.state.index,
      key: a.key,
      behavior: behavior as Decide['behavior'],
      from: a.added ? undefined : (a.behavior as Decide['behavior']),
      start: a.start,
      end: a.end,
      decision,
    };
    this.undoStack.push({ before: this.decisionOf(a.key), after: m });
    this.redoStack.length = 0;
    this.send(m);
  }
}

/** A past decision as the fields of a reviewDecide message. */
function restore(d: Decision): Partial<Decide> {
  return { behavior: d.behavior, from: d.from, decision: d.decision };
}

/** Review keys (outside text fields): what they ask, or undefined. */
export function reviewKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
):
  | { kind: 'next' | 'prev' | 'accept' | 'reject' | 'undo' | 'redo' | 'done' }
  | { kind: 'digit'; k: number }
  | undefined {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && (e.key === 'z' || e.key === 'Z')) return { kind: e.shiftKey ? 'redo' : 'undo' };
  if (mod && e.key === 'y') return { kind: 'redo' };
  if (mod) return undefined;
  if (e.key === 'n') return { kind: 'next' };
  if (e.key === 'N') return { kind: 'prev' };
  if (e.key === 'a') return { kind: 'accept' };
  if (e.key === 'x') return { kind: 'reject' };
  if (e.key === 'u') return { kind: 'undo' };
  if (e.key === 'U') return { kind: 'redo' };
  if (e.key === 'd') return { kind: 'done' };
  if (/^[1-8]$/.test(e.key)) return { kind: 'digit', k: Number(e.key) };
  return undefined;
}
