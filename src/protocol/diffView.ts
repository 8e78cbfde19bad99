// The host ↔ diff-view webview protocol: the two annotated traces of one problem, their aligned
// rows and highlighted code, and the view's intents back (open a side in its trace view, swap).
// Validated with zod on the host; the webview trusts the host.
import { z } from 'zod';
import { WebviewLog } from './common';
import { AnnotatedTrace } from '../core/schema';
import { CodeBlock } from './traceView';

export const DiffSide = z.object({
  trace: AnnotatedTrace,
  code: z.array(CodeBlock),
  /** The file and index the trace came from (to open it in its trace view). */
  file: z.string(),
  index: z.number().int().nonnegative(),
});
export type DiffSide = z.infer<typeof DiffSide>;

export const DiffRow = z.object({
  kind: z.enum(['same', 'changed', 'left-only', 'right-only']),
  left: z.number().int().optional(),
  right: z.number().int().optional(),
  similarity: z.number(),
});

export const DiffCommand = z.enum(['nextDifference', 'previousDifference', 'nextBehaviorChange', 'swap']);
export type DiffCommand = z.infer<typeof DiffCommand>;

export const HostToDiff = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('diff'),
    left: DiffSide,
    right: DiffSide,
    rows: z.array(DiffRow),
    colors: z.record(z.string(), z.string()),
  }),
  z.object({ type: z.literal('command'), command: DiffCommand }),
]);
export type HostToDiff = z.infer<typeof HostToDiff>;

export const DiffViewState = z.object({
  /** The row the cursor is on. */
  cursor: z.number().int().nonnegative().default(0),
  scrollTop: z.number().nonnegative().default(0),
  swapped: z.boolean().default(false),
});
export type DiffViewState = z.infer<typeof DiffViewState>;

export const DiffToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Open a side in its trace view; `side` as the host sent it (the view may show it swapped). */
  z.object({ type: z.literal('open'), side: z.enum(['left', 'right']) }),
  z.object({ type: z.literal('stateChanged'), state: DiffViewState }),
  WebviewLog,
]);
export type DiffToHost = z.infer<typeof DiffToHost>;
