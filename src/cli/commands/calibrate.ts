// cogtrace calibrate --labels a.jsonl [b.jsonl…] [--rules rules.json] --out rules.calibrated.json
// Sets each rule's confidence to how often its hits were right on labelled traces (shrunk toward
// the old value for rules with few hits) and prints the eval — with its calibration table — before
// and after. The learned detector needs no such step: `fit` calibrates it on held-out folds.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { calibrateRules } from '../../core/behaviors/calibrate';
import { DetectorFileError, isLearnedFile, parseConfigText } from '../../core/behaviors/default';
import { RuleDetector } from '../../core/behaviors/detector';
import { RuleSet } from '../../core/behaviors/rules';
import { evaluate } from '../../core/eval';
import { f3, type Io, table, UsageError } from '../io';
import { formatEval } from './analysis';
import { loadLabelled } from './fit';

function readRuleSet(file: string | undefined): RuleSet | undefined {
  if (!file) return undefined;
  let raw: unknown;
  try {
    raw = parseConfigText(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if (e instanceof DetectorFileError) throw new UsageError(e.message);
    throw e;
  }
  if (isLearnedFile(raw))
    throw new UsageError(
      `${file} is a learned model: fit calibrates it already; calibrate takes a rules file`,
    );
  const parsed = RuleSet.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${file}: not a rules file: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function calibrateCommand(
  args: { labels: string[]; out?: string; rules?: string },
  io: Io,
): Promise<number> {
  if (!args.labels.length) throw new UsageError('calibrate needs --labels <file> [more files]');
  if (!args.out) throw new UsageError('calibrate needs --out <rules.json>');
  const before = readRuleSet(args.rules);
  const { traces, errors } = await loadLabelled(args.labels, io);
  if (!traces.length) throw new UsageError('no labelled traces in the given files');
  const { set, rules } = calibrateRules(before, traces);
  io.out(`before\n${formatEval(evaluate(new RuleDetector(before), traces))}\n\n`);
  io.out(
    `after (the same traces: measure on others before trusting it)\n${formatEval(evaluate(new RuleDetector(set), traces))}\n\n`,
  );
  const t: (string | number)[][] = [['rule', 'hits', 'right', 'confidence', '→']];
  for (const r of rules) t.push([r.id, r.hits, r.right, f3(r.before), f3(r.after)]);
  io.out(table(t, ['l', 'r', 'r', 'r', 'r']) + '\n');
  await writeFile(args.out, JSON.stringify(set, null, 2) + '\n');
  io.err(`wrote ${args.out} (${rules.length} rules, ${traces.length} traces)\n`);
  return errors ? 1 : 0;
}
