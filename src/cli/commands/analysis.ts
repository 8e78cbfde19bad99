// cogtrace eval | diff | stats: the behavior analysis of the OVR paper, instant and repeatable.
import { KeywordDetector } from '../../core/behaviors/baseline';
import { RuleDetector } from '../../core/behaviors/detector';
import { diffTraces, type TraceDiff } from '../../core/diff';
import { calibrationError, evaluate, type EvalReport } from '../../core/eval';
import { computeStats, summarize, type StatsReport, type TraceSummary } from '../../core/stats';
import { stat } from 'node:fs/promises';
import { annotate } from '../../core/annotate';
import { isJsonLines, readTraces } from '../../core/files/traces';
import { formatIssue } from '../../core/issues';
import { annotateOnWorkers, parseJobs } from '../jobs';
import type { AnnotatedTrace } from '../../core/schema';
import { crossValidate } from '../../core/behaviors/cv';
import { loadLabelled } from './fit';
import { type Io, UsageError, f3, pct, table } from '../io';
import { detectorOnDemand, loadAnnotated, loadDetector } from './shared';
import { detectorOf, type JudgeArgs, runJudge } from './judge';
import { counterpartConfusion, type ConfusionRow, detectorAgreement } from '../../core/judge/compare';
import type { Trace } from '../../core/schema';
import { formatAgree } from './agree';

export async function evalCommand(
  args: { labels?: string; more?: string[]; json: boolean; rules?: string; cv?: string } & JudgeArgs,
  io: Io,
): Promise<number> {
  if (!args.labels) throw new UsageError('eval needs --labels <file>');
  const { traces: labelled, errors } = await loadLabelled([args.labels, ...(args.more ?? [])], io);
  if ((args.detector ?? 'rules') !== 'rules') return evalJudge(labelled, args, io, errors);
  // the chosen detector, the built-in rules beside it (when another was chosen), the keyword baseline
  const reports = [
    evaluate(await loadDetector(args.rules), labelled),
    ...(args.rules ? [evaluate(new RuleDetector(), labelled)] : []),
    evaluate(new KeywordDetector(), labelled),
  ];
  if (args.cv) {
    const k = Number(args.cv);
    if (!Number.isInteger(k) || k < 2) throw new UsageError('--cv takes an integer ≥ 2');
    reports.push(crossValidate(labelled, k));
  }
  if (args.json) io.out(JSON.stringify(reports) + '\n');
  else for (const r of reports) io.out(formatEval(r) + '\n');
  return errors ? 1 : 0;
}

/**
 * `eval --detector judge|both`: the judge (and the rules) against the labels, the confusion of each
 * visual behavior with its linguistic counterpart per detector, and (both) Cohen's kappa between them.
 */
async function evalJudge(labelled: Trace[], args: JudgeArgs & { json: boolean }, io: Io, errors: number) {
  const { judge, rules } = await detectorOf(args);
  if (!(await runJudge(judge!, labelled, args, io))) return 1;
  const detectors = args.detector === 'both' ? [rules, judge!] : [judge!];
  const reports = detectors.map((d) => evaluate(d, labelled));
  const confusion = detectors.map((d) => ({ detector: d.name, rows: counterpartConfusion(d, labelled) }));
  const agreement = args.detector === 'both' ? detectorAgreement(rules, judge!, labelled) : undefined;
  if (args.json) {
    io.out(JSON.stringify({ reports, confusion, agreement, counters: judge!.counters }) + '\n');
    return errors || judge!.failures.length ? 1 : 0;
  }
  for (const r of reports) io.out(formatEval(r) + '\n');
  for (const c of confusion) io.out(formatConfusion(c.detector, c.rows) + '\n');
  if (agreement)
    io.out(
      `agreement between ${rules.name} (a) and ${judge!.name} (b)\n${formatAgree(agreement, 'rules', 'judge')}\n`,
    );
  return errors || judge!.failures.length ? 1 : 0;
}

export function formatConfusion(detector: string, rows: ConfusionRow[]): string {
  const t: (string | number)[][] = [['gold label', 'labels', 'as itself', 'as counterpart', 'missed']];
  for (const r of rows)
    t.push([`${r.gold} (vs ${r.counterpart})`, r.labels, r.asGold, r.asCounterpart, r.missed]);
  return `${detector}: visual behaviors vs their linguistic counterparts (span level)\n${table(t, ['l', 'r', 'r', 'r', 'r'])}`;
}

export function formatEval(r: EvalReport): string {
  const rows: (string | number)[][] = [['behavior', 'trace P', 'R', 'F1', 'span P', 'R', 'F1']];
  for (const x of r.rows)
    rows.push([
      x.behavior,
      f3(x.trace.precision),
      f3(x.trace.recall),
      f3(x.trace.f1),
      f3(x.span.precision),
      f3(x.span.recall),
      f3(x.span.f1),
    ]);
  const m = r.macro;
  rows.push([
    'macro',
    f3(m.trace.precision),
    f3(m.trace.recall),
    f3(m.trace.f1),
    f3(m.span.precision),
    f3(m.span.recall),
    f3(m.span.f1),
  ]);
  return (
    `${r.detector} (${r.traces} traces, ${r.labels} labels)\n` +
    table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']) +
    '\n' +
    formatCalibration(r)
  );
}

/** Reliability of the confidences: per bin, how often a detection was right against how sure it said it was. */
export function formatCalibration(r: EvalReport): string {
  const rows: (string | number)[][] = [['confidence', 'detections', 'mean conf', 'right']];
  for (const b of r.calibration)
    if (b.n)
      rows.push([
        `${b.from.toFixed(1)}–${Math.min(1, b.to).toFixed(1)}`,
        b.n,
        f3(b.confidenceSum / b.n),
        f3(b.right / b.n),
      ]);
  return `calibration (span level; expected calibration error ${f3(calibrationError(r.calibration))})\n${table(rows, ['l', 'r', 'r', 'r'])}`;
}

export async function diffCommand(
  args: { positionals: string[]; json: boolean; problem?: string; rules?: string; width?: number },
  io: Io,
): Promise<number> {
  const [leftFile, rightFile, ...rest] = args.positionals;
  if (!leftFile || rest.length)
    throw new UsageError('diff takes <left> <right> (or one file holding both checkpoints)');
  const detector = await loadDetector(args.rules);
  let errors = 0;
  const onIssue = (s: string) => {
    errors++;
    io.err(s + '\n');
  };
  const left = await loadAnnotated([leftFile], detector, onIssue);
  const right = rightFile ? await loadAnnotated([rightFile], detector, onIssue) : left;
  const pairs = pairByProblem(left, right, !rightFile);
  const chosen = args.problem ? pairs.filter(([l]) => l.problemId === args.problem) : pairs;
  if (!chosen.length) {
    io.err(
      args.problem
        ? `no pair of traces for problem ${args.problem}\n`
        : 'no problem id appears on both sides\n',
    );
    return 1;
  }
  for (const [l, r] of chosen) {
    const d = diffTraces(l, r);
    if (args.json) io.out(JSON.stringify(d) + '\n');
    else io.out(formatDiff(d, l, r, args.width ?? (process.stdout.columns || 160)) + '\n');
  }
  return errors ? 1 : 0;
}

/** Pairs traces by problem id; from one file, pairs the first two checkpoints of each problem. */
export function pairByProblem(
  left: AnnotatedTrace[],
  right: AnnotatedTrace[],
  sameFile: boolean,
): [AnnotatedTrace, AnnotatedTrace][] {
  const out: [AnnotatedTrace, AnnotatedTrace][] = [];
  const byProblem = new Map<string, AnnotatedTrace[]>();
  for (const t of right) byProblem.set(t.problemId, [...(byProblem.get(t.problemId) ?? []), t]);
  const seen = new Set<string>();
  for (const l of left) {
    if (seen.has(l.problemId)) continue;
    const candidates = (byProblem.get(l.problemId) ?? []).filter((r) =>
      sameFile ? r.checkpoint.id !== l.checkpoint.id : true,
    );
    if (candidates[0]) {
      seen.add(l.problemId);
      out.push([l, candidates[0]]);
    }
  }
  return out;
}

function clip(s: string, w: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > w ? flat.slice(0, w - 1) + '…' : flat.padEnd(w);
}

export function formatDiff(d: TraceDiff, l: AnnotatedTrace, r: AnnotatedTrace, width: number): string {
  const col = Math.max(20, Math.floor((width - 18) / 2));
  const text = (t: AnnotatedTrace, i?: number) =>
    i === undefined ? '' : t.response.slice(t.steps[i]!.start, t.steps[i]!.end);
  const mark = { same: ' ', changed: '~', 'left-only': '<', 'right-only': '>' } as const;
  const lines = [
    `problem ${d.problemId}: ${d.left.checkpoint} (${d.left.id}) vs ${d.right.checkpoint} (${d.right.id})`,
    `answer: ${JSON.stringify(d.left.answer.extracted)} ${verdict(d.left.answer.correct)}  →  ${JSON.stringify(d.right.answer.extracted)} ${verdict(d.right.answer.correct)}`,
    `steps ${d.left.steps} → ${d.right.steps} (${sign(d.deltas.steps)}), chars ${sign(d.deltas.chars)}${d.deltas.tokens !== null ? `, tokens ${sign(d.deltas.tokens)}` : ''}`,
    'behaviors: ' +
      (Object.entries(d.behaviorDeltas)
        .filter(([, v]) => v !== 0)
        .map(([k, v]) => `${k} ${sign(v)}`)
        .join(', ') || 'no change'),
    '',
  ];
  for (const row of d.rows) {
    const ln = row.left !== undefined ? String(row.left + 1).padStart(4) : '    ';
    const rn = row.right !== undefined ? String(row.right + 1).padStart(4) : '    ';
    lines.push(
      `${ln} ${clip(text(l, row.left), col)} ${mark[row.kind]} ${rn} ${clip(text(r, row.right), col)}`,
    );
  }
  return lines.join('\n');
}

const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
const verdict = (c: boolean | null) => (c === null ? '?' : c ? '✓' : '✗');

export async function statsCommand(
  args: { positionals: string[]; json: boolean; rules?: string; jobs?: string },
  io: Io,
): Promise<number> {
  if (!args.positionals.length) throw new UsageError('stats takes one or more trace files');
  const detector = await detectorOnDemand(args.rules);
  const sizes = await Promise.all(
    args.positionals.map((f) =>
      stat(f).then(
        (x) => x.size,
        () => 0,
      ),
    ),
  );
  const jobs = parseJobs(
    args.jobs,
    sizes.reduce((a, b) => a + b, 0),
  );
  let errors = 0;
  const onIssue = (s: string) => {
    errors++;
    io.err(s + '\n');
  };
  const summaries: TraceSummary[] = [];
  for (const f of args.positionals) {
    if (jobs > 1 && isJsonLines(f))
      await annotateOnWorkers(
        f,
        jobs,
        { rules: args.rules, kind: 'stats-summary' },
        (s) => summaries.push(JSON.parse(s) as TraceSummary),
        (i) => onIssue(formatIssue(i)),
      );
    else
      for await (const { trace } of readTraces(f, { onIssue: (i) => onIssue(formatIssue(i)) }))
        summaries.push(summarize(annotate(trace, { detector: await detector() })));
  }
  const report = computeStats(summaries);
  io.out(args.json ? JSON.stringify(report) + '\n' : formatStats(report));
  return errors ? 1 : 0;
}

export function formatStats(s: StatsReport): string {
  const out: string[] = [];
  for (const c of s.checkpoints) {
    out.push(
      `checkpoint ${c.checkpoint.id} (${c.checkpoint.role}${c.checkpoint.step !== undefined ? `, step ${c.checkpoint.step}` : ''}): ${c.traces} traces, accuracy ${pct(c.accuracy.rate)} [${pct(c.accuracy.low)}, ${pct(c.accuracy.high)}]`,
    );
    const rows: (string | number)[][] = [['behavior', 'rate', '95% CI', 'mean', 'if correct', 'if wrong']];
    for (const b of c.behaviors) {
      rows.push([
        b.behavior,
        pct(b.emergence.rate),
        `[${pct(b.emergence.low)}, ${pct(b.emergence.high)}]`,
        b.meanCount.toFixed(2),
        b.amongCorrect.n ? pct(b.amongCorrect.rate) : '-',
        b.amongIncorrect.n ? pct(b.amongIncorrect.rate) : '-',
      ]);
    }
    out.push(table(rows, ['l', 'r', 'l', 'r', 'r', 'r']));
  }
  for (const p of s.paired) {
    out.push(
      `paired ${p.a} vs ${p.b} over ${p.problems} problems: both right ${p.bothRight}, only ${p.a} ${p.onlyA}, only ${p.b} ${p.onlyB}, both wrong ${p.bothWrong}; McNemar exact p = ${p.pValue.toPrecision(3)}`,
    );
  }
  if (s.bySteps.length) {
    out.push('', 'by training step:');
    out.push(
      table([
        ['step', 'checkpoint', 'accuracy', ...Object.keys(s.bySteps[0]!.rates)],
        ...s.bySteps.map((r) => [r.step, r.checkpoint, pct(r.accuracy), ...Object.values(r.rates).map(pct)]),
      ]),
    );
  }
  return out.join('\n') + '\n';
}
