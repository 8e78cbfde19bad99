// The extension host's engine: the heavy part (parsing, annotation, answer checking, highlighting,
// message validation), bundled separately and required only when a trace is first opened, so
// activation stays instant.
import type { DeviceProbe } from '../protocol/runner';
import { probeDevices as probeInChild } from '../runner/client';
import { annotate } from '../core/annotate';
import type { BehaviorDetector } from '../core/behaviors/detector';
import { detectorFromFile } from '../core/behaviors/default';
import { readTraces } from '../core/files/traces';
import { formatIssue } from '../core/issues';
import { BEHAVIOR_IDS, type AnnotatedTrace, type Trace } from '../core/schema';
import type { TraceSummary as StatsSummary } from '../core/stats';
import { ViewState, WebviewToHost } from '../protocol/traceView';
import { SummaryStore } from '../core/summaryStore';
import { summaryOf } from '../core/files/traceIndex';
import { LabelFile } from '../core/review/labelFile';
import { type IndexOptions, TraceFileIndex } from './indexer';
import { DEFAULT_BEHAVIOR_COLORS } from '../core/behaviors/catalog';
import { highlightCodeBlocks } from './highlight';
import { DiffToHost } from '../protocol/diffView';
import { StatsToHost } from '../protocol/statsView';
import { RunSettings } from '../protocol/runSettings';
import { OpenAIBackend } from '../runner/openai-backend';

export { highlightCodeBlocks };
export { defaultDetectorFingerprint } from '../core/behaviors/combined';
export { imageFile, rootHolding } from '../core/files/images';

export interface LoadedFile {
  traces: Trace[];
  issues: string[];
}

export async function loadTraceFile(path: string, signal?: AbortSignal): Promise<LoadedFile> {
  const traces: Trace[] = [];
  const issues: string[] = [];
  for await (const r of readTraces(path, { onIssue: (i) => issues.push(formatIssue(i)), signal }))
    traces.push(r.trace);
  return { traces, issues };
}

export function annotateTrace(t: Trace, detector: BehaviorDetector): AnnotatedTrace {
  return annotate(t, { detector });
}

/** A list store over traces held in memory (a live run's sides). */
export function storeOf(traces: readonly AnnotatedTrace[]): SummaryStore {
  const s = new SummaryStore();
  traces.forEach((a, i) => s.add({ line: i + 1, offset: 0, length: 0 }, summaryOf(a)));
  return s;
}

/** The stats core's summaries of every trace in an index (bad lines left out). */
export function storeSummaries(s: SummaryStore): (StatsSummary & { steps: number })[] {
  const out: (StatsSummary & { steps: number })[] = [];
  for (let r = 0; r < s.count; r++) {
    if (s.steps[r]! < 0) continue;
    const counts = Object.fromEntries(
      BEHAVIOR_IDS.map((b, k) => [b, s.behaviorCount(r, k)]),
    ) as StatsSummary['counts'];
    const v = s.correct[r]!;
    out.push({
      id: s.ids[r]!,
      problemId: s.problems.values[s.problem[r]!]!,
      checkpoint: s.checkpointOf(r),
      counts,
      correct: v < 0 ? null : v === 1,
      steps: s.steps[r]!,
    });
  }
  return out;
}

/** Rows of an index whose trace is of problem `problemId`. */
export function rowsOfProblem(s: SummaryStore, problemId: string): number[] {
  const out: number[] = [];
  const p = s.problems.find(problemId);
  if (p < 0) return out;
  for (let r = 0; r < s.count; r++) if (s.problem[r] === p) out.push(r);
  return out;
}

export { labelsPathFor } from '../core/review/labelFile';
export { reviewCsv } from '../core/review/export';
export { improveFromReviews, reviewedTraces } from '../core/review/improve';
export { formatEval } from '../cli/commands/analysis';
export { formatIssue };
export { newRecord, reviewAgreement } from '../core/review/labels';
export function openLabelFile(path: string): LabelFile {
  return new LabelFile(path);
}

export function openIndex(file: string, opts: IndexOptions): TraceFileIndex {
  return new TraceFileIndex(file, opts);
}

export { annotate };

export function parseWebviewMessage(raw: unknown) {
  return WebviewToHost.safeParse(raw);
}

/** A view state saved by an earlier session (or another version): used only when it validates. */
export function validViewState(raw: unknown): ViewState | undefined {
  const r = ViewState.safeParse(raw);
  return r.success ? r.data : undefined;
}

const SAFE_COLOR =
  /^(#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|var\(--vscode-[\w-]+\))$/i;

/** Behavior colours: theme-aware defaults, overridden by valid user entries; bad entries are reported. */
export function resolveColors(
  overrides: Record<string, unknown>,
  warn: (m: string) => void,
): Record<string, string> {
  const colors: Record<string, string> = { ...DEFAULT_BEHAVIOR_COLORS };
  for (const [k, v] of Object.entries(overrides)) {
    if ((BEHAVIOR_IDS as readonly string[]).includes(k) && typeof v === 'string' && SAFE_COLOR.test(v.trim()))
      colors[k] = v.trim();
    else
      warn(`cogtrace.behaviorColors: ignored ${k} = ${JSON.stringify(v)} (unknown behavior or not a colour)`);
  }
  return colors;
}

export { detectorFromFile };
export { diffTraces } from '../core/diff';
export { comparableProblems } from '../core/pairs';

export { computeStats, problemRows, summarize } from '../core/stats';

export { runBatch } from '../runner/batch';
export { checkModelFolder } from '../runner/onnx-backend';

let probed: Promise<DeviceProbe[]> | undefined;
/** Which devices run a graph here, probed once per session in a runner child (then cached). */
export function probeDevices() {
  return (probed ??= probeInChild().catch((e) => {
    probed = undefined;
    throw e;
  }));
}
export { loadProblems } from '../core/files/problems';

/** One request to a server (its model list): resolves with what it serves, or rejects verbatim. */
export async function checkServer(baseUrl: string, model: string, apiKeyEnv?: string, apiKey?: string) {
  return new OpenAIBackend({ baseUrl, model, apiKeyEnv, apiKey, maxRetries: 0 }).load();
}
export { DEFAULT_SYSTEM_PROMPT } from '../runner/prompt';
export { generationParams, toCheckpointConfig } from '../protocol/runSettings';

/** The run settings, validated: the message names the setting and field at fault. */
export function parseRunSettings(raw: unknown) {
  const r = RunSettings.safeParse(raw);
  if (r.success) return { settings: r.data };
  const i = r.error.issues[0]!;
  const path = i.path.join('.');
  return { error: `cogtrace.${path.startsWith('checkpoints') ? path : `run.${path}`}: ${i.message}` };
}

export function parseStatsMessage(raw: unknown) {
  return StatsToHost.safeParse(raw);
}

export function parseDiffMessage(raw: unknown) {
  return DiffToHost.safeParse(raw);
}

// the LLM judge (judge.ts): built here so the host bundle stays lazy
export { JudgeClient } from '../core/judge/client';
export { LocalJudge } from '../runner/judge';
export { JudgeDetector } from '../core/judge/detector';
export { JudgmentCache } from '../core/judge/cache';
export { DEFAULT_PROMPTS, loadPrompts } from '../core/judge/prompts';
export { withJudgeHits } from '../core/judge/overlay';

// "Annotate Trace File" on a JSON Lines file: streamed through worker threads (the CLI's --jobs path)
export { annotateOnWorkers } from '../cli/jobs';
export { isJsonLines } from '../core/files/traces';
