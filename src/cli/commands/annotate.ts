// cogtrace annotate <traces> [--out file] [--json] [--rules file] [--markers file] [--steps paragraph|sentence]
// [--jobs N]: annotation on N worker threads (default: the core count), output in input order.
// [--detector rules|judge|both] (judge.ts): an LLM judge's behaviors, judged before annotating;
// [--as-labels]: the labelled format (the detector's hits as quoted labels), which `fit` trains on.
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { annotate, annotationContract } from '../../core/annotate';
import { isJsonLines, readTraces } from '../../core/files/traces';
import { BEHAVIOR_IDS, type AnnotatedTrace } from '../../core/schema';
import { annotateOnWorkers, type OutputKind, parseJobs } from '../jobs';
import { countBehaviors } from '../../core/behaviors/catalog';
import { type Io, IssueLog, Progress, UsageError } from '../io';
import { detectorOnDemand, loadMarkers } from './shared';
import { detectorOf, type JudgeArgs, runJudge } from './judge';
import { loadTraces } from '../../core/files/traces';
import { formatIssue } from '../../core/issues';
import type { StepMode } from '../../core/segment';

export async function annotateCommand(
  args: {
    positionals: string[];
    json: boolean;
    out?: string;
    rules?: string;
    markers?: string;
    steps?: string;
    jobs?: string;
    asLabels?: boolean;
  } & JudgeArgs,
  io: Io,
): Promise<number> {
  const [file, ...rest] = args.positionals;
  if (!file || rest.length) throw new UsageError('annotate takes one trace file');
  if ((args.detector ?? 'rules') !== 'rules' || args.asLabels) return annotateJudged(file, args, io);
  const detector = await detectorOnDemand(args.rules);
  const markers = await loadMarkers(args.markers);
  if (args.steps && args.steps !== 'paragraph' && args.steps !== 'sentence')
    throw new UsageError(`--steps must be paragraph or sentence, not ${args.steps}`);
  const mode = args.steps as StepMode | undefined;
  const issues = new IssueLog(io);
  const size = (await stat(file)).size;
  const progress = new Progress(io, 'annotating', size);
  const sink = args.out ? createWriteStream(args.out) : null;
  const write = (s: string) => (sink ? sink.write(s) : io.out(s));
  const kind: OutputKind = args.json ? 'contract' : sink ? 'full' : 'summary-line';
  const jobs = isJsonLines(file) ? parseJobs(args.jobs, size) : 1;
  let n = 0;
  if (jobs > 1)
    n = await annotateOnWorkers(
      file,
      jobs,
      { rules: args.rules, markers: args.markers, mode, kind },
      write,
      issues.report,
      (b) => progress.update(b),
    );
  else
    for await (const { trace } of readTraces(file, {
      onIssue: issues.report,
      onProgress: (b) => progress.update(b),
    })) {
      write(formatAnnotated(annotate(trace, { detector: await detector(), markers, mode }), kind));
      n++;
    }
  progress.done();
  if (sink) await new Promise<void>((r) => sink.end(r));
  io.err(`${n} trace(s) annotated${issues.count ? `, ${issues.count} input error(s)` : ''}\n`);
  return issues.count ? 1 : 0;
}

/** One annotated trace as the output line of its kind (the contract, the full trace, or a summary). */
export function formatAnnotated(a: AnnotatedTrace, kind: OutputKind, detectors = false): string {
  if (kind === 'contract') {
    const c = annotationContract(a);
    // with a judge, each behavior also says which detector found it (rules, judge)
    if (detectors)
      c.steps.forEach((s, i) =>
        s.behaviors.forEach((b, k) => Object.assign(b, { detector: a.steps[i]!.behaviors[k]!.detector })),
      );
    return JSON.stringify(c) + '\n';
  }
  if (kind === 'full') return JSON.stringify(a) + '\n';
  const counts = countBehaviors(a.steps);
  const beh =
    BEHAVIOR_IDS.filter((b) => counts[b])
      .map((b) => `${b}×${counts[b]}`)
      .join(' ') || '-';
  const verdict = a.answer.correct === null ? '?' : a.answer.correct ? '✓' : '✗';
  return `${a.id}  steps=${a.steps.length}  answer=${JSON.stringify(a.answer.extracted)} ${verdict}  ${beh}\n`;
}

/**
 * Annotation with a judge (or --as-labels): every trace is read first, judged (cached, estimated,
 * cancellable), then annotated in order on this thread.
 */
async function annotateJudged(
  file: string,
  args: Parameters<typeof annotateCommand>[0],
  io: Io,
): Promise<number> {
  const { detector, judge } = await detectorOf(args);
  const markers = await loadMarkers(args.markers);
  const { items, issues } = await loadTraces(file);
  issues.forEach((i) => io.err(formatIssue(i) + '\n'));
  if (judge && !(await runJudge(judge, items, args, io))) return 1;
  const sink = args.out ? createWriteStream(args.out) : null;
  const write = (s: string) => (sink ? sink.write(s) : io.out(s));
  const kind: OutputKind = args.json ? 'contract' : sink ? 'full' : 'summary-line';
  for (const t of items) {
    const a = annotate(t, { detector, markers, mode: args.steps as StepMode | undefined });
    write(args.asLabels ? JSON.stringify(asLabelled(a)) + '\n' : formatAnnotated(a, kind, true));
  }
  if (sink) await new Promise<void>((r) => sink.end(r));
  if (judge?.unplaced.size)
    io.err(`judge: ${judge.unplaced.size} quote(s) not found in their trace (not placed on a step)\n`);
  io.err(`${items.length} trace(s) annotated by ${detector.name}\n`);
  return issues.length || judge?.failures.length ? 1 : 0;
}

/** An annotated trace in the labelled format of the dev sets: its hits as labels quoting their cues. */
export function asLabelled(a: AnnotatedTrace) {
  return {
    id: a.id,
    problem_id: a.problemId,
    checkpoint: a.checkpoint.id,
    ...(a.problem ? { problem: { question: a.problem.question, choices: a.problem.choices } } : {}),
    response: a.response,
    labels: a.steps.flatMap((s) =>
      s.behaviors.map((h) => ({ behavior: h.id, quote: a.response.slice(h.cue.start, h.cue.end) })),
    ),
    ...(a.answer.correct !== null ? { answer_correct: a.answer.correct } : {}),
  };
}
