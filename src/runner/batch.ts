// Batch runs over problem sets: every finished trace is appended and flushed at once; running again
// resumes (complete problem × checkpoint pairs are skipped); an interrupted generation is saved with
// status "interrupted" and its partial text; a crashed runner is restarted and the run goes on.
import { existsSync } from 'node:fs';
import { JsonlAppender, readTraces } from '../core/files/traces';
import type { GenerationParams, Problem, Trace } from '../core/schema';
import type { CheckpointConfig } from '../protocol/runner';
import type { Backend, GenerateResult, LoadInfo, TokenEvent } from './backend';
import { RunnerClient } from './client';
import { RunnerError } from './errors';
import { OpenAIBackend } from './openai-backend';
import { DEFAULT_SYSTEM_PROMPT, userText } from './prompt';

export interface BatchOptions {
  problems: Problem[];
  checkpoints: CheckpointConfig[];
  out: string;
  params: GenerationParams;
  system?: string;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, note: string) => void;
  onToken?: (key: string, t: TokenEvent) => void;
  /** A checkpoint's model is loaded: its device, adapter and why other devices were skipped. */
  onLoaded?: (checkpointId: string, info: LoadInfo) => void;
  /** Each trace as it is written (complete, interrupted or error). */
  onTrace?: (key: string, trace: Trace) => void;
  /** For tests: the runner child to use. */
  childPath?: string;
}

export interface BatchSummary {
  written: number;
  skipped: number;
  errors: number;
  interrupted: number;
}

export const pairKey = (problemId: string, checkpointId: string) => `${problemId}\u0000${checkpointId}`;

export async function completedPairs(out: string): Promise<Set<string>> {
  const done = new Set<string>();
  if (!existsSync(out)) return done;
  for await (const { trace } of readTraces(out))
    if (trace.status === 'complete') done.add(pairKey(trace.problemId, trace.checkpoint.id));
  return done;
}

/** A uniform generate() over a child-process runner (local models) or in-process HTTP (servers). */
interface Engine {
  load(): Promise<LoadInfo>;
  generate(
    req: Parameters<RunnerClient['generate']>[0],
    onToken: (t: TokenEvent) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult & { partial?: string }>;
  close(): Promise<void>;
  parallel: number;
}

function engineFor(ck: CheckpointConfig, opts: BatchOptions): Engine {
  if (ck.config.backend === 'openai') {
    const backend: Backend = new OpenAIBackend({ ...ck.config });
    let n = 0;
    return {
      load: () => backend.load(),
      generate: (req, onToken, signal) =>
        backend.generate(
          { ...req, wantFirstLogits: req.wantFirstLogits ?? false, requestId: `q${++n}` },
          onToken,
          signal,
        ),
      close: async () => {},
      parallel: Math.max(1, opts.concurrency ?? ck.config.concurrency),
    };
  }
  const client = new RunnerClient({ childPath: opts.childPath });
  const config = ck.config;
  return {
    load: () => client.load(config),
    async generate(req, onToken, signal) {
      if (!client.pid) await client.load(config); // restart after a crash
      const text: string[] = [];
      const g = client.generate(req, (t) => {
        text.push(t.text);
        onToken(t);
      });
      const onAbort = () => g.cancel();
      signal.addEventListener('abort', onAbort);
      try {
        return await g.result;
      } catch (e) {
        throw Object.assign(e as Error, { partial: text.join('') });
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    close: async () => {
      await client.unload().catch(() => {});
      client.dispose();
    },
    parallel: 1,
  };
}

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const done = await completedPairs(opts.out);
  const sink = await JsonlAppender.open(opts.out);
  const summary: BatchSummary = { written: 0, skipped: 0, errors: 0, interrupted: 0 };
  const total = opts.problems.length * opts.checkpoints.length;
  let finished = 0;
  const tick = (note: string) => opts.onProgress?.(finished, total, note);
  const system = opts.system ?? DEFAULT_SYSTEM_PROMPT;
  try {
    for (const ck of opts.checkpoints) {
      const todo = opts.problems.filter((p) => !done.has(pairKey(p.id, ck.id)));
      summary.skipped += opts.problems.length - todo.length;
      finished += opts.problems.length - todo.length;
      if (!todo.length || opts.signal?.aborted) continue;
      const engine = engineFor(ck, opts);
      let info: LoadInfo;
      try {
        info = await engine.load();
      } catch (e) {
        await engine.close();
        throw e;
      }
      opts.onLoaded?.(ck.id, info);
      tick(
        `${ck.id} loaded on ${info.device}${info.adapter ? ` (${info.adapter})` : ''}${info.note ? `; ${info.note}` : ''}`,
      );
      let next = 0;
      const worker = async () => {
        while (next < todo.length && !opts.signal?.aborted) {
          const p = todo[next++]!;
          const trace = await runOne(engine, ck, info, p, system, opts);
          await sink.append(trace);
          opts.onTrace?.(pairKey(p.id, ck.id), trace);
          if (trace.status === 'complete') summary.written++;
          else if (trace.status === 'interrupted') summary.interrupted++;
          else summary.errors++;
          finished++;
          tick(`${p.id} × ${ck.id}: ${trace.status}`);
        }
      };
      await Promise.all(Array.from({ length: engine.parallel }, worker));
      await engine.close();
    }
  } finally {
    await sink.close();
  }
  return summary;
}

/** Decode speed: the tokens after the first over the time after the first (prefill left out). */
export function decodeTokensPerSecond(tokens: number, totalMs: number, ttftMs = 0): number | undefined {
  const genMs = totalMs - ttftMs;
  return tokens > 1 && genMs > 0 ? ((tokens - 1) * 1000) / genMs : undefined;
}

export function buildTrace(
  ck: CheckpointConfig,
  info: LoadInfo | undefined,
  p: Problem,
  system: string,
  params: GenerationParams,
  started: Date,
  r: Partial<GenerateResult>,
  tokens: TokenEvent[],
  status: Trace['status'],
  error?: string,
): Trace {
  const totalMs = r.totalMs ?? Date.now() - started.getTime();
  return {
    schemaVersion: 1,
    id: `${p.id}/${ck.id}`,
    problemId: p.id,
    checkpoint: {
      id: ck.id,
      label: ck.label ?? ck.id,
      role: ck.role,
      ...(ck.step !== undefined ? { step: ck.step } : {}),
    },
    model: {
      name: info?.name ?? ck.config.model,
      ...(ck.config.backend === 'onnx'
        ? { path: ck.config.model, dtype: ck.config.dtype }
        : { endpoint: ck.config.baseUrl }),
      device: info?.device,
      ...(info?.adapter ? { adapter: info.adapter } : {}),
    },
    generation: params,
    prompt: { system, user: userText(p) },
    response: r.response ?? tokens.map((t) => t.text).join(''),
    tokens: tokens.map((t) => ({ text: t.text, id: t.id, logprob: t.logprob, entropy: t.entropy })),
    timing: {
      start: started.toISOString(),
      ttftMs: r.ttftMs,
      totalMs,
      tokensPerSecond: decodeTokensPerSecond(tokens.length, totalMs, r.ttftMs),
    },
    status,
    ...(error ? { error } : {}),
    problem: p,
  };
}

async function runOne(
  engine: Engine,
  ck: CheckpointConfig,
  info: LoadInfo,
  p: Problem,
  system: string,
  opts: BatchOptions,
): Promise<Trace> {
  const started = new Date();
  const tokens: TokenEvent[] = [];
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const r = await engine.generate(
      { system, user: userText(p), image: p.image, params: opts.params, wantFirstLogits: false },
      (t) => {
        tokens.push(t);
        opts.onToken?.(pairKey(p.id, ck.id), t);
      },
      ac.signal,
    );
    return buildTrace(ck, info, p, system, opts.params, started, r, tokens, r.status);
  } catch (e) {
    const partial = (e as { partial?: string }).partial;
    const msg = e instanceof RunnerError || e instanceof Error ? e.message : String(e);
    return buildTrace(
      ck,
      info,
      p,
      system,
      opts.params,
      started,
      { response: partial ?? tokens.map((t) => t.text).join('') },
      tokens,
      ac.signal.aborted ? 'interrupted' : 'error',
      msg,
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
