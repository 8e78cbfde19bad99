// Statistics over trace sets grouped by checkpoint: behavior emergence rates with Wilson intervals,
// mean counts, accuracy, a paired per-problem table with McNemar's exact test, behavior rates among
// correct vs incorrect traces, and rates per training step.
import { BEHAVIOR_IDS, type AnnotatedTrace, type BehaviorId, type Checkpoint } from './schema';
import { countBehaviors } from './behaviors/catalog';

export interface TraceSummary {
  id: string;
  problemId: string;
  checkpoint: Checkpoint;
  counts: Record<BehaviorId, number>;
  correct: boolean | null;
}

export function summarize(t: AnnotatedTrace): TraceSummary {
  const counts = countBehaviors(t.steps);
  return { id: t.id, problemId: t.problemId, checkpoint: t.checkpoint, counts, correct: t.answer.correct };
}

export interface Rate {
  k: number;
  n: number;
  rate: number;
  low: number;
  high: number;
}

/** Wilson score interval (95%): honest at small n and near 0 or 1, unlike the normal approximation. */
export function wilson(k: number, n: number, z = 1.959963984540054): Rate {
  if (n === 0) return { k, n, rate: 0, low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { k, n, rate: p, low: Math.max(0, c - h), high: Math.min(1, c + h) };
}

/** Two-sided exact McNemar p-value: a binomial test on the discordant pairs. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // sum of C(n,i)/2^n for i ≤ k, in log space for large n
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

export interface BehaviorStat {
  behavior: BehaviorId;
  emergence: Rate;
  meanCount: number;
  amongCorrect: Rate;
  amongIncorrect: Rate;
}

export interface CheckpointStats {
  checkpoint: Checkpoint;
  traces: number;
  accuracy: Rate;
  behaviors: BehaviorStat[];
}

export interface PairedTable {
  a: string;
  b: string;
  problems: number;
  bothRight: number;
  onlyA: number;
  onlyB: number;
  bothWrong: number;
  pValue: number;
}

export interface StatsReport {
  checkpoints: CheckpointStats[];
  paired: PairedTable[];
  bySteps: { step: number; checkpoint: string; rates: Record<BehaviorId, number>; accuracy: number }[];
}

function checkpointStats(checkpoint: Checkpoint, items: TraceSummary[]): CheckpointStats {
  const judged = items.filter((t) => t.correct !== null);
  const right = judged.filter((t) => t.correct);
  const wrong = judged.filter((t) => t.correct === false);
  const has = (t: TraceSummary, b: BehaviorId) => t.counts[b] > 0;
  return {
    checkpoint,
    traces: items.length,
    accuracy: wilson(right.length, judged.length),
    behaviors: BEHAVIOR_IDS.map((b) => ({
      behavior: b,
      emergence: wilson(items.filter((t) => has(t, b)).length, items.length),
      meanCount: items.length ? items.reduce((s, t) => s + t.counts[b], 0) / items.length : 0,
      amongCorrect: wilson(right.filter((t) => has(t, b)).length, right.length),
      amongIncorrect: wilson(wrong.filter((t) => has(t, b)).length, wrong.length),
    })),
  };
}

export function pairedTable(a: string, b: string, items: TraceSummary[]): PairedTable {
  // one verdict per problem and checkpoint: the first judged trace (repeated samples are rare here)
  const verdict = (ck: string) => {
    const m = new Map<string, boolean>();
    for (const t of items)
      if (t.checkpoint.id === ck && t.correct !== null && !m.has(t.problemId)) m.set(t.problemId, t.correct);
    return m;
  };
  const va = verdict(a);
  const vb = verdict(b);
  const t = { a, b, problems: 0, bothRight: 0, onlyA: 0, onlyB: 0, bothWrong: 0, pValue: 1 };
  for (const [pid, ra] of va) {
    const rb = vb.get(pid);
    if (rb === undefined) continue;
    t.problems++;
    if (ra && rb) t.bothRight++;
    else if (ra) t.onlyA++;
    else if (rb) t.onlyB++;
    else t.bothWrong++;
  }
  t.pValue = mcnemarExact(t.onlyA, t.onlyB);
  return t;
}

const ROLE_ORDER = ['base', 'cold-start', 'rl', 'other'];

export function computeStats(items: TraceSummary[]): StatsReport {
  const groups = new Map<string, { checkpoint: Checkpoint; items: TraceSummary[] }>();
  for (const t of items) {
    const g = groups.get(t.checkpoint.id) ?? { checkpoint: t.checkpoint, items: [] };
    g.items.push(t);
    groups.set(t.checkpoint.id, g);
  }
  const ordered = [...groups.values()].sort(
    (x, y) =>
      ROLE_ORDER.indexOf(x.checkpoint.role) - ROLE_ORDER.indexOf(y.checkpoint.role) ||
      (x.checkpoint.step ?? 0) - (y.checkpoint.step ?? 0) ||
      x.checkpoint.id.localeCompare(y.checkpoint.id),
  );
  const checkpoints = ordered.map((g) => checkpointStats(g.checkpoint, g.items));
  const paired: PairedTable[] = [];
  for (let i = 0; i + 1 < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++)
      paired.push(pairedTable(ordered[i]!.checkpoint.id, ordered[j]!.checkpoint.id, items));
  }
  const bySteps = checkpoints
    .filter((c) => c.checkpoint.step !== undefined)
    .map((c) => ({
      step: c.checkpoint.step!,
      checkpoint: c.checkpoint.id,
      rates: Object.fromEntries(c.behaviors.map((b) => [b.behavior, b.emergence.rate])) as Record<
        BehaviorId,
        number
      >,
      accuracy: c.accuracy.rate,
    }))
    .sort((x, y) => x.step - y.step);
  return { checkpoints, paired, bySteps };
}

export interface ProblemRow {
  problemId: string;
  /** Per checkpoint id: its first trace's verdict, behavior counts and step count. */
  byCheckpoint: Record<
    string,
    { correct: boolean | null; counts: Record<BehaviorId, number>; steps: number }
  >;
}

/** One row per problem (first-seen order) for the per-problem table. */
export function problemRows(items: readonly (TraceSummary & { steps: number })[]): ProblemRow[] {
  const rows = new Map<string, ProblemRow>();
  for (const t of items) {
    let row = rows.get(t.problemId);
    if (!row) rows.set(t.problemId, (row = { problemId: t.problemId, byCheckpoint: {} }));
    row.byCheckpoint[t.checkpoint.id] ??= { correct: t.correct, counts: t.counts, steps: t.steps };
  }
  return [...rows.values()];
}
