// The `cogtrace.checkpoints` and `cogtrace.run.*` settings as zod schemas: one entry per checkpoint
// (a local ONNX folder or an OpenAI-compatible server), mapped to the runner's CheckpointConfig.
import { z } from 'zod';
import { CheckpointRole, GenerationParams } from '../core/schema';
import { type CheckpointConfig, DeviceSetting } from './runner';

export const CheckpointSetting = z.object({
  id: z.string().min(1),
  label: z.string().optional(),
  role: CheckpointRole.default('other'),
  step: z.number().int().nonnegative().optional(),
  backend: z.enum(['onnx', 'openai']).default('onnx'),
  /** Model folder (onnx) or served model name (openai). */
  model: z.string().min(1),
  baseUrl: z.string().url().optional(),
  apiKeyEnv: z.string().optional(),
  device: DeviceSetting.default('auto'),
  dtype: z.enum(['fp32', 'fp16', 'q8', 'q4']).default('fp32'),
});
export type CheckpointSetting = z.infer<typeof CheckpointSetting>;

export const RunSettings = z.object({
  checkpoints: z.array(CheckpointSetting).default([]),
  maxNewTokens: z.number().int().positive().default(2048),
  temperature: z.number().nonnegative().default(0),
  topP: z.number().min(0).max(1).default(1),
  seed: z.number().int().nullable().optional(),
  systemPrompt: z.string().default(''),
  outputFolder: z.string().default('.cogtrace/runs'),
  /** Run the chosen checkpoints at the same time (off: one model in memory at a time). */
  parallel: z.boolean().default(true),
});
export type RunSettings = z.infer<typeof RunSettings>;

export function toCheckpointConfig(c: CheckpointSetting, apiKey?: string): CheckpointConfig {
  return {
    id: c.id,
    label: c.label,
    role: c.role,
    step: c.step,
    config:
      c.backend === 'openai'
        ? {
            backend: 'openai',
            baseUrl: c.baseUrl ?? 'http://localhost:8000/v1',
            model: c.model,
            apiKeyEnv: c.apiKeyEnv,
            apiKey,
            concurrency: 1,
            maxRetries: 4,
          }
        : { backend: 'onnx', model: c.model, device: c.device, dtype: c.dtype },
  };
}

export function generationParams(s: RunSettings): GenerationParams {
  return GenerationParams.parse({
    temperature: s.temperature,
    topP: s.topP,
    maxTokens: s.maxNewTokens,
    seed: s.seed ?? undefined,
  });
}
