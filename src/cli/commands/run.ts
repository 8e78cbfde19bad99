// cogtrace run: a batch over a problem set, or a single image + question, on a local model folder
// (child-process runner) or an OpenAI-compatible server.
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadProblems } from '../../core/files/problems';
import { formatIssue } from '../../core/issues';
import { GenerationParams, type Problem } from '../../core/schema';
import { BackendConfig, CheckpointConfig } from '../../protocol/runner';
import { runBatch } from '../../runner/batch';
import { type Io, Progress, UsageError } from '../io';

type RunArgs = Record<string, unknown> & { positionals: string[] };

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown, name: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number`);
  return n;
};

function params(a: RunArgs): GenerationParams {
  const p = GenerationParams.safeParse({
    temperature: num(a.temperature, 'temperature') ?? 0,
    topP: num(a['top-p'], 'top-p') ?? 1,
    maxTokens: num(a['max-tokens'], 'max-tokens') ?? 2048,
    seed: num(a.seed, 'seed'),
  });
  if (!p.success)
    throw new UsageError(p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return p.data;
}

/** A checkpoint given by flags rather than a checkpoints file. */
function adHocCheckpoint(a: RunArgs, id: string): CheckpointConfig {
  const config = str(a['base-url'])
    ? {
        backend: 'openai',
        baseUrl: str(a['base-url']),
        model: str(a['served-model']) ?? str(a.model),
        apiKeyEnv: str(a['api-key-env']),
      }
    : {
        backend: 'onnx',
        model: str(a.model),
        device: str(a.device) ?? 'auto',
        dtype: str(a.dtype) ?? 'fp32',
      };
  const parsed = BackendConfig.safeParse(config);
  if (!parsed.success)
    throw new UsageError(
      `checkpoint flags: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'model'}: ${i.message}`).join('; ')}`,
    );
  return { id, role: 'other', config: parsed.data };
}

async function loadCheckpoints(file: string): Promise<CheckpointConfig[]> {
  const text = await readFile(file, 'utf8');
  const raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  const list = Array.isArray(raw) ? raw : raw?.checkpoints;
  const parsed = z.array(CheckpointConfig).safeParse(list);
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues.map((i) => `${file}: checkpoints[${i.path.join('.')}]: ${i.message}`).join('\n'),
    );
  // relative model folders are relative to the checkpoints file, not to the shell
  return parsed.data.map((c) =>
    c.config.backend === 'onnx'
      ? { ...c, config: { ...c.config, model: resolve(file, '..', c.config.model) } }
      : c,
  );
}

export async function runCommand(a: RunArgs, io: Io): Promise<number> {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    io.err('\ninterrupting: saving partial traces (Ctrl-C again to quit at once)…\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return str(a.problems) ? await batch(a, io, ac.signal) : await single(a, io, ac.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function batch(a: RunArgs, io: Io, signal: AbortSignal): Promise<number> {
  const out = str(a.out);
  if (!out) throw new UsageError('run --problems needs --out <traces.jsonl>');
  const { items: problems, issues } = await loadProblems(str(a.problems)!);
  issues.forEach((i) => io.err(formatIssue(i) + '\n'));
  const wanted = (a.checkpoint as string[] | undefined) ?? [];
  let checkpoints: CheckpointConfig[];
  if (str(a.checkpoints)) {
    const all = await loadCheckpoints(str(a.checkpoints)!);
    checkpoints = wanted.length
      ? wanted.map(
          (id) =>
            all.find((c) => c.id === id) ??
            (() => {
              throw new UsageError(`no checkpoint "${id}" in ${a.checkpoints}`);
            })(),
        )
      : all;
  } else {
    if (!str(a.model) && !str(a['base-url']))
      throw new UsageError(
        'run needs --checkpoints <file>, or --model <folder>, or --base-url <url> --served-model <name>',
      );
    checkpoints = [adHocCheckpoint(a, wanted[0] ?? 'model')];
  }
  const progress = new Progress(io, 'running', problems.length * checkpoints.length);
  const summary = await runBatch({
    problems,
    checkpoints,
    out,
    params: params(a),
    system: str(a.system),
    concurrency: num(a.concurrency, 'concurrency'),
    signal,
    onProgress: (d, _t, note) => {
      progress.update(d, note);
      if (!io.isTTY && /loaded|error/.test(note)) io.err(note + '\n');
    },
  });
  progress.done();
  io.err(
    `${out}: ${summary.written} written, ${summary.skipped} already complete, ${summary.interrupted} interrupted, ${summary.errors} failed\n`,
  );
  if (signal.aborted) return 130;
  return issues.length || summary.errors ? 1 : 0;
}

async function single(a: RunArgs, io: Io, signal: AbortSignal): Promise<number> {
  const question = str(a.question);
  if (!question) throw new UsageError('run needs --problems <file> (batch) or --question "…" (single run)');
  const problem: Problem = {
    schemaVersion: 1,
    id: 'single',
    question,
    image: str(a.image) ? resolve(str(a.image)!) : undefined,
    meta: {},
  };
  const ck = adHocCheckpoint(a, str((a.checkpoint as string[] | undefined)?.[0]) ?? 'model');
  const out = str(a.out) ?? join(mkdtempSync(join(tmpdir(), 'cogtrace-run-')), 'single.trace.jsonl');
  const json = a.json === true;
  const summary = await runBatch({
    problems: [problem],
    checkpoints: [ck],
    out,
    params: params(a),
    system: str(a.system),
    signal,
    onToken: json ? undefined : (_k, t) => io.out(t.text),
    onProgress: (_d, _t, note) => {
      if (/loaded/.test(note)) io.err(note + '\n');
    },
  });
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const trace = JSON.parse(lines[lines.length - 1]!);
  if (json) io.out(JSON.stringify(trace) + '\n');
  else
    io.out(
      `\n\n[${trace.status}${trace.error ? `: ${trace.error}` : ''}] ${trace.tokens?.length ?? 0} tokens, ${trace.timing?.tokensPerSecond?.toFixed(1) ?? '?'} tok/s → ${out}\n`,
    );
  if (trace.status === 'error') io.err(`cogtrace: ${trace.error}\n`);
  return summary.errors ? 1 : signal.aborted ? 130 : 0;
}
