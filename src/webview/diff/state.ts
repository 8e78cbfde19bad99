// The diff view's model: the two sides (possibly swapped), the aligned rows, the cursor, and the
// pure questions the view asks of them — which rows differ, which gain or lose a behavior, what
// each side's summary and deltas are. No DOM: test/webview/ tests it directly.
import { BEHAVIOR_IDS, type BehaviorIdValue, countBehaviors } from '../../core/behaviors/catalog';
import type { AnnotatedTrace } from '../../core/schema';
import { wordDiff, type WordDiff } from '../../core/wordDiff';
import type { DiffSide } from '../../protocol/diffView';

export interface Row {
  kind: 'same' | 'changed' | 'left-only' | 'right-only';
  left?: number;
  right?: number;
  similarity: number;
}

export interface DiffModel {
  left: DiffSide;
  right: DiffSide;
  rows: Row[];
  swapped: boolean;
}

/** The same diff seen from the other side: sides exchanged, one-sided rows flipped. */
export function swapModel(m: DiffModel): DiffModel {
  const flip = { 'left-only': 'right-only', 'right-only': 'left-only' } as const;
  return {
    left: m.right,
    right: m.left,
    swapped: !m.swapped,
    rows: m.rows.map((r) => ({
      kind: r.kind === 'left-only' || r.kind === 'right-only' ? flip[r.kind] : r.kind,
      left: r.right,
      right: r.left,
      similarity: r.similarity,
    })),
  };
}

const stepText = (t: AnnotatedTrace, i: number) => t.response.slice(t.steps[i]!.start, t.steps[i]!.end);
const ids = (t: AnnotatedTrace, i: number | undefined) =>
  new Set(i === undefined ? [] : t.steps[i]!.behaviors.map((h) => h.id));

/** Behaviors the right side's step has and the left's lacks (gained), and the reverse (lost). */
export function rowBehaviorChange(
  m: DiffModel,
  r: number,
): { gained: BehaviorIdValue[]; lost: BehaviorIdValue[] } {
  const row = m.rows[r]!;
  const l = ids(m.left.trace, row.left);
  const rt = ids(m.right.trace, row.right);
  return {
    gained: BEHAVIOR_IDS.filter((b) => rt.has(b) && !l.has(b)),
    lost: BEHAVIOR_IDS.filter((b) => l.has(b) && !rt.has(b)),
  };
}

export const isDifference = (row: Row) => row.kind !== 'same';

/** The next row (wrapping, `delta` ±1) after `from` that satisfies `pred`, or undefined. */
export function nextRow(rows: readonly Row[], from: number, delta: 1 | -1, pred: (r: number) => boolean) {
  const n = rows.length;
  for (let k = 1; k <= n; k++) {
    const r = (((from + delta * k) % n) + n) % n;
    if (pred(r)) return r;
  }
  return undefined;
}

/** Word-level changes of a changed row (cached per model by the caller). */
export function rowWordDiff(m: DiffModel, r: number): WordDiff | undefined {
  const row = m.rows[r]!;
  if (row.kind !== 'changed' || row.left === undefined || row.right === undefined) return undefined;
  return wordDiff(stepText(m.left.trace, row.left), stepText(m.right.trace, row.right));
}

export interface SideFacts {
  label: string;
  answer: string | null;
  correct: boolean | null;
  steps: number;
  chars: number;
  tokens: number | null;
  seconds: number | null;
  behaviors: Record<BehaviorIdValue, number>;
}

export function sideFacts(t: AnnotatedTrace): SideFacts {
  return {
    label: t.checkpoint.label || t.checkpoint.id,
    answer: t.answer.extracted,
    correct: t.answer.correct,
    steps: t.steps.length,
    chars: t.response.length,
    tokens: t.tokens?.length ?? null,
    seconds: t.timing?.totalMs !== undefined ? t.timing.totalMs / 1000 : null,
    behaviors: countBehaviors(t.steps),
  };
}

export function counts(m: DiffModel) {
  return {
    differences: m.rows.filter(isDifference).length,
    leftOnly: m.rows.filter((r) => r.kind === 'left-only').length,
    rightOnly: m.rows.filter((r) => r.kind === 'right-only').length,
    changed: m.rows.filter((r) => r.kind === 'changed').length,
  };
}
