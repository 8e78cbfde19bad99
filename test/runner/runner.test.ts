import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { runBatch } from '../../src/runner/batch';
import { RunnerClient } from '../../src/runner/client';
import { OpenAIBackend } from '../../src/runner/openai-backend';
import { writeFakeQwen25VL } from '../support/fake-model/build';
import { checkModelFolder } from '../../src/runner/onnx-backend';
import { GenerationParams, type Problem } from '../../src/core/schema';
import { tmpDir } from '../helpers';
import { startLoopback, type Loopback } from '../support/fake-model/loopback-server';

const CHILD = join(__dirname, '..', '..', 'dist', 'runner-child.js');
const params = { temperature: 0, topP: 1, maxTokens: 12 };
let dir: string;
let model: string;
let png: string;
let jpg: string;

beforeAll(async () => {
  dir = tmpDir();
  model = writeFakeQwen25VL(join(dir, 'fake-qwen'));
  png = join(dir, 'a.png');
  jpg = join(dir, 'b.jpg');
  await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 20, b: 20 } } })
    .png()
    .toFile(png);
  await sharp({ create: { width: 80, height: 120, channels: 3, background: { r: 20, g: 20, b: 200 } } })
    .jpeg()
    .toFile(jpg);
});

describe('local back end in a child process (fake Qwen2.5-VL)', () => {
  it('names an unsupported model type', async () => {
    const other = join(dir, 'other-model');
    writeFakeQwen25VL(other);
    const cfg = JSON.parse(readFileSync(join(other, 'config.json'), 'utf8'));
    writeFileSync(join(other, 'config.json'), JSON.stringify({ ...cfg, model_type: 'not_a_real_vlm' }));
    const c = new RunnerClient({ childPath: CHILD });
    try {
      await expect(c.load({ backend: 'onnx', model: other, device: 'cpu', dtype: 'fp32' })).rejects.toThrow(
        /Unsupported model type.*not_a_real_vlm|not_a_real_vlm.*Unsupported/,
      );
    } finally {
      c.dispose();
    }
  });

  it('checks the folder and names the missing file', () => {
    expect(() => checkModelFolder(join(dir, 'missing'), 'fp32')).toThrow(/model folder not found/);
    expect(() => checkModelFolder(model, 'fp16')).toThrow(/missing file "onnx\/embed_tokens_fp16\.onnx"/);
  });

  it('loads, streams tokens with log-probabilities and entropy through PNG and JPEG images', async () => {
    const c = new RunnerClient({ childPath: CHILD });
    try {
      const info = await c.load({ backend: 'onnx', model, device: 'auto', dtype: 'fp32' });
      expect(info.device).toBe('cpu');
      expect(info.note).toMatch(/CUDA/);
      for (const image of [png, jpg]) {
        const tokens: { text: string; logprob?: number; entropy?: number }[] = [];
        const r = await c.generate(
          { user: 'Describe the image.', image, params, wantFirstLogits: true },
          (t) => tokens.push(t),
        ).result;
        expect(r.status).toBe('complete');
        expect(r.tokenIds).toHaveLength(12);
        expect(tokens).toHaveLength(12);
        expect(tokens.map((t) => t.text).join('')).toBe(r.response);
        for (const t of tokens) {
          expect(t.logprob).toBeLessThanOrEqual(0);
          expect(t.entropy).toBeGreaterThanOrEqual(0);
        }
        expect(r.firstLogits).toHaveLength(151936);
      }
      // greedy decoding is deterministic; a seeded sample is reproducible
      const a = await c.generate({ user: 'Same?', image: png, params }).result;
      const b = await c.generate({ user: 'Same?', image: png, params }).result;
      expect(a.tokenIds).toEqual(b.tokenIds);
      const s1 = await c.generate({ user: 'Same?', params: { ...params, temperature: 1, seed: 7 } }).result;
      const s2 = await c.generate({ user: 'Same?', params: { ...params, temperature: 1, seed: 7 } }).result;
      expect(s1.tokenIds).toEqual(s2.tokenIds);
    } finally {
      c.dispose();
    }
  });

  it('cancel stops generation within a step, and an unreadable image is a clear error', async () => {
    const c = new RunnerClient({ childPath: CHILD });
    try {
      await c.load({ backend: 'onnx', model, device: 'cpu', dtype: 'fp32' });
      let n = 0;
      const g = c.generate({ user: 'Go on for a long time.', params: { ...params, maxTokens: 2000 } }, () => {
        if (++n === 3) g.cancel();
      });
      const r = await g.result;
      expect(r.status).toBe('interrupted');
      expect(r.tokenIds.length).toBeLessThanOrEqual(5);
      await expect(c.generate({ user: 'x', image: join(dir, 'nope.png'), params }).result).rejects.toThrow(
        /image not found or unreadable/,
      );
    } finally {
      c.dispose();
    }
  });

  it('survives a SIGKILL of the child mid-generation and starts a new one', async () => {
    const c = new RunnerClient({ childPath: CHILD });
    let crashed = '';
    c.onCrash = (r) => (crashed = r);
    try {
      await c.load({ backend: 'onnx', model, device: 'cpu', dtype: 'fp32' });
      const pid = c.pid!;
      let killed = false;
      const g = c.generate({ user: 'Long answer please.', params: { ...params, maxTokens: 2000 } }, () => {
        if (!killed) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      });
      await expect(g.result).rejects.toThrow(/signal SIGKILL/);
      expect(crashed).toMatch(/SIGKILL/);
      await c.load({ backend: 'onnx', model, device: 'cpu', dtype: 'fp32' });
      expect(c.pid).not.toBe(pid);
      const r = await c.generate({ user: 'Again.', params }).result;
      expect(r.status).toBe('complete');
    } finally {
      c.dispose();
    }
  });

  it('batch runs append, resume without duplicates, and save errors as traces', async () => {
    const out = join(dir, 'runs.trace.jsonl');
    const problems: Problem[] = [
      { schemaVersion: 1, id: 'p1', question: 'How many?', image: png, answer: '3', meta: {} },
      {
        schemaVersion: 1,
        id: 'p2',
        question: 'Which colour?',
        choices: ['red', 'blue'],
        image: jpg,
        answer: 'B',
        meta: {},
      },
    ];
    const ck = {
      id: 'rl',
      role: 'rl' as const,
      config: { backend: 'onnx' as const, model, device: 'cpu' as const, dtype: 'fp32' as const },
    };
    const first = await runBatch({ problems, checkpoints: [ck], out, params, childPath: CHILD });
    expect(first).toMatchObject({ written: 2, skipped: 0 });
    const again = await runBatch({ problems, checkpoints: [ck], out, params, childPath: CHILD });
    expect(again).toMatchObject({ written: 0, skipped: 2 });
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      problemId: 'p1',
      status: 'complete',
      checkpoint: { id: 'rl', role: 'rl' },
    });
    expect(lines[0].tokens).toHaveLength(12);
    expect(lines[0].timing.ttftMs).toBeGreaterThan(0);
    const bad = await runBatch({
      problems: [{ ...problems[0]!, id: 'p3', image: join(dir, 'missing.png') }],
      checkpoints: [ck],
      out,
      params,
      childPath: CHILD,
    });
    expect(bad.errors).toBe(1);
    const last = JSON.parse(readFileSync(out, 'utf8').trim().split('\n').pop()!);
    expect(last).toMatchObject({ problemId: 'p3', status: 'error' });
    expect(last.error).toMatch(/image not found/);
  });

  it('an interrupted batch saves the partial trace with status "interrupted"', async () => {
    const out = join(dir, 'interrupted.trace.jsonl');
    const ac = new AbortController();
    let n = 0;
    const s = await runBatch({
      problems: [{ schemaVersion: 1, id: 'p1', question: 'Long', meta: {} }],
      checkpoints: [
        { id: 'cold', role: 'cold-start', config: { backend: 'onnx', model, device: 'cpu', dtype: 'fp32' } },
      ],
      out,
      params: { ...params, maxTokens: 2000 },
      signal: ac.signal,
      childPath: CHILD,
      onToken: () => {
        if (++n === 4) ac.abort();
      },
    });
    expect(s.interrupted).toBe(1);
    const t = JSON.parse(readFileSync(out, 'utf8').trim());
    expect(t.status).toBe('interrupted');
    expect(t.response.length).toBeGreaterThan(0);
  });
});

describe('OpenAI-compatible back end against a vLLM-like loopback server', () => {
  let srv: Loopback;
  beforeAll(async () => {
    srv = await startLoopback();
  });
  afterAll(() => srv.close());
  const backend = () =>
    new OpenAIBackend({
      baseUrl: srv.url,
      model: 'ovr-rl',
      apiKeyEnv: 'COGTRACE_TEST_KEY',
      maxRetries: 3,
      backoffMs: 5,
    });

  it('streams content with logprobs, sends the image as a data URL and the key from the environment', async () => {
    srv.setMode('ok');
    process.env.COGTRACE_TEST_KEY = 'sk-test';
    const b = backend();
    await b.load();
    const tokens: { text: string; logprob?: number }[] = [];
    const r = await b.generate(
      { requestId: 'x', user: 'Q', image: png, params, wantFirstLogits: false },
      (t) => tokens.push(t),
      new AbortController().signal,
    );
    expect(r.response).toBe('<think> Look at the chart.</think> \\boxed{4}'.replace('<think> ', '<think>'));
    expect(tokens[0]!.logprob).toBeCloseTo(-0.1);
    const req = srv.requests.at(-1)!;
    expect(req.auth).toBe('Bearer sk-test');
    const content = (
      req.body as { messages: { content: { type: string; image_url?: { url: string } }[] }[] }
    ).messages.at(-1)!.content;
    expect(content[0]!.image_url!.url).toMatch(/^data:image\/png;base64,/);
  });

  it('retries 5xx with backoff, and reports 401, malformed chunks, dropped streams and unknown models', async () => {
    srv.setMode('500-then-ok');
    const sig = new AbortController().signal;
    const req = { requestId: 'y', user: 'Q', params, wantFirstLogits: false };
    expect((await backend().generate(req, () => {}, sig)).status).toBe('complete');
    srv.setMode('always-500');
    await expect(backend().generate(req, () => {}, sig)).rejects.toThrow(/answered 500 after 4 tries/);
    srv.setMode('401');
    await expect(backend().generate(req, () => {}, sig)).rejects.toThrow(
      /refused the request \(401\).*COGTRACE_TEST_KEY/,
    );
    srv.setMode('malformed');
    await expect(backend().generate(req, () => {}, sig)).rejects.toThrow(/malformed chunk/);
    srv.setMode('drop');
    await expect(backend().generate(req, () => {}, sig)).rejects.toThrow(/dropped|ended before completion/);
    await expect(
      new OpenAIBackend({ baseUrl: srv.url, model: 'other', maxRetries: 0 }).load(),
    ).rejects.toThrow(/serves ovr-rl, not "other"/);
    await expect(
      new OpenAIBackend({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 }).load(),
    ).rejects.toThrow(/cannot reach/);
  });

  it('runs a batch with a concurrency limit', async () => {
    srv.setMode('slow');
    const out = join(tmpDir(), 'server.trace.jsonl');
    const problems: Problem[] = Array.from({ length: 6 }, (_, i) => ({
      schemaVersion: 1,
      id: `q${i}`,
      question: `Q${i}`,
      meta: {},
    }));
    const s = await runBatch({
      problems,
      checkpoints: [
        {
          id: 'rl',
          role: 'rl',
          config: { backend: 'openai', baseUrl: srv.url, model: 'ovr-rl', concurrency: 3, maxRetries: 1 },
        },
      ],
      out,
      params,
    });
    expect(s.written).toBe(6);
    expect(existsSync(out)).toBe(true);
    writeFileSync(join(dir, 'unused'), '');
  });
});

describe('runner protocol', () => {
  // a child that answers with messages that break the protocol, as a buggy or foreign child would
  const dir = mkdtempSync(join(tmpdir(), 'cogtrace-badchild-'));
  const bad = join(dir, 'bad-child.js');
  writeFileSync(
    bad,
    `process.on('message', (m) => {
  if (m.type === 'load') process.send({ type: 'loaded', name: 'x', device: 'cpu' });
  if (m.type === 'generate') process.send({ type: 'done', requestId: m.request.requestId, response: 42 });
  if (m.type === 'unload') process.send({ type: 'unloaded' });
});`,
  );

  it('rejects the pending load and request when a child message fails validation, and reports it', async () => {
    const c = new RunnerClient({ childPath: bad });
    const reported: string[] = [];
    c.onProtocolError = (m) => reported.push(m);
    try {
      await expect(
        c.load({ backend: 'onnx', model: '/nowhere', device: 'cpu', dtype: 'fp32' }),
      ).rejects.toThrow(/invalid 'loaded' message/);
      const run = c.generate({ user: 'hi', params: GenerationParams.parse({}) });
      await expect(run.result).rejects.toThrow(/invalid 'done' message.*response/s);
      expect(reported).toHaveLength(2);
      await c.unload();
    } finally {
      c.dispose();
    }
  });
});
