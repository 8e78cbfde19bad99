// A trace becomes an annotated trace: steps (segmentation), behaviors per step (a detector),
// repetition loops and the answer check. Pure and synchronous: callers stream traces through it.
import { checkAnswer } from './answers';
import { defaultDetector } from './behaviors/combined';
import type { BehaviorDetector } from './behaviors/detector';
import { findTrailingLoop } from './loops';
import type { RegionMarker } from './regions';
import type { AnnotatedTrace, LoopInfo, Problem, Trace } from './schema';
import { segmentWithSentences, type StepMode } from './segment';

let shared: BehaviorDetector | undefined;

export interface AnnotateOptions {
  detector?: BehaviorDetector;
  problem?: Pick<Problem, 'answer' | 'choices' | 'question'>;
  /** Step granularity (paragraph by default). */
  mode?: StepMode;
  markers?: readonly RegionMarker[];
}

export function annotate(trace: Trace, opts: AnnotateOptions = {}): AnnotatedTrace {
  const detector = opts.detector ?? (shared ??= defaultDetector());
  const { steps: spans, sentences } = segmentWithSentences(trace.response, {
    mode: opts.mode,
    markers: opts.markers,
  });
  const problem = opts.problem ?? trace.problem;
  const hits = detector.detect({
    response: trace.response,
    steps: spans,
    problem,
    markers: opts.markers,
    sentences,
  });
  const steps = spans.map((s, index) => ({
    index,
    start: s.start,
    end: s.end,
    region: s.region,
    behaviors: hits[index] ?? [],
  }));
  const found = findTrailingLoop(trace.response, sentences);
  let loop: LoopInfo | undefined;
  if (found) {
    const step = Math.max(
      0,
      steps.findIndex((s) => s.end > found.start),
    );
    loop = { start: found.start, step, repeats: found.repeats };
  }
  const answer = checkAnswer(trace.response, problem, {
    loopAtEnd: !!found,
    truncated: trace.status === 'interrupted',
  });
  // a loop followed by a real final answer is a detour, not a degenerate ending
  if (loop && answer.extracted !== null && answer.convention !== 'answer-region') loop = undefined;
  return { ...trace, steps, answer, ...(loop ? { loop } : {}) };
}

/** The `annotate --json` contract: other tools rely on exactly these fields. */
export function annotationContract(a: AnnotatedTrace) {
  return {
    id: a.id,
    steps: a.steps.map((s) => ({
      start: s.start,
      end: s.end,
      region: s.region,
      behaviors: s.behaviors.map((b) => ({ id: b.id, confidence: b.confidence })),
    })),
    answer: {
      extracted: a.answer.extracted,
      correct: a.answer.correct,
      ...(a.answer.convention ? { convention: a.answer.convention } : {}),
      ...(a.answer.reason ? { reason: a.answer.reason } : {}),
      ...(a.answer.uncertain ? { uncertain: true } : {}),
    },
  };
}
