// Honest estimates: cross-validation by problem (a problem's traces are never split between
// training and test), and leave-one-file-out (train on the other authors' files, test on one).
import { type EvalReport, evaluate, mergeReports } from '../eval';
import type { Trace } from '../schema';
import { type FitOptions, fitDetector, foldsByGroup } from './fit';
import { LearnedDetector } from './learned';

export function crossValidate(traces: readonly Trace[], k = 5, opts: FitOptions = {}): EvalReport {
  const fold = foldsByGroup(
    traces.map((t) => t.problemId),
    k,
  );
  const reports: EvalReport[] = [];
  for (let f = 0; f < k; f++) {
    const test = traces.filter((t) => fold.get(t.problemId) === f);
    if (!test.length) continue;
    const model = fitDetector(
      traces.filter((t) => fold.get(t.problemId) !== f),
      `cv-${f}`,
      '',
      opts,
    );
    reports.push(evaluate(new LearnedDetector(model), test));
  }
  return mergeReports(reports, `learned (${k}-fold CV by problem)`);
}

/** Train on every set but one, test on that one: generalization to another author's writing. */
export function leaveOneSetOut(sets: { name: string; traces: Trace[] }[], opts: FitOptions = {}) {
  return sets.map((s) => {
    const train = sets.filter((x) => x !== s).flatMap((x) => x.traces);
    const model = fitDetector(train, `without-${s.name}`, '', opts);
    return { held: s.name, report: evaluate(new LearnedDetector(model), s.traces) };
  });
}
