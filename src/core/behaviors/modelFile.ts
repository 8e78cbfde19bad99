// Learned-model files. Version 1 keeps each behavior's weights under it (every feature name written
// once per behavior that weighs it); version 2, what `cogtrace fit` writes now, writes each feature
// name once with the eight behaviors' weights in a row — the same model in half the bytes, which
// keeps the shipped default model under 1 MB. Both load; in memory a model is the version-1 shape.
import { z } from 'zod';
import { BEHAVIOR_IDS, type BehaviorId } from '../schema';
import type { BehaviorModel, LearnedModelFile } from './learned';

const BehaviorModelV1 = z.object({
  bias: z.number(),
  weights: z.record(z.string(), z.number()),
  platt: z.tuple([z.number(), z.number()]),
  threshold: z.number().min(0).max(1),
});
const Head = { kind: z.literal('linear'), name: z.string(), trainedOn: z.string() };
const ModelV1 = z.object({
  version: z.literal(1),
  ...Head,
  behaviors: z.object(Object.fromEntries(BEHAVIOR_IDS.map((b) => [b, BehaviorModelV1]))),
});
const ModelV2 = z.object({
  version: z.literal(2),
  ...Head,
  /** The order of the weights in every row. */
  behaviors: z.array(z.enum(BEHAVIOR_IDS)).length(BEHAVIOR_IDS.length),
  bias: z.array(z.number()),
  platt: z.array(z.tuple([z.number(), z.number()])),
  threshold: z.array(z.number().min(0).max(1)),
  weights: z.record(z.string(), z.array(z.number())),
});

/** Either version; rows and per-behavior arrays must have one value per behavior. */
export const LearnedModel = z.discriminatedUnion('version', [ModelV1, ModelV2]).superRefine((m, ctx) => {
  if (m.version !== 2) return;
  const n = BEHAVIOR_IDS.length;
  if (new Set(m.behaviors).size !== n)
    ctx.addIssue({ code: 'custom', path: ['behaviors'], message: 'names a behavior twice' });
  for (const key of ['bias', 'platt', 'threshold'] as const)
    if (m[key].length !== n) ctx.addIssue({ code: 'custom', path: [key], message: `needs ${n} values` });
  for (const [f, row] of Object.entries(m.weights))
    if (row.length !== n)
      ctx.addIssue({ code: 'custom', path: ['weights', f], message: `needs ${n} values` });
});
export type LearnedModelInput = z.infer<typeof LearnedModel>;

/** A validated file as the in-memory model. */
export function modelFromFile(m: LearnedModelInput): LearnedModelFile {
  if (m.version === 1) return m as LearnedModelFile;
  const behaviors = {} as Record<BehaviorId, BehaviorModel>;
  m.behaviors.forEach((b, i) => {
    const weights: Record<string, number> = {};
    for (const [f, row] of Object.entries(m.weights)) if (row[i]) weights[f] = row[i]!;
    behaviors[b] = { bias: m.bias[i]!, weights, platt: m.platt[i]!, threshold: m.threshold[i]! };
  });
  return { version: 1, kind: 'linear', name: m.name, trainedOn: m.trainedOn, behaviors };
}

/** The version-2 file of a model (feature names sorted, so the same model writes the same bytes). */
export function modelToFile(m: LearnedModelFile) {
  const per = BEHAVIOR_IDS.map((b) => m.behaviors[b]);
  const names = [...new Set(per.flatMap((b) => Object.keys(b.weights)))].sort();
  return {
    version: 2 as const,
    kind: 'linear' as const,
    name: m.name,
    trainedOn: m.trainedOn,
    behaviors: [...BEHAVIOR_IDS],
    bias: per.map((b) => b.bias),
    platt: per.map((b) => b.platt),
    threshold: per.map((b) => b.threshold),
    weights: Object.fromEntries(names.map((f) => [f, per.map((b) => b.weights[f] ?? 0)])),
  };
}
