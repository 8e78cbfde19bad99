// Review decisions and the labels they make. A reviewer accepts, rejects or relabels each detected
// behavior and adds the ones the detector missed; every decision carries its reviewer and time. A
// trace's decisions become labels in the labelled format of the dev sets (id, problem_id,
// checkpoint, problem, response, labels with quotes, answer_correct), so `cogtrace eval --labels`
// and `cogtrace fit` read a review file unchanged; the decisions ride along under "review".
import { z } from 'zod';
import { BehaviorId, type AnnotatedTrace } from '../schema';

export const DecisionKind = z.enum(['pending', 'accepted', 'rejected', 'relabelled', 'added']);
export type DecisionKind = z.infer<typeof DecisionKind>;

export const ReviewDecision = z.object({
  /** Which annotation: a detection (`behavior@start-end` of its step) or an added span (`+…`). */
  key: z.string(),
  /** The behavior it has now: the new one when relabelled, the detected one otherwise. */
  behavior: BehaviorId,
  /** The behavior the detector said (detections only). */
  from: BehaviorId.optional(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** `pending`: undone (kept so that a later decision elsewhere does not bring the old one back). */
  decision: DecisionKind,
  reviewer: z.string(),
  /** When it was made (ms since 1970): of two panels' decisions on one annotation, the later wins. */
  at: z.number(),
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const ReviewRecord = z.object({
  id: z.string(),
  problem_id: z.string(),
  checkpoint: z.string(),
  problem: z.record(z.string(), z.unknown()).optional(),
  response: z.string(),
  labels: z.array(z.object({ behavior: BehaviorId, quote: z.string() })),
  answer_correct: z.boolean().optional(),
  review: z.object({
    done: z.boolean(),
    reviewer: z.string(),
    updatedAt: z.number(),
    decisions: z.array(ReviewDecision),
  }),
});
export type ReviewRecord = z.infer<typeof ReviewRecord>;

export { addedKey, detectionKey } from './keys';

/** A new, empty review of an annotated trace. */
export function newRecord(t: AnnotatedTrace, reviewer: string): ReviewRecord {
  const p = t.problem;
  return {
    id: t.id,
    problem_id: t.problemId,
    checkpoint: t.checkpoint.id,
    problem: p ? { question: p.question, choices: p.choices, answer: p.answer, image: p.image } : undefined,
    response: t.response,
    labels: [],
    answer_correct: t.answerCorrect ?? t.answer.correct ?? undefined,
    review: { done: false, reviewer, updatedAt: 0, decisions: [] },
  };
}

/** Sets (or, with `pending`, undoes) one decision unless a later one stands; labels follow. */
export function applyDecision(r: ReviewRecord, d: ReviewDecision): ReviewRecord {
  // a later decision on this annotation (another panel's, merged from the file) stands
  if (r.review.decisions.some((x) => x.key === d.key && x.at > d.at)) return r;
  const decisions = r.review.decisions.filter((x) => x.key !== d.key);
  decisions.push(d);
  decisions.sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
  const next = { ...r, review: { ...r.review, decisions, reviewer: d.reviewer, updatedAt: d.at } };
  return { ...next, labels: labelsOf(next) };
}

/**
 * The labels a review makes: accepted and added annotations, relabelled ones under their new
 * behavior; in response order, so each quote's first unused occurrence is the one meant.
 */
export function labelsOf(r: Pick<ReviewRecord, 'response' | 'review'>): ReviewRecord['labels'] {
  return r.review.decisions
    .filter((d) => d.decision === 'accepted' || d.decision === 'relabelled' || d.decision === 'added')
    .sort((a, b) => a.start - b.start)
    .map((d) => ({ behavior: d.behavior, quote: r.response.slice(d.start, d.end) }));
}

/** Two copies of one trace's review (two panels, two processes): per annotation, the later decision. */
export function mergeRecords(a: ReviewRecord, b: ReviewRecord): ReviewRecord {
  const byKey = new Map<string, ReviewDecision>();
  for (const d of [...a.review.decisions, ...b.review.decisions]) {
    const have = byKey.get(d.key);
    if (!have || d.at > have.at) byKey.set(d.key, d);
  }
  const newer = a.review.updatedAt >= b.review.updatedAt ? a : b;
  const decisions = [...byKey.values()].sort((x, y) => x.start - y.start || x.key.localeCompare(y.key));
  const merged = { ...newer, review: { ...newer.review, decisions } };
  return { ...merged, labels: labelsOf(merged) };
}

/** Detector precision and recall against reviewed decisions (accepted = right, rejected = wrong…). */
export function reviewAgreement(records: Iterable<ReviewRecord>) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of records)
    for (const d of r.review.decisions) {
      if (d.decision === 'accepted') tp++;
      else if (d.decision === 'rejected') fp++;
      else if (d.decision === 'relabelled') {
        fp++;
        fn++;
      } else if (d.decision === 'added') fn++;
    }
  return {
    precision: tp + fp ? tp / (tp + fp) : null,
    recall: tp + fn ? tp / (tp + fn) : null,
    decided: tp + fp + fn,
  };
}
