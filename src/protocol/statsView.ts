// The host ↔ statistics-view webview protocol: the core's statistics report over one or more trace
// files, one row per problem (verdict and behavior counts per checkpoint), and the view's intents
// back (open a problem's diff, save an export). Validated with zod on the host.
import { z } from 'zod';
import { WebviewLog } from './common';
import { BehaviorId } from '../core/schema';

const RateS = z.object({ k: z.number(), n: z.number(), rate: z.number(), low: z.number(), high: z.number() });

export const CheckpointInfo = z.object({
  id: z.string(),
  label: z.string(),
  role: z.string(),
  step: z.number().optional(),
});
export type CheckpointInfo = z.infer<typeof CheckpointInfo>;

export const StatsPayload = z.object({
  files: z.array(z.string()),
  checkpoints: z.array(
    z.object({
      checkpoint: CheckpointInfo,
      traces: z.number(),
      accuracy: RateS,
      behaviors: z.array(z.object({ behavior: BehaviorId, emergence: RateS, meanCount: z.number() })),
    }),
  ),
  paired: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      problems: z.number(),
      bothRight: z.number(),
      onlyA: z.number(),
      onlyB: z.number(),
      bothWrong: z.number(),
      pValue: z.number(),
    }),
  ),
  bySteps: z.array(
    z.object({
      step: z.number(),
      checkpoint: z.string(),
      rates: z.record(z.string(), z.number()),
      accuracy: z.number(),
    }),
  ),
  /** One row per problem: per checkpoint id, its first trace's verdict and behavior counts. */
  problems: z.array(
    z.object({
      problemId: z.string(),
      byCheckpoint: z.record(
        z.string(),
        z.object({
          correct: z.boolean().nullable(),
          counts: z.record(z.string(), z.number()),
          steps: z.number(),
        }),
      ),
    }),
  ),
  issues: z.array(z.string()),
});
export type StatsPayload = z.infer<typeof StatsPayload>;

export const HostToStats = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), done: z.number(), total: z.number() }),
  z.object({ type: z.literal('stats'), stats: StatsPayload, colors: z.record(z.string(), z.string()) }),
]);
export type HostToStats = z.infer<typeof HostToStats>;

export const StatsViewState = z.object({
  sort: z.string().default('problem'),
  descending: z.boolean().default(false),
  filter: z.string().default('all'),
  text: z.string().default(''),
});
export type StatsViewState = z.infer<typeof StatsViewState>;

export const StatsToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('openDiff'), problemId: z.string().max(1000) }),
  z.object({
    type: z.literal('export'),
    kind: z.enum(['csv', 'svg', 'png']),
    name: z.string().max(200),
    /** Text for csv and svg; a base64 data URL for png. */
    data: z.string().max(100_000_000),
  }),
  z.object({ type: z.literal('stateChanged'), state: StatsViewState }),
  WebviewLog,
]);
export type StatsToHost = z.infer<typeof StatsToHost>;
