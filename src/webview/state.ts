// The trace view's model: one object instead of module-level variables, and the pure functions
// that derive what the views draw from it (rows after filters and loop collapsing, search matches,
// cursor moves, the trace list filter). No DOM here: test/webview/ tests these directly.
import type { BehaviorIdValue } from '../core/behaviors/catalog';
import { restep } from '../core/restep';
import type { AnnotatedTrace } from '../core/schema';
import type { CodeBlock, HostToWebview, ViewState } from '../protocol/traceView';
import { innerRepetition, repeatedStepRuns } from './loops';

export type Steps = AnnotatedTrace['steps'];

/** A row of the step list: a step, or a marker standing for a collapsed run of repeated steps. */
export type Row = { kind: 'step'; step: number } | { kind: 'loop'; from: number; to: number };

export interface Match {
  step: number;
  start: number;
  end: number;
}

/** The trace on screen, with the steps shown (paragraph steps from the host, or sentences cut here). */
export interface OpenTrace {
  index: number;
  trace: AnnotatedTrace;
  /** The host's (paragraph) steps; sentence steps are derived from them. */
  hostSteps: Steps;
  imageUri?: string;
  imageBlocked?: { path: string; folder: string };
  code: CodeBlock[];
  /** Character offset of each token in the response (for confidence shading). */
  tokenOffsets: number[];
  /** Runs of repeated steps [first, last], computed once per step set. */
  runs: [number, number][];
  /** The LLM judge beside or instead of the rules (absent: rules only). */
  judge?: JudgeStatus;
}

export type JudgeStatus = NonNullable<Extract<HostToWebview, { type: 'trace' }>['judge']>;

/** What the view shows besides its saved state (ViewState, which survives reloads). */
export interface ViewModel {
  colors: Record<string, string>;
  open?: OpenTrace;
  rows: Row[];
  cursor: number;
  matches: Match[];
  matchAt: number;
  /** Steps shown although a filter or a collapsed loop hides them (search hits, jumps). */
  forceShow: Set<number>;
}

export function createModel(): ViewModel {
  return { colors: {}, rows: [], cursor: 0, matches: [], matchAt: -1, forceShow: new Set() };
}

export const stepText = (t: Pick<AnnotatedTrace, 'response' | 'steps'>, i: number): string => {
  const s = t.steps[i]!;
  return t.response.slice(s.start, s.end);
};

export function tokenOffsets(tokens: readonly { text: string }[] | undefined): number[] {
  const out: number[] = [];
  let acc = 0;
  for (const t of tokens ?? []) {
    out.push(acc);
    acc += t.text.length;
  }
  return out;
}

/** The steps shown for a step mode: the host's paragraphs, or sentences cut from them. */
export function displaySteps(response: string, hostSteps: Steps, mode: ViewState['stepMode']): Steps {
  return mode === 'sentence' ? restep({ response, steps: hostSteps }, 'sentence') : hostSteps;
}

/** Builds the trace on screen from a host message. */
export function openTrace(
  m: {
    index: number;
    trace: AnnotatedTrace;
    imageUri?: string;
    imageBlocked?: { path: string; folder: string };
    code: CodeBlock[];
    judge?: JudgeStatus;
  },
  mode: ViewState['stepMode'],
): OpenTrace {
  const base: OpenTrace = {
    judge: m.judge,
    index: m.index,
    trace: m.trace,
    hostSteps: m.trace.steps,
    imageUri: m.imageUri,
    imageBlocked: m.imageBlocked,
    code: m.code,
    tokenOffsets: tokenOffsets(m.trace.tokens),
    runs: [],
  };
  return withSteps(base, m.trace.response, m.trace.steps, mode);
}

/** The same open trace with new steps (a step-mode switch, or a live run's growing response). */
export function withSteps(o: OpenTrace, response: string, hostSteps: Steps, mode: ViewState['stepMode']) {
  const steps = displaySteps(response, hostSteps, mode);
  const trace = { ...o.trace, response, steps };
  return { ...o, trace, hostSteps, runs: repeatedStepRuns(steps.map((_, i) => stepText(trace, i))) };
}

export interface RowOptions {
  filters: readonly BehaviorIdValue[];
  /** Expanded loop runs, by their first step. */
  expanded: readonly number[];
  forceShow: ReadonlySet<number>;
}

/**
 * The rows to draw: steps that pass the behavior filter (or are forced visible), with each run of
 * repeated steps collapsed to its first step and a loop marker unless expanded.
 */
export function buildRows(o: Pick<OpenTrace, 'trace' | 'runs'>, opts: RowOptions): Row[] {
  const { trace } = o;
  const rows: Row[] = [];
  const visible = (i: number) =>
    opts.forceShow.has(i) ||
    !opts.filters.length ||
    trace.steps[i]!.behaviors.some((h) => opts.filters.includes(h.id));
  const runAt = new Map(o.runs.map((r) => [r[0], r]));
  for (let i = 0; i < trace.steps.length; i++) {
    const run = runAt.get(i);
    if (run && !opts.expanded.includes(run[0]) && !anyIn(opts.forceShow, run)) {
      if (visible(i)) rows.push({ kind: 'step', step: i }, { kind: 'loop', from: i + 1, to: run[1] });
      i = run[1];
      continue;
    }
    if (visible(i)) rows.push({ kind: 'step', step: i });
  }
  return rows;
}

function anyIn(set: ReadonlySet<number>, [a, b]: [number, number]) {
  for (let i = a; i <= b; i++) if (set.has(i)) return true;
  return false;
}

/** Case-insensitive matches of `query` in the whole response (collapsed and filtered steps too). */
export function findMatches(trace: Pick<AnnotatedTrace, 'response' | 'steps'>, query: string): Match[] {
  const out: Match[] = [];
  if (!query) return out;
  const hay = trace.response.toLowerCase();
  const needle = query.toLowerCase();
  let step = 0;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) {
    while (step < trace.steps.length - 1 && trace.steps[step]!.end <= at) step++;
    out.push({ step, start: at, end: at + needle.length });
  }
  return out;
}

export const rowOfStep = (rows: readonly Row[], i: number) =>
  rows.findIndex((r) => r.kind === 'step' && r.step === i);

/** The step `delta` visible steps away from the cursor (clamped), or undefined when none is visible. */
export function moveCursor(rows: readonly Row[], cursor: number, delta: number): number | undefined {
  const steps = rows.flatMap((r) => (r.kind === 'step' ? [r.step] : []));
  if (!steps.length) return undefined;
  const at = steps.indexOf(cursor);
  return steps[Math.min(steps.length - 1, Math.max(0, (at < 0 ? 0 : at) + delta))];
}

/** The next step after the cursor (wrapping) with a behavior that passes the filter. */
export function nextBehaviorStep(
  trace: Pick<AnnotatedTrace, 'steps'>,
  cursor: number,
  filters: readonly BehaviorIdValue[],
): number | undefined {
  const n = trace.steps.length;
  for (let k = 1; k <= n; k++) {
    const i = (cursor + k) % n;
    const s = trace.steps[i]!;
    if (s.behaviors.length && (!filters.length || s.behaviors.some((h) => filters.includes(h.id)))) return i;
  }
  return undefined;
}

/** The expansions needed to show a step: its collapsed run and its inline repetition. */
export function expansionsToReveal(
  o: Pick<OpenTrace, 'trace' | 'runs'>,
  expanded: readonly number[],
  step: number,
) {
  const out = [...expanded];
  const run = o.runs.find((r) => step > r[0] && step <= r[1]);
  if (run && !out.includes(run[0])) out.push(run[0]);
  if (innerRepetition(stepText(o.trace, step)) && !out.includes(-1 - step)) out.push(-1 - step);
  return out;
}

/** The step holding a response offset (for keeping the cursor across a step-mode switch). */
export const stepAtOffset = (steps: Steps, at: number) =>
  Math.max(
    0,
    steps.findIndex((s) => s.end > at),
  );
