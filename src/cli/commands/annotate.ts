// cogtrace annotate <traces> [--out file] [--json] [--rules file] [--markers file] [--steps paragraph|sentence]
// [--jobs N]: annotation on N worker threads (default: the core count), output in input order.
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { annotate, annotationContract } from '../../core/annotate';
import { isJsonLines, readTraces } from '../../core/files/traces';
import { BEHAVIOR_IDS, type AnnotatedTrace } from '../../core/schema';
import { annotateOnWorkers, type OutputKind, parseJobs } from '../jobs';
import { countBehaviors } from '../../core/behaviors/catalog';
import { type Io, IssueLog, Progress, UsageError } from '../io';
import { loadDetector, loadMarkers } from './shared';
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
  },
  io: Io,
): Promise<number> {
  const [file, ...rest] = args.positionals;
  if (!file || rest.length) throw new UsageError('annotate takes one trace file');
  const detector = await loadDetector(args.rules);
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
      write(formatAnnotated(annotate(trace, { detector, markers, mode }), kind));
      n++;
    }
  progress.done();
  if (sink) await new Promise<void>((r) => sink.end(r));
  io.err(`${n} trace(s) annotated${issues.count ? `, ${issues.count} input error(s)` : ''}\n`);
  return issues.count ? 1 : 0;
}

/** One annotated trace as the output line of its kind (the contract, the full trace, or a summary). */
export function formatAnnotated(a: AnnotatedTrace, kind: OutputKind): string {
  if (kind === 'contract') return JSON.stringify(annotationContract(a)) + '\n';
  if (kind === 'full') return JSON.stringify(a) + '\n';
  const counts = countBehaviors(a.steps);
  const beh =
    BEHAVIOR_IDS.filter((b) => counts[b])
      .map((b) => `${b}×${counts[b]}`)
      .join(' ') || '-';
  const verdict = a.answer.correct === null ? '?' : a.answer.correct ? '✓' : '✗';
  return `${a.id}  steps=${a.steps.length}  answer=${JSON.stringify(a.answer.extracted)} ${verdict}  ${beh}\n`;
}
