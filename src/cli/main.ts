// The `cogtrace` command. Exit codes: 0 ok, 1 input errors (after processing the rest), 2 usage.
import { parseArgs } from 'node:util';
import { type Io, processIo, UsageError } from './io';
import { annotateCommand } from './commands/annotate';
import { validateCommand } from './commands/validate';
import { answersCommand } from './commands/answers';
import { diffCommand, evalCommand, statsCommand } from './commands/analysis';
import { calibrateCommand } from './commands/calibrate';
import { fitCommand } from './commands/fit';
import { runCommand } from './commands/run';
import { devicesCommand } from './commands/devices';
import { agreeCommand } from './commands/agree';
import { RunnerError } from '../runner/errors';
import { DEFAULT_PROMPTS } from '../core/judge/prompts';
import type { JudgeArgs } from './commands/judge';

/** The judge's flags as parsed, for the commands that take them. */
const judgeArgs = (v: Record<string, string | boolean | string[] | undefined>): JudgeArgs => {
  const keys = [
    'detector',
    'rules',
    'judge-url',
    'judge-model',
    'judge-key-env',
    'judge-checkpoint',
    'checkpoints',
    'judge-prompts',
    'judge-cache',
    'judge-max-tokens',
    'judge-behaviors',
    'judge-price',
    'concurrency',
  ] as const;
  const out: JudgeArgs = { yes: v.yes === true };
  for (const k of keys) if (typeof v[k] === 'string') out[k] = v[k] as string;
  return out;
};

const USAGE = `usage: cogtrace <command> [options]

  annotate <traces> [--out file] [--json] [--rules file]   segment, detect behaviors, check answers
           [--detector rules|judge|both] [--as-labels]      an LLM judge's behaviors (below); the labelled format, for fit
           [--markers file] [--steps paragraph|sentence]    region markers of your agent framework; step size
           [--jobs N]                                       worker threads (default: the core count)
           (--rules: a rules file or a model from fit, used alone; default: the rules + the shipped learned model)
  validate <file>                                           report every problem in a problem or trace file
  answers <cases.jsonl> [--json]                            check {"gold","pred","choices"?} lines
  eval --labels <file> [more…] [--json] [--rules file] [--cv k]   detector P/R/F1 vs labels; --cv: the learned detector cross-validated
  eval --labels <file> --detector judge|both [judge options]     judge (and rules) vs labels, visual/linguistic confusion, κ
  fit --labels <file> [more…] --out detector.json [--cv k]      train the learned detector on labelled traces
      [--min-count N] [--name text]                         keep features seen N times (default 2: smaller file with more)
                                                            (judge output from annotate --as-labels: distillation)
  calibrate --labels <file> [more…] [--rules file] --out rules.json   rule confidences = how often each rule was right
  judge-prompts                                             print the judge's default prompts (edit, then --judge-prompts)
  judge options: --judge-url <base URL> --judge-model <name> [--judge-key-env VAR] | --judge-checkpoint id --checkpoints file
                 [--judge-prompts file] [--judge-cache dir] [--judge-max-tokens N] [--judge-behaviors a,b]
                 [--judge-price in,out per 1M tokens] [--concurrency N] [--yes]
  agree <a.labels.jsonl> <b.labels.jsonl> [--json]          two reviewers: Cohen's kappa per behavior, disagreements
  diff <left> [<right>] [--problem id] [--json]             step-aligned diff of two checkpoints' traces
  stats <traces...> [--json] [--jobs N]                     behavior statistics per checkpoint
  run --problems <file> --checkpoint <id>... --out <traces.jsonl> [--checkpoints file] [--concurrency N]
  run --model <folder> --image <file> --question "..." [--json]
  run --base-url <url> --served-model <name> ...            an OpenAI-compatible server (vLLM, SGLang, Ollama)
      [--device auto|cuda|webgpu|cpu] [--dtype fp32|fp16|q8|q4]   a local model's device (auto: CUDA → WebGPU → CPU)
  devices [--json]                                          which devices run a model here (CUDA, WebGPU + adapter, CPU)
`;

const OPTIONS = {
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  rules: { type: 'string' },
  cv: { type: 'string' },
  'min-count': { type: 'string' },
  name: { type: 'string' },
  markers: { type: 'string' },
  steps: { type: 'string' },
  labels: { type: 'string' },
  problem: { type: 'string' },
  problems: { type: 'string' },
  checkpoint: { type: 'string', multiple: true },
  checkpoints: { type: 'string' },
  concurrency: { type: 'string' },
  model: { type: 'string' },
  image: { type: 'string' },
  question: { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  system: { type: 'string' },
  'base-url': { type: 'string' },
  'served-model': { type: 'string' },
  'api-key-env': { type: 'string' },
  width: { type: 'string' },
  jobs: { type: 'string' },
  detector: { type: 'string' },
  'as-labels': { type: 'boolean', default: false },
  'judge-url': { type: 'string' },
  'judge-model': { type: 'string' },
  'judge-key-env': { type: 'string' },
  'judge-checkpoint': { type: 'string' },
  'judge-prompts': { type: 'string' },
  'judge-cache': { type: 'string' },
  'judge-max-tokens': { type: 'string' },
  'judge-behaviors': { type: 'string' },
  'judge-price': { type: 'string' },
  yes: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values: v, positionals } = parsed;
    if (v.help) {
      io.out(USAGE);
      return 0;
    }
    switch (command) {
      case 'annotate':
        return await annotateCommand(
          {
            positionals,
            json: v.json,
            out: v.out,
            rules: v.rules,
            markers: v.markers,
            steps: v.steps,
            jobs: v.jobs,
            asLabels: v['as-labels'],
            ...judgeArgs(v),
          },
          io,
        );
      case 'validate':
        return await validateCommand({ positionals, json: v.json }, io);
      case 'answers':
        return await answersCommand({ positionals, json: v.json }, io);
      case 'fit':
        return await fitCommand(
          {
            labels: [...(v.labels ? [v.labels] : []), ...positionals],
            out: v.out,
            cv: v.cv,
            rules: v.rules,
            minCount: v['min-count'],
            name: v.name,
          },
          io,
        );
      case 'calibrate':
        return await calibrateCommand(
          { labels: [...(v.labels ? [v.labels] : []), ...positionals], out: v.out, rules: v.rules },
          io,
        );
      case 'eval':
        return await evalCommand(
          { labels: v.labels, more: positionals, json: v.json, rules: v.rules, cv: v.cv, ...judgeArgs(v) },
          io,
        );
      case 'diff':
        return await diffCommand(
          {
            positionals,
            json: v.json,
            problem: v.problem,
            rules: v.rules,
            width: v.width ? Number(v.width) : undefined,
          },
          io,
        );
      case 'stats':
        return await statsCommand({ positionals, json: v.json, rules: v.rules, jobs: v.jobs }, io);
      case 'run':
        return await runCommand({ ...v, positionals }, io);
      case 'agree':
        return await agreeCommand({ positionals, json: v.json }, io);
      case 'judge-prompts':
        io.out(JSON.stringify(DEFAULT_PROMPTS, null, 2) + '\n');
        return 0;
      case 'devices':
        return await devicesCommand({ json: v.json }, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cogtrace: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof RunnerError) {
      io.err(`cogtrace: ${e.message}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`cogtrace: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
