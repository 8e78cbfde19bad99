// The host ↔ trace-view webview protocol: two discriminated unions, validated with zod on the host
// side (the webview is a browser sandbox, but its messages are still untrusted input).
import { z } from 'zod';
import { WebviewLog } from './common';
import { AnnotatedTrace, BehaviorId } from '../core/schema';
import { DecisionKind, ReviewDecision } from '../core/review/labels';

export const TraceListItem = z.object({
  index: z.number().int(),
  id: z.string(),
  problemId: z.string(),
  checkpoint: z.string(),
  role: z.string(),
  correct: z.boolean().nullable(),
  status: z.string(),
  /** −1: not summarized yet (steps, verdict and behaviors unknown); −2: the line is not a trace. */
  steps: z.number().int(),
  behaviors: z.record(z.string(), z.number()),
  /** Why the line is not a trace (file:line: field: message). */
  issue: z.string().optional(),
});
export type TraceListItem = z.infer<typeof TraceListItem>;

export const CodeToken = z.object({
  content: z.string(),
  color: z.string().optional(),
  fontStyle: z.number().optional(),
});
export const CodeBlock = z.object({
  start: z.number(),
  end: z.number(),
  lang: z.string(),
  lines: z.array(z.array(CodeToken)),
});
export type CodeBlock = z.infer<typeof CodeBlock>;

export const ListSort = z.enum(['file', 'steps', 'behaviors', 'verdict', 'confidence']);

/** How far the file's index has come: the list fills in as it scans, counts as it summarizes. */
export const IndexStatus = z.object({
  phase: z.enum(['scanning', 'summarizing', 'ready']),
  scanned: z.number(),
  size: z.number(),
  count: z.number().int(),
  summarized: z.number().int(),
});
export type IndexStatus = z.infer<typeof IndexStatus>;

export const ViewState = z.object({
  traceIndex: z.number().int().nonnegative().default(0),
  scrollTop: z.number().nonnegative().default(0),
  filters: z.array(BehaviorId).default([]),
  expanded: z.array(z.number().int()).default([]),
  search: z.string().default(''),
  listFilter: z.string().default(''),
  listSort: ListSort.default('file'),
  listDescending: z.boolean().default(false),
  confidence: z.boolean().default(false),
  /** Review mode: decisions on each detection, labels added by selection. */
  review: z.boolean().default(false),
  /** Step granularity shown: the host sends paragraph steps; sentences are cut in the view. */
  stepMode: z.enum(['paragraph', 'sentence']).default('paragraph'),
  /** When this state was saved (ms): of the webview's and the host's copies, the newer wins. */
  savedAt: z.number().nonnegative().default(0),
});
export type ViewState = z.infer<typeof ViewState>;

export const HostToWebview = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    file: z.string(),
    /** Traces in the file so far (the list's rows come on request: see listQuery, listRows). */
    total: z.number().int(),
    issues: z.array(z.string()),
    colors: z.record(z.string(), z.string()),
    savedState: ViewState.optional(),
  }),
  z.object({
    type: z.literal('trace'),
    index: z.number().int(),
    trace: AnnotatedTrace,
    imageUri: z.string().optional(),
    /** The problem image lies outside the folders this view may read: shown as a placeholder. */
    imageBlocked: z.object({ path: z.string(), folder: z.string() }).optional(),
    code: z.array(CodeBlock),
    /** The LLM judge beside (both) or instead of (judge) the rules; absent: rules only. */
    judge: z
      .object({
        mode: z.enum(['judge', 'both']),
        name: z.string(),
        /** Whether this trace's judgments are in (else the judge's hits are missing: run it). */
        judged: z.boolean(),
        problem: z.string().optional(),
      })
      .optional(),
  }),
  /**
   * A trace that is still growing (a run from the palette): its whole response and steps so far,
   * re-sent as they grow. The webview applies it to the open trace of that index.
   */
  z.object({
    type: z.literal('traceDelta'),
    index: z.number().int(),
    response: z.string(),
    steps: AnnotatedTrace.shape.steps,
    done: z.boolean(),
  }),
  /** The answer to a list query (and sent again as the index grows): how many rows match. */
  z.object({
    type: z.literal('listView'),
    /** The query it answers (the view drops answers to older ones). */
    seq: z.number().int(),
    count: z.number().int(),
    total: z.number().int(),
    status: IndexStatus,
  }),
  z.object({
    type: z.literal('listRows'),
    seq: z.number().int(),
    from: z.number().int().nonnegative(),
    items: z.array(TraceListItem),
  }),
  z.object({
    type: z.literal('command'),
    command: z.enum(['nextStep', 'previousStep', 'nextBehavior', 'focusSearch', 'toggleReview']),
  }),
  /** Review mode: the decisions on trace `index` so far and the file's review progress. */
  z.object({
    type: z.literal('review'),
    index: z.number().int(),
    traceId: z.string(),
    decisions: z.array(ReviewDecision),
    done: z.boolean(),
    progress: z.object({ reviewed: z.number().int(), total: z.number().int() }),
    /** The detector against the decisions made so far in this file. */
    agreement: z.object({
      precision: z.number().nullable(),
      recall: z.number().nullable(),
      decided: z.number(),
    }),
    reviewer: z.string(),
  }),
  /** Show trace `index` (another view, such as the diff, opens a trace here). */
  z.object({ type: z.literal('reveal'), index: z.number().int().nonnegative() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('selectTrace'), index: z.number().int().nonnegative() }),
  /** Filter and sort the list (see core/summaryStore compileFilter for the filter words). */
  z.object({
    type: z.literal('listQuery'),
    seq: z.number().int(),
    text: z.string().max(1000),
    sort: ListSort,
    descending: z.boolean(),
  }),
  /** Rows [from, to) of the current query's order. */
  z.object({
    type: z.literal('listRows'),
    seq: z.number().int(),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('copy'), text: z.string().max(50_000_000) }),
  /** The user asks to allow the folder of the blocked image of trace `index` (the host asks again). */
  z.object({ type: z.literal('allowImageFolder'), index: z.number().int().nonnegative() }),
  z.object({ type: z.literal('stateChanged'), state: ViewState }),
  /** Review mode on or off (the host answers with `review` for the open trace). */
  z.object({ type: z.literal('reviewMode'), enabled: z.boolean(), index: z.number().int().nonnegative() }),
  /** A review decision on trace `index` (`pending` undoes one). */
  z.object({
    type: z.literal('reviewDecide'),
    index: z.number().int().nonnegative(),
    key: z.string().max(200),
    behavior: BehaviorId,
    from: BehaviorId.optional(),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    decision: DecisionKind,
  }),
  /** Trace `index` reviewed (or not); with `next`, the next unreviewed trace is shown. */
  z.object({
    type: z.literal('reviewDone'),
    index: z.number().int().nonnegative(),
    done: z.boolean(),
    next: z.boolean(),
  }),
  WebviewLog,
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;
