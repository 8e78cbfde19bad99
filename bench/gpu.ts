// GPU decode benchmark (run on a GPU machine by tools/export/gpu_bench/run.sh): the runner on a model
// with 7B-like layer sizes, on WebGPU, against the memory-bandwidth bound. Decoding one token reads
// every weight of the decoder graph once, so tokens/s ≤ bandwidth ÷ (bytes of decoder weights).
//   node dist/bench-gpu.js <model folder> <bandwidth GB/s> [dtype]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTokensPerSecond } from '../src/runner/batch';
import { RunnerClient } from '../src/runner/client';

async function main() {
  const [model, bw, dtype = 'fp16'] = process.argv.slice(2);
  if (!model || !bw) throw new Error('usage: bench-gpu <model folder> <bandwidth GB/s> [dtype]');
  const suffix = dtype === 'fp16' ? '_fp16' : '';
  const decoderBytes = readdirSync(join(model, 'onnx'))
    .filter((f) => f.startsWith(`decoder_model_merged${suffix}.onnx`))
    .reduce((n, f) => n + statSync(join(model, 'onnx', f)).size, 0);
  const bound = (Number(bw) * 1e9) / decoderBytes;
  const report: Record<string, unknown> = {
    model,
    dtype,
    decoderBytes,
    bandwidthGBs: Number(bw),
    boundTokS: bound,
  };
  const c = new RunnerClient();
  try {
    report.devices = await c.probe();
    for (const device of ['auto', 'webgpu'] as const) {
      const t0 = Date.now();
      try {
        const info = await c.load({ backend: 'onnx', model, device, dtype: dtype as 'fp16' });
        const loadMs = Date.now() - t0;
        const req = {
          user: 'Describe the figure step by step.',
          params: { temperature: 0, topP: 1, maxTokens: 8 },
        };
        await c.generate(req).result;
        const r = await c.generate({ ...req, params: { ...req.params, maxTokens: 128 } }).result;
        const tps = decodeTokensPerSecond(r.tokenIds.length, r.totalMs, r.ttftMs) ?? NaN;
        report[device] = {
          info,
          loadMs,
          tokens: r.tokenIds.length,
          ttftMs: r.ttftMs,
          tokS: tps,
          ofBound: tps / bound,
        };
      } catch (e) {
        report[device] = { error: (e as Error).message };
      }
      console.log(JSON.stringify({ [device]: report[device] }));
      await c.unload();
    }
  } finally {
    c.dispose();
  }
  console.log(JSON.stringify(report, null, 2));
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
