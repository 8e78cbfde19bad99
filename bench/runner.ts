// Runner benchmarks: model load, time to first token, the per-token overhead of the child-process
// pipeline against the same fake model in-process, and concurrent requests against a loopback server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFakeQwen25VL } from '../test/support/fake-model/build';
import { startLoopback } from '../test/support/fake-model/loopback-server';
import { decodeTokensPerSecond } from '../src/runner/batch';
import { RunnerClient } from '../src/runner/client';
import { OnnxBackend } from '../src/runner/onnx-backend';
import { OpenAIBackend } from '../src/runner/openai-backend';
import type { BenchLine } from './core';

export async function runnerBench(): Promise<BenchLine[]> {
  const out: BenchLine[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cogtrace-bench-runner-'));
  const model = writeFakeQwen25VL(join(dir, 'fake'), { eosAtPosition: 100_000 });
  const N = 200;
  const req = {
    requestId: 'b',
    user: 'Describe the figure step by step.',
    params: { temperature: 0, topP: 1, maxTokens: N },
    wantFirstLogits: false,
  };

  const inproc = new OnnxBackend({ model, device: 'cpu', dtype: 'fp32' });
  const info = await inproc.load();
  out.push({ name: 'model load, in-process (fake Qwen2.5-VL, 151k vocab)', value: info.loadMs, unit: 'ms' });
  await inproc.generate(req, () => {}, new AbortController().signal);
  const a = await inproc.generate(req, () => {}, new AbortController().signal);
  const perTokIn = (a.totalMs - (a.ttftMs ?? 0)) / (a.tokenIds.length - 1);
  out.push({ name: 'time to first token, in-process', value: a.ttftMs ?? NaN, unit: 'ms' });
  out.push({ name: `per-token time, in-process (${a.tokenIds.length} tokens)`, value: perTokIn, unit: 'ms' });
  await inproc.unload();

  const client = new RunnerClient();
  const t0 = Date.now();
  await client.load({ backend: 'onnx', model, device: 'cpu', dtype: 'fp32' });
  out.push({ name: 'model load, child process (fork + load)', value: Date.now() - t0, unit: 'ms' });
  await client.generate(req).result;
  let first = 0;
  let last = 0;
  let n = 0;
  const s0 = performance.now();
  await client.generate(req, () => {
    const now = performance.now();
    if (!n) first = now - s0;
    last = now;
    n++;
  }).result;
  const perTokChild = (last - s0 - first) / (n - 1);
  out.push({ name: 'time to first token event, child process', value: first, unit: 'ms' });
  out.push({
    name: `per-token time as the parent sees it, child process (${n} tokens)`,
    value: perTokChild,
    unit: 'ms',
  });
  const overhead = perTokChild - perTokIn;
  out.push({
    name: 'per-token overhead of the child-process pipeline',
    value: overhead,
    unit: 'ms',
    target: '≤ 1 ms',
    ok: overhead <= 1,
  });
  client.dispose();

  out.push(...(await deviceBench(model, dir)));

  const srv = await startLoopback(Array.from({ length: 64 }, (_, i) => ` w${i}`));
  const backend = new OpenAIBackend({ baseUrl: srv.url, model: 'ovr-rl', maxRetries: 0 });
  for (const conc of [1, 8, 32]) {
    const total = 128;
    let next = 0;
    const c0 = Date.now();
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next++ < total)
          await backend.generate({ ...req, requestId: `c${next}` }, () => {}, new AbortController().signal);
      }),
    );
    const secs = (Date.now() - c0) / 1000;
    out.push({
      name: `loopback server: ${total} streamed requests at concurrency ${conc}`,
      value: total / secs,
      unit: 'req/s',
    });
  }
  await srv.close();
  return out;
}

/**
 * Decode tokens/s of the fake model on CPU and WebGPU side by side, at its test size and at a wider
 * size (hidden 512, 4 layers) where the graph does real work per token. WebGPU here runs on whatever
 * adapter the machine has (on a CI box, Mesa's software Vulkan: a correctness path, not a fast one).
 */
async function deviceBench(small: string, dir: string): Promise<BenchLine[]> {
  const out: BenchLine[] = [];
  const wide = writeFakeQwen25VL(join(dir, 'fake-wide'), {
    eosAtPosition: 100_000,
    layers: 4,
    hidden: 512,
    kvHeads: 4,
    headDim: 32,
  });
  const req = { user: 'Describe the figure.', params: { temperature: 0, topP: 1, maxTokens: 48 } };
  for (const [label, model] of [
    ['fake model', small],
    ['wide fake model (hidden 512, 4 layers)', wide],
  ] as const) {
    for (const device of ['cpu', 'webgpu'] as const) {
      const c = new RunnerClient();
      try {
        const info = await c.load({ backend: 'onnx', model, device, dtype: 'fp32' });
        await c.generate({ ...req, params: { ...req.params, maxTokens: 4 } }).result;
        const r = await c.generate(req).result;
        const tps = decodeTokensPerSecond(r.tokenIds.length, r.totalMs, r.ttftMs) ?? NaN;
        out.push({
          name: `decode, ${label}, ${device}${info.adapter ? ` (${info.adapter.split(' (')[0]})` : ''}`,
          value: tps,
          unit: 'tok/s',
        });
      } catch (e) {
        out.push({
          name: `decode, ${label}, ${device}: ${(e as Error).message.slice(0, 60)}`,
          value: NaN,
          unit: 'tok/s',
        });
      } finally {
        c.dispose();
      }
    }
  }
  return out;
}
