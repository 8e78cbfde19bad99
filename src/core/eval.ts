// Scores a detector against labelled traces, at trace level (does the trace have the behavior) and
// span level (a label is found when a detected step with that behavior overlaps its quote).
import type { BehaviorDetector } from './behaviors/detector';
import { BEHAVIOR_IDS, type BehaviorId, type Trace } from './schema';
import { segment } from './segment';

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface EvalRow {
  behavior: BehaviorId;
  trace: Prf;
  span: Prf;
}

/** Detections whose confidence falls in [from, to): how many, their mean confidence, how many were right. */
export interface CalibrationBin {
  from: number;
  to: number;
  n: number;
  confidenceSum: number;
  right: number;
}

export interface EvalReport {
  detector: string;
  traces: number;
  labels: number;
  rows: EvalRow[];
  /**
   * Reliability of the confidences at span level: each (step, behavior) detection is right when
   * a gold label of that behavior overlaps the step. Calibrated means `right / n` ≈ mean confidence.
   */
  calibration: CalibrationBin[];
  macro: {
    trace: { precision: number; recall: number; f1: number };
    span: { precision: number; recall: number; f1: number };
  };
}

function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp ? tp / (tp + fp) : tp + fn ? 0 : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, tp, fp, fn };
}

/** Locates label quotes: the first occurrence not already used by an earlier label of the same behavior. */
export function locateLabels(t: Trace): { behavior: BehaviorId; start: number; end: number }[] {
  const used = new Map<string, Set<number>>();
  const out: { behavior: BehaviorId; start: number; end: number }[] = [];
  for (const l of t.labels ?? []) {
    const taken = used.get(l.behavior) ?? new Set<number>();
    used.set(l.behavior, taken);
    let at = t.response.indexOf(l.quote);
    while (at >= 0 && taken.has(at)) at = t.response.indexOf(l.quote, at + 1);
    if (at < 0) continue;
    taken.add(at);
    out.push({ behavior: l.behavior, start: at, end: at + l.quote.length });
  }
  return out;
}

/** Sums the counts of several reports (e.g. the folds of a cross-validation) into one. */
export function mergeReports(reports: readonly EvalReport[], detector: string): EvalReport {
  const rows = BEHAVIOR_IDS.map((b) => {
    const sum = (k: 'trace' | 'span') =>
      (['tp', 'fp', 'fn'] as const).map((c) =>
        reports.reduce((n, r) => n + r.rows.find((x) => x.behavior === b)![k][c], 0),
      ) as [number, number, number];
    return { behavior: b, trace: prf(...sum('trace')), span: prf(...sum('span')) };
  });
  const calibration = emptyBins();
  for (const r of reports)
    r.calibration.forEach((b, i) => {
      calibration[i]!.n += b.n;
      calibration[i]!.confidenceSum += b.confidenceSum;
      calibration[i]!.right += b.right;
    });
  return finish(
    detector,
    reports.reduce((n, r) => n + r.traces, 0),
    reports.reduce((n, r) => n + r.labels, 0),
    rows,
    calibration,
  );
}

const BIN_EDGES = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
const emptyBins = (): CalibrationBin[] =>
  BIN_EDGES.slice(0, -1).map((from, i) => ({
    from,
    to: BIN_EDGES[i + 1]!,
    n: 0,
    confidenceSum: 0,
    right: 0,
  }));

/** Expected calibration error: the detections' weighted mean gap between confidence and precision. */
export function calibrationError(bins: readonly CalibrationBin[]): number {
  const n = bins.reduce((a, b) => a + b.n, 0);
  return n ? bins.reduce((a, b) => a + Math.abs(b.confidenceSum - b.right), 0) / n : 0;
}

function finish(
  detector: string,
  traces: number,
  labels: number,
  rows: EvalRow[],
  calibration: CalibrationBin[],
): EvalReport {
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const macro = (k: 'trace' | 'span') => ({
    precision: mean(rows.map((r) => r[k].precision)),
    recall: mean(rows.map((r) => r[k].recall)),
    f1: mean(rows.map((r) => r[k].f1)),
  });
  return {
    detector,
    traces,
    labels,
    rows,
    calibration,
    macro: { trace: macro('trace'), span: macro('span') },
  };
}

/** Span-level truth: a detected step and a gold label overlap. */
export const overlaps = (s: { start: number; end: number }, g: { start: number; end: number }) =>
  s.start < g.end && g.start < s.end;

export function evaluate(detector: BehaviorDetector, traces: Trace[]): EvalReport {
  const counts = new Map<BehaviorId, { t: [number, number, number]; s: [number, number, number] }>();
  for (const b of BEHAVIOR_IDS) counts.set(b, { t: [0, 0, 0], s: [0, 0, 0] });
  let labels = 0;
  const calibration = emptyBins();
  for (const tr of traces) {
    const steps = segment(tr.response);
    const hits = detector.detect({ response: tr.response, steps, problem: tr.problem });
    const gold = locateLabels(tr);
    labels += gold.length;
    for (const b of BEHAVIOR_IDS) {
      const c = counts.get(b)!;
      const detected = steps.filter((_, i) => hits[i]?.some((h) => h.id === b));
      const truth = gold.filter((g) => g.behavior === b);
      const has = detected.length > 0;
      const should = truth.length > 0;
      if (has && should) c.t[0]++;
      else if (has) c.t[1]++;
      else if (should) c.t[2]++;
      steps.forEach((s, i) => {
        const mine = (hits[i] ?? []).filter((h) => h.id === b);
        if (!mine.length) return;
        const conf = Math.max(...mine.map((h) => h.confidence));
        const right = truth.some((g) => overlaps(s, g));
        if (right) c.s[0]++;
        else c.s[1]++;
        const bin = calibration.find((x) => conf >= x.from && conf < x.to)!;
        bin.n++;
        bin.confidenceSum += conf;
        if (right) bin.right++;
      });
      for (const g of truth) if (!detected.some((s) => overlaps(s, g))) c.s[2]++;
    }
  }
  const rows = BEHAVIOR_IDS.map((b) => {
    const c = counts.get(b)!;
    return { behavior: b, trace: prf(...c.t), span: prf(...c.s) };
  });
  return finish(detector.name, traces.length, labels, rows, calibration);
}
