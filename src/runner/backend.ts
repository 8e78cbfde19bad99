// What every model back end offers; the runner child and the batch runner drive them the same way.
import type { GenerateRequest } from '../protocol/runner';

export interface TokenEvent {
  text: string;
  id?: number;
  logprob?: number;
  entropy?: number;
}

export interface GenerateResult {
  response: string;
  tokenIds: number[];
  status: 'complete' | 'interrupted';
  ttftMs?: number;
  totalMs: number;
  firstLogits?: number[];
}

export interface LoadInfo {
  name: string;
  device: string;
  dtype: string;
  loadMs: number;
  note?: string;
}

export interface Backend {
  load(): Promise<LoadInfo>;
  generate(
    req: GenerateRequest,
    onToken: (t: TokenEvent) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult>;
  unload(): Promise<void>;
}
