// A trace's steps with a judge's hits laid over them: in `judge` mode the judge's hits replace the
// detector's, in `both` mode they join them (each hit names its detector, so a view can mark where
// the two disagree). The steps themselves (spans, regions) are kept.
import type { BehaviorDetector } from '../behaviors/detector';
import type { AnnotatedTrace } from '../schema';

export function withJudgeHits(
  t: AnnotatedTrace,
  judge: BehaviorDetector,
  mode: 'judge' | 'both',
): AnnotatedTrace {
  const hits = judge.detect({ response: t.response, steps: t.steps, problem: t.problem });
  return {
    ...t,
    steps: t.steps.map((s, i) => ({
      ...s,
      behaviors: [...(mode === 'both' ? s.behaviors : []), ...(hits[i] ?? [])],
    })),
  };
}

/** Per step, the behaviors only one of the two detectors found there ("rules" is every non-judge hit). */
export function disagreements(
  t: Pick<AnnotatedTrace, 'steps'>,
): { step: number; behavior: string; only: 'judge' | 'rules' }[] {
  const out: { step: number; behavior: string; only: 'judge' | 'rules' }[] = [];
  t.steps.forEach((s, step) => {
    const judge = new Set(s.behaviors.filter((h) => h.detector.startsWith('judge:')).map((h) => h.id));
    const rules = new Set(s.behaviors.filter((h) => !h.detector.startsWith('judge:')).map((h) => h.id));
    for (const b of judge) if (!rules.has(b)) out.push({ step, behavior: b, only: 'judge' });
    for (const b of rules) if (!judge.has(b)) out.push({ step, behavior: b, only: 'rules' });
  });
  return out;
}
