// Every record Cogtrace reads or writes. Types are inferred from these schemas so the
// validation at file, process and webview boundaries and the types inside agree by construction.
import { z } from 'zod';
import { BEHAVIOR_IDS, BEHAVIORS } from './behaviors/catalog';
import { REGIONS } from './regions';
import type * as R from './regions';

export const SCHEMA_VERSION = 1 as const;

export { BEHAVIOR_IDS };
export const BehaviorId = z.enum(BEHAVIOR_IDS);
export type BehaviorId = z.infer<typeof BehaviorId>;

export const LINGUISTIC_BEHAVIORS: readonly BehaviorId[] = BEHAVIOR_IDS.filter(
  (b) => BEHAVIORS[b].family === 'linguistic',
);
export const VISUAL_BEHAVIORS: readonly BehaviorId[] = BEHAVIOR_IDS.filter(
  (b) => BEHAVIORS[b].family === 'visual',
);

const Meta = z.record(z.string(), z.unknown());

export const Problem = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
  id: z.string().min(1),
  question: z.string(),
  choices: z.array(z.string()).optional(),
  answer: z.string().optional(),
  /** Absolute path or URL once read; relative paths are resolved against the problem file. */
  image: z.string().optional(),
  meta: Meta.default({}),
});
export type Problem = z.infer<typeof Problem>;

export const CheckpointRole = z.enum(['base', 'cold-start', 'rl', 'other']);
export type CheckpointRole = z.infer<typeof CheckpointRole>;

export const Checkpoint = z.object({
  id: z.string().min(1),
  label: z.string(),
  role: CheckpointRole,
  step: z.number().int().nonnegative().optional(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const ModelInfo = z.object({
  name: z.string(),
  path: z.string().optional(),
  endpoint: z.string().optional(),
  device: z.string().optional(),
  /** The GPU adapter when the device is webgpu, with its API ("… via Vulkan"). */
  adapter: z.string().optional(),
  dtype: z.string().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const GenerationParams = z.object({
  temperature: z.number().nonnegative().default(0),
  topP: z.number().min(0).max(1).default(1),
  maxTokens: z.number().int().positive().default(4096),
  seed: z.number().int().optional(),
});
export type GenerationParams = z.infer<typeof GenerationParams>;

export const TokenInfo = z.object({
  text: z.string(),
  id: z.number().int().optional(),
  logprob: z.number().optional(),
  entropy: z.number().optional(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const Timing = z.object({
  start: z.string().optional(),
  ttftMs: z.number().nonnegative().optional(),
  totalMs: z.number().nonnegative().optional(),
  tokensPerSecond: z.number().nonnegative().optional(),
});
export type Timing = z.infer<typeof Timing>;

export const TraceStatus = z.enum(['complete', 'interrupted', 'error']);
export type TraceStatus = z.infer<typeof TraceStatus>;

export const Trace = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
  id: z.string().min(1),
  problemId: z.string().min(1),
  checkpoint: Checkpoint,
  model: ModelInfo.optional(),
  generation: GenerationParams.optional(),
  prompt: z.object({ system: z.string().optional(), user: z.string() }).optional(),
  response: z.string(),
  tokens: z.array(TokenInfo).optional(),
  timing: Timing.optional(),
  status: TraceStatus.default('complete'),
  error: z.string().optional(),
  /** The problem as the trace was made for it, when the source carries it (imports do). */
  problem: Problem.optional(),
  /** Reward or labels that came with an imported trace. */
  reward: z.number().optional(),
  labels: z.array(z.object({ behavior: BehaviorId, quote: z.string() })).optional(),
  answerCorrect: z.boolean().optional(),
});
export type Trace = z.infer<typeof Trace>;
export type TraceInput = z.input<typeof Trace>;

export const Span = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Span = z.infer<typeof Span>;

/** A marker set for regions (`--markers file`, `cogtrace.regionMarkers`): see core/regions.ts. */
export const RegionMarker = z.object({
  region: z.enum([...REGIONS, 'model', 'placeholder']),
  open: z.string().min(1),
  close: z.string().min(1).optional(),
}) satisfies z.ZodType<R.RegionMarker>;
export const RegionMarkers = z.object({
  extends: z.boolean().default(true),
  markers: z.array(RegionMarker),
}) satisfies z.ZodType<R.RegionMarkers>;

/** Where a step sits: see core/regions.ts for the markers that delimit each. */
export const Region = z.enum(REGIONS);
export type Region = z.infer<typeof Region>;

export const BehaviorHit = z.object({
  id: BehaviorId,
  confidence: z.number().min(0).max(1),
  cue: Span,
  detector: z.string(),
});
export type BehaviorHit = z.infer<typeof BehaviorHit>;

export const Step = z.object({
  index: z.number().int().nonnegative(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  region: Region,
  behaviors: z.array(BehaviorHit).default([]),
});
export type Step = z.infer<typeof Step>;

export const AnswerConvention = z.enum([
  'answer-tag',
  'box-token',
  'boxed',
  'final-answer',
  'phrase',
  'option',
  'decision',
  'conclusion',
  'answer-region',
  'whole',
  'math',
  'number',
]);
export type AnswerConvention = z.infer<typeof AnswerConvention>;
export const NoAnswerReason = z.enum(['no-final-answer', 'truncated', 'looping']);
export type NoAnswerReason = z.infer<typeof NoAnswerReason>;

export const AnswerCheck = z.object({
  extracted: z.string().nullable(),
  normalized: z.string().nullable(),
  /** null when the problem has no reference answer. */
  correct: z.boolean().nullable(),
  /** Which convention the answer was read from. */
  convention: AnswerConvention.optional(),
  /** Why there is no answer, when `extracted` is null. */
  reason: NoAnswerReason.optional(),
  /** A free-text reference compared by containment: the verdict needs a person's look. */
  uncertain: z.boolean().optional(),
});
export type AnswerCheck = z.infer<typeof AnswerCheck>;

export const LoopInfo = z.object({
  /** Offset where the repeated text starts, and the step that holds it. */
  start: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  /** Copies of the repeated unit seen. */
  repeats: z.number().int().positive(),
});
export type LoopInfo = z.infer<typeof LoopInfo>;

export const AnnotatedTrace = Trace.extend({
  steps: z.array(Step),
  answer: AnswerCheck,
  /** The response ends in a repetition loop (with no final answer after it). */
  loop: LoopInfo.optional(),
});
export type AnnotatedTrace = z.infer<typeof AnnotatedTrace>;
