// The index of a JSONL trace file: where each line starts and a small summary of its trace, so a
// multi-GB rollout dump opens without being loaded. Two passes feed it: a fast scan (line offsets
// and the short fields: id, problem, checkpoint, status, read from the line with its long strings
// cut out, hundreds of MB/s) and the full summary (steps, verdict, behavior counts: annotation
// speed, on worker threads, and at once for the rows a user looks at). Pure: no vscode, no I/O.
import { BEHAVIOR_IDS, countBehaviors } from '../behaviors/catalog';
import type { AnnotatedTrace, Checkpoint, TraceStatus } from '../schema';
import { importTraceRecord } from './imports';
import { fileStem } from './traces';

/** One trace as the list knows it. `steps` −1: not summarized yet (counts and verdict unknown). */
export interface IndexSummary {
  id: string;
  problemId: string;
  checkpoint: Checkpoint;
  status: TraceStatus;
  correct: boolean | null;
  steps: number;
  /** Behavior counts in BEHAVIOR_IDS order (empty until summarized). */
  counts: number[];
  /** The lowest confidence among the trace's detections; absent when it has none. */
  minConfidence?: number;
  /** The line is not a trace (bad JSON, bad fields): why, as an issue line names it. */
  issue?: string;
}

/** A complete line of the file: its number, where it starts and how many bytes it has (no newline). */
export interface IndexedLine {
  line: number;
  offset: number;
  length: number;
}

/** The full summary of an annotated trace. */
export function summaryOf(a: AnnotatedTrace): IndexSummary {
  const c = countBehaviors(a.steps);
  let low = 2;
  for (const st of a.steps) for (const h of st.behaviors) low = Math.min(low, h.confidence);
  return {
    id: a.id,
    problemId: a.problemId,
    checkpoint: a.checkpoint,
    status: a.status,
    correct: a.answer.correct,
    steps: a.steps.length,
    counts: BEHAVIOR_IDS.map((b) => c[b]),
    ...(low <= 1 ? { minConfidence: low } : {}),
  };
}

/** Strings longer than this are cut from a line before the scan parses it (responses, token lists). */
const LONG = 160;

/**
 * The line `b` with every string of more than LONG bytes replaced by "" (still valid JSON when the
 * line was). Strings are skipped with a byte search for the closing quote, never decoded, so a line
 * whose bulk is its response costs little more than finding its quotes.
 */
export function stripLongStrings(b: Buffer, out: Buffer): number {
  let n = 0;
  let pos = 0;
  const end = b.length;
  while (pos < end) {
    const q = b.indexOf(0x22, pos);
    if (q < 0) break;
    n += b.copy(out, n, pos, q);
    let c = q + 1;
    for (;;) {
      c = b.indexOf(0x22, c);
      if (c < 0) return n + b.copy(out, n, q, end); // unterminated: JSON.parse reports it
      let k = c - 1;
      while (b[k] === 0x5c) k--; // an odd run of backslashes escapes the quote
      if ((c - 1 - k) % 2 === 0) break;
      c++;
    }
    if (c - q - 1 > LONG) {
      out[n++] = 0x22;
      out[n++] = 0x22;
    } else n += b.copy(out, n, q, c + 1);
    pos = c + 1;
  }
  return n + b.copy(out, n, pos, end);
}

let scratch = Buffer.alloc(1 << 16);

/**
 * The short fields of one line (id, problem, checkpoint, status) without reading its long strings;
 * an `issue` when the line is not a trace at all. Full validation happens when it is summarized.
 */
export function lightSummary(b: Buffer, file: string, line: number): IndexSummary {
  if (scratch.length < b.length) scratch = Buffer.alloc(b.length * 2);
  const n = stripLongStrings(b, scratch);
  let value: unknown;
  try {
    value = JSON.parse(scratch.toString('utf8', 0, n));
  } catch {
    return invalidSummary(file, line, 'invalid JSON (truncated line?)');
  }
  const fast = nativeFields(value);
  if (fast) return fast;
  const r = importTraceRecord(value, { file, line, defaultCheckpoint: fileStem(file) });
  if (!r.trace) {
    const i = r.issues?.[0];
    return invalidSummary(file, line, i ? `${i.field}: ${i.message}` : 'not a trace');
  }
  const t = r.trace;
  return {
    id: t.id,
    problemId: t.problemId,
    checkpoint: t.checkpoint,
    status: t.status,
    correct: null,
    steps: -1,
    counts: [],
  };
}

const ROLES = new Set(['base', 'cold-start', 'rl', 'other']);
const STATUSES = new Set(['complete', 'interrupted', 'error']);

/**
 * The short fields of a line in Cogtrace's own format, read without the importer's validation (a
 * fifth of the scan's time); other formats go through the importer. The full pass validates all.
 */
function nativeFields(v: unknown): IndexSummary | undefined {
  const o = v as Record<string, unknown> | null;
  const c = o?.checkpoint as Record<string, unknown> | undefined;
  if (
    !o ||
    typeof o.id !== 'string' ||
    typeof o.problemId !== 'string' ||
    typeof o.response !== 'string' ||
    !c ||
    typeof c.id !== 'string' ||
    typeof c.label !== 'string' ||
    !ROLES.has(c.role as string) ||
    (c.step !== undefined && typeof c.step !== 'number') ||
    (o.status !== undefined && !STATUSES.has(o.status as string))
  )
    return undefined;
  return {
    id: o.id,
    problemId: o.problemId,
    checkpoint: {
      id: c.id,
      label: c.label,
      role: c.role as Checkpoint['role'],
      step: c.step as number | undefined,
    },
    status: (o.status as TraceStatus | undefined) ?? 'complete',
    correct: null,
    steps: -1,
    counts: [],
  };
}

export function invalidSummary(file: string, line: number, message: string): IndexSummary {
  return {
    id: `line ${line}`,
    problemId: '',
    checkpoint: { id: '', label: '', role: 'other' },
    status: 'error',
    correct: null,
    steps: -2,
    counts: [],
    issue: `${file}:${line}: ${message}`,
  };
}

/**
 * Cuts `chunk` (read at file offset `base`, its first line numbered `firstLine`) into complete
 * lines; blank lines are numbered but not returned. Returns how many bytes were consumed (up to and
 * including the last newline): the rest is an unfinished line, kept for the next chunk.
 */
export function scanLines(
  chunk: Buffer,
  base: number,
  firstLine: number,
  onLine: (l: IndexedLine, bytes: Buffer) => void,
): { consumed: number; lines: number } {
  let from = 0;
  let line = firstLine;
  for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
    let end = nl;
    if (end > from && chunk[end - 1] === 0x0d) end--;
    let start = from;
    // a BOM on the first line of the file
    if (base + from === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    if (!isBlank(chunk, start, end))
      onLine({ line, offset: base + start, length: end - start }, chunk.subarray(start, end));
    line++;
    from = nl + 1;
  }
  return { consumed: from, lines: line - firstLine };
}

function isBlank(b: Buffer, start: number, end: number) {
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
