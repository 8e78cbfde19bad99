// "Improve Detector from Reviews": the reviewed traces as labelled traces, the current detector
// against them, and a detector fitted on them, measured on folds it was not fitted on (k-fold by
// problem), so the user keeps it only when the held-out figures are better.
import { crossValidate } from '../behaviors/cv';
import type { BehaviorDetector } from '../behaviors/detector';
import { fitDetector } from '../behaviors/fit';
import { evaluate } from '../eval';
import { importTraceRecord } from '../files/imports';
import type { Trace } from '../schema';
import type { ReviewRecord } from './labels';

/** Traces whose review is done, or that have decisions, as labelled traces. */
export function reviewedTraces(records: readonly ReviewRecord[], file: string): Trace[] {
  return records
    .filter((r) => r.review.done || r.review.decisions.some((d) => d.decision !== 'pending'))
    .flatMap(
      (r, i) => importTraceRecord(r, { file, line: i + 1, defaultCheckpoint: r.checkpoint }).trace ?? [],
    );
}

export function improveFromReviews(traces: Trace[], current: BehaviorDetector, source: string) {
  const k = Math.min(5, new Set(traces.map((t) => t.problemId)).size);
  if (k < 2) return undefined;
  const before = evaluate(current, traces);
  const after = crossValidate(traces, k);
  const model = fitDetector(traces, 'reviewed', `${source}: ${traces.length} reviewed traces`);
  return { k, before, after, model, n: traces.length };
}
