// Messages between the extension/CLI and the model runner child process. Validated with zod on
// both sides: a child that prints garbage or dies is reported, never trusted.
import { z } from 'zod';
import { CheckpointRole, GenerationParams, TokenInfo } from '../core/schema';

/** The devices a local model runs on, in the order `auto` tries them. */
export const DEVICES = ['cuda', 'webgpu', 'cpu'] as const;
/** A local checkpoint's device setting: one of them, or `auto`. */
export const DeviceSetting = z.enum(['auto', ...DEVICES]);

export const BackendConfig = z.discriminatedUnion('backend', [
  z.object({
    backend: z.literal('onnx'),
    model: z.string().min(1),
    device: DeviceSetting.default('auto'),
    dtype: z.enum(['fp32', 'fp16', 'q8', 'q4']).default('fp32'),
  }),
  z.object({
    backend: z.literal('openai'),
    baseUrl: z.string().url(),
    model: z.string().min(1),
    apiKeyEnv: z.string().optional(),
    /** From the editor's secret storage, in memory only (servers run in-process, never in the child). */
    apiKey: z.string().optional(),
    concurrency: z.number().int().positive().default(8),
    maxRetries: z.number().int().nonnegative().default(4),
  }),
]);
export type BackendConfig = z.infer<typeof BackendConfig>;

export const CheckpointConfig = z.object({
  id: z.string().min(1),
  label: z.string().optional(),
  role: CheckpointRole.default('other'),
  step: z.number().int().nonnegative().optional(),
  config: BackendConfig,
});
export type CheckpointConfig = z.infer<typeof CheckpointConfig>;

export const GenerateRequest = z.object({
  requestId: z.string(),
  system: z.string().optional(),
  user: z.string(),
  image: z.string().optional(),
  params: GenerationParams,
  /** Return the logits of the first generated position (parity tests). */
  wantFirstLogits: z.boolean().default(false),
});
export type GenerateRequest = z.infer<typeof GenerateRequest>;

/** What a back end reports once its model is loaded. */
export const LoadInfo = z.object({
  name: z.string(),
  device: z.string(),
  dtype: z.string(),
  loadMs: z.number(),
  /** The GPU adapter and its API when the device is webgpu: "NVIDIA H200 (…) via Vulkan". */
  adapter: z.string().optional(),
  /** Why `auto` or a fallback did not pick the devices before this one. */
  note: z.string().optional(),
});
export type LoadInfo = z.infer<typeof LoadInfo>;

/** One generated token, streamed as it is sampled: what a trace keeps of each token. */
export const TokenEvent = TokenInfo;
export type TokenEvent = z.infer<typeof TokenEvent>;

/** The end of one generation. */
export const GenerateResult = z.object({
  response: z.string(),
  tokenIds: z.array(z.number().int()),
  status: z.enum(['complete', 'interrupted']),
  ttftMs: z.number().optional(),
  totalMs: z.number(),
  firstLogits: z.array(z.number()).optional(),
});
export type GenerateResult = z.infer<typeof GenerateResult>;

/** One device tried by the probe: it ran a one-node graph, or why not. */
export const DeviceProbe = z.object({
  device: z.enum(DEVICES),
  ok: z.boolean(),
  ms: z.number(),
  adapter: z.string().optional(),
  reason: z.string().optional(),
});
export type DeviceProbe = z.infer<typeof DeviceProbe>;

export const ToParent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('probed'), devices: z.array(DeviceProbe) }),
  LoadInfo.extend({ type: z.literal('loaded') }),
  TokenEvent.extend({ type: z.literal('token'), requestId: z.string() }),
  GenerateResult.extend({ type: z.literal('done'), requestId: z.string() }),
  z.object({
    type: z.literal('error'),
    requestId: z.string().optional(),
    code: z.string(),
    message: z.string(),
  }),
  z.object({ type: z.literal('unloaded') }),
]);
export type ToParent = z.infer<typeof ToParent>;

export const ToChild = z.discriminatedUnion('type', [
  z.object({ type: z.literal('load'), config: BackendConfig }),
  z.object({ type: z.literal('generate'), request: GenerateRequest }),
  z.object({ type: z.literal('cancel'), requestId: z.string() }),
  z.object({ type: z.literal('unload') }),
  z.object({ type: z.literal('probe') }),
]);
export type ToChild = z.infer<typeof ToChild>;
