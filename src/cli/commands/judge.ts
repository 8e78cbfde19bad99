// The LLM judge from the command line: which server (flags, or a checkpoint of a checkpoints file:
// a server, or a local ONNX model run in a runner child), its prompts and cache; the estimate printed before a run (a run of more than 200 calls
// needs --yes), progress, Ctrl+C to stop (judgments so far stay cached: a rerun resumes), and the
// counters after. Used by `annotate --detector judge|both` and `eval --detector …`.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { BehaviorDetector } from '../../core/behaviors/detector';
import { BEHAVIOR_IDS, type BehaviorId } from '../../core/schema';
import { JudgmentCache } from '../../core/judge/cache';
import { JudgeClient, type JudgeCounters } from '../../core/judge/client';
import { BothDetector, type JudgeInput, JudgeDetector } from '../../core/judge/detector';
import { DEFAULT_PROMPTS, loadPrompts, PromptsError } from '../../core/judge/prompts';
import { type Io, Progress, UsageError } from '../io';
import { loadDetector } from './shared';
import { LocalJudge } from '../../runner/judge';

export interface JudgeArgs {
  detector?: string;
  rules?: string;
  'judge-url'?: string;
  'judge-model'?: string;
  'judge-key-env'?: string;
  'judge-checkpoint'?: string;
  checkpoints?: string;
  'judge-prompts'?: string;
  'judge-cache'?: string;
  'judge-max-tokens'?: string;
  /** Comma-separated behavior ids: judge only these (cost). */
  'judge-behaviors'?: string;
  /** Price per million tokens, prompt and completion ("0.5,1.5"): the estimate names a cost. */
  'judge-price'?: string;
  concurrency?: string;
  yes?: boolean;
}

/** More calls than this need --yes: a judge run costs time and, on a hosted API, money. */
export const CONFIRM_CALLS = 200;

export const defaultJudgeCache = () =>
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cogtrace', 'judge');

type Endpoint =
  | { kind: 'server'; baseUrl: string; model: string; keyEnv?: string }
  | { kind: 'local'; model: string; device?: string; dtype?: string };

async function endpointOf(a: JudgeArgs): Promise<Endpoint> {
  if (a['judge-checkpoint']) {
    if (!a.checkpoints) throw new UsageError('--judge-checkpoint needs --checkpoints <file>');
    const text = await readFile(a.checkpoints, 'utf8');
    const raw = /\.ya?ml$/i.test(a.checkpoints) ? parseYaml(text) : JSON.parse(text);
    const list = (Array.isArray(raw) ? raw : raw?.checkpoints) as
      | {
          id?: string;
          config?: {
            backend?: string;
            baseUrl?: string;
            model?: string;
            apiKeyEnv?: string;
            device?: string;
            dtype?: string;
          };
        }[]
      | undefined;
    const ck = list?.find((c) => c.id === a['judge-checkpoint']);
    if (!ck) throw new UsageError(`no checkpoint "${a['judge-checkpoint']}" in ${a.checkpoints}`);
    const c = ck.config;
    if (c?.backend === 'onnx' && c.model)
      // a model folder is relative to the checkpoints file, as for `run`
      return {
        kind: 'local',
        model: resolve(a.checkpoints, '..', c.model),
        device: c.device,
        dtype: c.dtype,
      };
    if (c?.backend !== 'openai' || !c.baseUrl || !c.model)
      throw new UsageError(`checkpoint "${ck.id}" has neither a model folder (onnx) nor a server (openai)`);
    return { kind: 'server', baseUrl: c.baseUrl, model: c.model, keyEnv: c.apiKeyEnv };
  }
  if (!a['judge-url'] || !a['judge-model'])
    throw new UsageError(
      'the judge needs --judge-url <OpenAI-compatible base URL> and --judge-model <name> (or --judge-checkpoint id --checkpoints file)',
    );
  return { kind: 'server', baseUrl: a['judge-url'], model: a['judge-model'], keyEnv: a['judge-key-env'] };
}

/** The detector `--detector` names: rules (default, or --rules), judge, or both. */
export async function detectorOf(
  a: JudgeArgs,
): Promise<{ detector: BehaviorDetector; judge?: JudgeDetector; rules: BehaviorDetector }> {
  const kind = a.detector ?? 'rules';
  if (!['rules', 'judge', 'both'].includes(kind))
    throw new UsageError(`--detector must be rules, judge or both, not ${kind}`);
  const rules = await loadDetector(a.rules);
  if (kind === 'rules') return { detector: rules, rules };
  const ep = await endpointOf(a);
  let prompts = DEFAULT_PROMPTS;
  try {
    prompts = loadPrompts(a['judge-prompts']);
  } catch (e) {
    if (e instanceof PromptsError) throw new UsageError(e.message);
    throw e;
  }
  const maxTokens = a['judge-max-tokens'] ? Number(a['judge-max-tokens']) : undefined;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0))
    throw new UsageError('--judge-max-tokens takes a positive integer');
  const client =
    ep.kind === 'server'
      ? new JudgeClient({
          baseUrl: ep.baseUrl,
          model: ep.model,
          apiKey: ep.keyEnv ? process.env[ep.keyEnv] : undefined,
          maxTokens,
        })
      : new LocalJudge(
          {
            backend: 'onnx',
            model: ep.model,
            device: (ep.device ?? 'auto') as 'auto',
            dtype: (ep.dtype ?? 'fp32') as 'fp32',
          },
          { maxTokens },
        );
  const cache = await JudgmentCache.open(a['judge-cache'] ?? defaultJudgeCache());
  const behaviors = a['judge-behaviors']?.split(',').map((b) => b.trim());
  const unknown = behaviors?.filter((b) => !(BEHAVIOR_IDS as readonly string[]).includes(b));
  if (unknown?.length) throw new UsageError(`--judge-behaviors: unknown behavior(s) ${unknown.join(', ')}`);
  const judge = new JudgeDetector(client, prompts, cache, behaviors as BehaviorId[] | undefined);
  return { detector: kind === 'both' ? new BothDetector(rules, judge) : judge, judge, rules };
}

export const formatCounters = (c: JudgeCounters) =>
  `judge: ${c.calls} call(s), ${c.cached} from the cache, ${c.retries} retr${c.retries === 1 ? 'y' : 'ies'}, ${c.failures} failed, ${c.promptTokens} prompt + ${c.completionTokens} completion tokens, ${(c.ms / 1000).toFixed(1)} s in calls`;

/**
 * Judges `inputs` (estimate first; --yes past CONFIRM_CALLS), with progress and Ctrl+C. Returns false
 * when the run was refused or stopped (what was judged stays cached).
 */
export async function runJudge(
  judge: JudgeDetector,
  inputs: JudgeInput[],
  a: JudgeArgs,
  io: Io,
): Promise<boolean> {
  const concurrency = a.concurrency ? Number(a.concurrency) : 4;
  if (!(Number.isInteger(concurrency) && concurrency > 0))
    throw new UsageError('--concurrency takes a positive integer');
  const est = judge.estimate(inputs, concurrency);
  io.err(
    `judge ${judge.name}: ${est.calls} call(s) to make, ${est.cached} cached; about ${est.promptTokens} prompt + ${est.completionTokens} completion tokens${costOf(est, a['judge-price'])}, ~${Math.ceil(est.seconds / 60)} min at ${concurrency} at a time\n`,
  );
  if (est.calls > CONFIRM_CALLS && !a.yes) {
    io.err(`cogtrace: more than ${CONFIRM_CALLS} judge calls: run again with --yes to make them\n`);
    return false;
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Error('stopped by Ctrl+C'));
  process.once('SIGINT', onSigint);
  const progress = new Progress(io, 'judging', est.calls + est.cached);
  try {
    await judge.judgeAll(inputs, { concurrency, signal: ac.signal, onProgress: (d) => progress.update(d) });
  } catch (e) {
    if (!ac.signal.aborted) throw e;
    io.err(
      `\ncogtrace: judge run stopped; ${judge.counters.calls} answer(s) so far are cached, a rerun resumes\n`,
    );
    return false;
  } finally {
    process.off('SIGINT', onSigint);
    progress.done();
    judge.dispose(); // a local judge's model process
  }
  io.err(formatCounters(judge.counters) + '\n');
  for (const f of judge.failures.slice(0, 10))
    io.err(`judge: input ${f.input + 1} ${f.behavior}: ${f.message}\n`);
  if (judge.failures.length > 10) io.err(`judge: … ${judge.failures.length - 10} more failure(s)\n`);
  return true;
}

/** ", ≈ $x.xx" from --judge-price "in,out" (per million tokens); nothing without a price. */
export function costOf(t: { promptTokens: number; completionTokens: number }, price?: string): string {
  if (!price) return '';
  const [pin, pout] = price.split(',').map(Number);
  if (!(Number.isFinite(pin) && Number.isFinite(pout) && pin! >= 0 && pout! >= 0))
    throw new UsageError('--judge-price takes "prompt,completion" prices per million tokens, e.g. 0.5,1.5');
  return `, ≈ $${((t.promptTokens * pin! + t.completionTokens * pout!) / 1e6).toFixed(2)}`;
}
