// A trace becomes an annotated trace: steps (segmentation), behaviors per step (a detector) and
// the answer check. Pure and synchronous: callers stream traces through it.
import { checkAnswer } from './answers';
import { type BehaviorDetector, RuleDetector } from './behaviors/detector';
import type { AnnotatedTrace, Problem, Trace } from './schema';
import { segment } from './segment';

let defaultDetector: RuleDetector | undefined;

export function annotate(
  trace: Trace,
  opts: { detector?: BehaviorDetector; problem?: Pick<Problem, 'answer' | 'choices' | 'question'> } = {},
): AnnotatedTrace {
  const detector = opts.detector ?? (defaultDetector ??= new RuleDetector());
  const spans = segment(trace.response);
  const problem = opts.problem ?? trace.problem;
  const hits = detector.detect({ response: trace.response, steps: spans, problem });
  const steps = spans.map((s, index) => ({
    index,
    start: s.start,
    end: s.end,
    region: s.region,
    behaviors: hits[index] ?? [],
  }));
  return { ...trace, steps, answer: checkAnswer(trace.response, problem) };
}

/** The `annotate --json` contract: other tools rely on exactly these fields. */
export function annotationContract(a: AnnotatedTrace) {
  return {
    id: a.id,
    steps: a.steps.map((s) => ({
      start: s.start,
      end: s.end,
      behaviors: s.behaviors.map((b) => ({ id: b.id, confidence: b.confidence })),
    })),
    answer: { extracted: a.answer.extracted, correct: a.answer.correct },
  };
}
