// The detector Cogtrace uses unless told otherwise, and the schema of learned-model files. The
// rules stay the default: cross-validated on the 190 labelled traces, a model fitted on them is
// only slightly better (macro F1 0.69 vs 0.67) and slower, so users fit on their own labels
// instead (`cogtrace fit`). A detector file is either a rule set or a learned model.
import { z } from 'zod';
import { BEHAVIOR_IDS } from '../schema';
import { RuleDetector } from './detector';

const BehaviorModel = z.object({
  bias: z.number(),
  weights: z.record(z.string(), z.number()),
  platt: z.tuple([z.number(), z.number()]),
  threshold: z.number().min(0).max(1),
});
export const LearnedModel = z.object({
  version: z.literal(1),
  kind: z.literal('linear'),
  name: z.string(),
  trainedOn: z.string(),
  behaviors: z.object(Object.fromEntries(BEHAVIOR_IDS.map((b) => [b, BehaviorModel]))),
});

export const isLearnedFile = (raw: unknown) =>
  typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'linear';

export function defaultDetector(): RuleDetector {
  return new RuleDetector();
}
