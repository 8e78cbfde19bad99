// cogtrace fit --labels a.jsonl [b.jsonl…] --out detector.json [--cv k]
// Trains the learned detector on labelled traces (dev sets, a reviewer's labels, judge output) and
// reports its cross-validated scores (folds by problem) next to the current default's on the same
// labels; the file it writes loads like a rules file (`--rules detector.json`, cogtrace.rulesFile).
import { writeFile } from 'node:fs/promises';
import { crossValidate } from '../../core/behaviors/cv';
import { fitDetector } from '../../core/behaviors/fit';
import { modelToFile } from '../../core/behaviors/modelFile';
import { evaluate } from '../../core/eval';
import { formatIssue } from '../../core/issues';
import { loadTraces } from '../../core/files/traces';
import type { Trace } from '../../core/schema';
import { type Io, UsageError } from '../io';
import { formatEval } from './analysis';
import { loadDetector } from './shared';

export async function loadLabelled(files: string[], io: Io): Promise<{ traces: Trace[]; errors: number }> {
  const traces: Trace[] = [];
  let errors = 0;
  for (const f of files) {
    const { items, issues } = await loadTraces(f);
    issues.forEach((i) => io.err(formatIssue(i) + '\n'));
    errors += issues.length;
    traces.push(...items.filter((t) => t.labels));
  }
  return { traces, errors };
}

export async function fitCommand(
  args: { labels: string[]; out?: string; cv?: string; rules?: string; minCount?: string; name?: string },
  io: Io,
): Promise<number> {
  if (!args.labels.length) throw new UsageError('fit needs --labels <file> [more files]');
  if (!args.out) throw new UsageError('fit needs --out <detector.json>');
  const { traces, errors } = await loadLabelled(args.labels, io);
  if (!traces.length) throw new UsageError('no labelled traces in the given files');
  const k = args.cv ? Number(args.cv) : 5;
  if (!Number.isInteger(k) || k < 2) throw new UsageError('--cv takes an integer ≥ 2');
  const minCount = args.minCount ? Number(args.minCount) : 2;
  if (!Number.isInteger(minCount) || minCount < 1) throw new UsageError('--min-count takes an integer ≥ 1');
  io.out(
    `before: the current detector on these labels\n${formatEval(evaluate(await loadDetector(args.rules), traces))}\n`,
  );
  io.out(
    `after: the fitted detector, ${k}-fold cross-validated by problem\n${formatEval(crossValidate(traces, k, { minCount }))}\n`,
  );
  const model = fitDetector(
    traces,
    args.name ?? 'fitted',
    `${args.labels.join(', ')}: ${traces.length} traces`,
    {
      minCount,
    },
  );
  await writeFile(args.out, JSON.stringify(modelToFile(model)) + '\n');
  io.err(`wrote ${args.out} (${traces.length} traces)\n`);
  return errors ? 1 : 0;
}
