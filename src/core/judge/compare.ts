// Detectors side by side: a detector's output as labels (for `fit`: distilling a judge into the fast
// detector; and for agreement), Cohen's kappa between two detectors per behavior (trace and span
// level, through review/agree.ts), and the confusion between each visual behavior and its linguistic
// counterpart against gold labels (does a detector call a visual re-check a plain verification?).
import type { BehaviorDetector } from '../behaviors/detector';
import { locateLabels } from '../eval';
import { agree, type AgreeReport } from '../review/agree';
import type { BehaviorId, Trace } from '../schema';
import { segment } from '../segment';

/** The labelled form of a detector's hits: quotes are the cue spans, or with `step`, whole steps. */
export function detectorLabels(
  detector: BehaviorDetector,
  traces: readonly Trace[],
  quote: 'cue' | 'step' = 'cue',
): Trace[] {
  return traces.map((t) => {
    const steps = segment(t.response);
    const hits = detector.detect({ response: t.response, steps, problem: t.problem });
    const labels = steps.flatMap((s, i) =>
      (hits[i] ?? []).map((h) => ({
        behavior: h.id,
        quote: quote === 'step' ? t.response.slice(s.start, s.end) : t.response.slice(h.cue.start, h.cue.end),
      })),
    );
    return { ...t, labels };
  });
}

/** Cohen's kappa between two detectors on the same traces (whole paragraph steps as their spans). */
export function detectorAgreement(
  a: BehaviorDetector,
  b: BehaviorDetector,
  traces: readonly Trace[],
): AgreeReport {
  return agree(detectorLabels(a, traces, 'step'), detectorLabels(b, traces, 'step'));
}

/** Each visual behavior with its linguistic counterpart (the OVR paper's pairing). */
export const COUNTERPARTS: readonly [BehaviorId, BehaviorId][] = [
  ['visual_reflection', 'backtracking'],
  ['visual_divide_and_conquer', 'subgoal_setting'],
  ['visual_verification', 'verification'],
  ['goal_driven_visual_tracing', 'backward_chaining'],
];

export interface ConfusionRow {
  /** The gold label's behavior and its counterpart. */
  gold: BehaviorId;
  counterpart: BehaviorId;
  labels: number;
  /** Labels whose span the detector marked with the gold behavior. */
  asGold: number;
  /** …with the counterpart only (the confusion). */
  asCounterpart: number;
  /** …with neither. */
  missed: number;
}

/** Span-level confusion between each visual behavior and its linguistic counterpart, both ways. */
export function counterpartConfusion(detector: BehaviorDetector, traces: readonly Trace[]): ConfusionRow[] {
  const rows = new Map<BehaviorId, ConfusionRow>();
  for (const [v, l] of COUNTERPARTS)
    for (const [g, c] of [
      [v, l],
      [l, v],
    ] as const)
      rows.set(g, { gold: g, counterpart: c, labels: 0, asGold: 0, asCounterpart: 0, missed: 0 });
  for (const t of traces) {
    const steps = segment(t.response);
    const hits = detector.detect({ response: t.response, steps, problem: t.problem });
    for (const g of locateLabels(t)) {
      const row = rows.get(g.behavior);
      if (!row) continue;
      const marked = new Set<BehaviorId>();
      steps.forEach((s, i) => {
        if (s.start < g.end && g.start < s.end) for (const h of hits[i] ?? []) marked.add(h.id);
      });
      row.labels++;
      if (marked.has(row.gold)) row.asGold++;
      else if (marked.has(row.counterpart)) row.asCounterpart++;
      else row.missed++;
    }
  }
  return [...rows.values()];
}
