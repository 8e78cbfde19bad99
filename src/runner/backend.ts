// What every model back end offers; the runner child and the batch runner drive them the same way.
// The value types are the runner protocol's schemas (src/protocol/runner.ts), stated once.
import type { GenerateRequest, GenerateResult, LoadInfo, TokenEvent } from '../protocol/runner';

export type { GenerateResult, LoadInfo, TokenEvent };

export interface Backend {
  load(): Promise<LoadInfo>;
  generate(
    req: GenerateRequest,
    onToken: (t: TokenEvent) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult>;
  unload(): Promise<void>;
}
