// The summaries of a trace file in columns (typed arrays and interned strings), so a million traces
// cost tens of MB, not a GB of objects: where each line is, and what the trace list filters and sorts
// on. Answers list queries (free text, verdict, behavior present/absent, sort) and round-trips to a
// cache file. Pure: the extension's index (extension/traceIndexer.ts) fills it.
import { BEHAVIOR_IDS, behaviorLabel } from './behaviors/catalog';
import type { Checkpoint, TraceStatus } from './schema';
import type { IndexedLine, IndexSummary } from './files/traceIndex';

const NB = BEHAVIOR_IDS.length;
const STATUSES: TraceStatus[] = ['complete', 'interrupted', 'error'];

export type ListSort = 'file' | 'steps' | 'behaviors' | 'verdict' | 'confidence';

/** `lowConf` of a row without detections (or not summarized): sorts after every detection. */
const NO_CONF = 255;

export interface ListQuery {
  text: string;
  sort: ListSort;
  descending: boolean;
}

/** A list row as the view draws it (see protocol TraceListItem). */
export interface StoreItem {
  index: number;
  id: string;
  problemId: string;
  checkpoint: string;
  role: string;
  correct: boolean | null;
  status: string;
  /** −1: not summarized yet; −2: not a trace (see issue). */
  steps: number;
  behaviors: Record<string, number>;
  issue?: string;
}

class Interner<T> {
  readonly values: T[] = [];
  private readonly at = new Map<string, number>();
  constructor(private readonly key: (v: T) => string) {}
  id(v: T): number {
    const k = this.key(v);
    let i = this.at.get(k);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.at.set(k, i);
    }
    return i;
  }
  /** The id of `v` when it has one, else −1 (a lookup, not a scan of the values). */
  find(v: T): number {
    return this.at.get(this.key(v)) ?? -1;
  }
}

function grow<A extends Float64Array | Uint32Array | Int32Array | Int8Array | Uint8Array | Uint16Array>(
  a: A,
  n: number,
): A {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export class SummaryStore {
  count = 0;
  /** Rows with a full summary (or found invalid). */
  summarized = 0;
  offset = new Float64Array(1024);
  length = new Uint32Array(1024);
  line = new Uint32Array(1024);
  ids: string[] = [];
  problem = new Uint32Array(1024);
  ckpt = new Uint32Array(1024);
  status = new Uint8Array(1024);
  correct = new Int8Array(1024);
  steps = new Int32Array(1024);
  counts = new Uint16Array(1024 * NB);
  /** The lowest confidence of the row's detections in percent (NO_CONF: none): the review queue's
   *  "least sure first" order. */
  lowConf = new Uint8Array(1024);
  readonly issues = new Map<number, string>();
  readonly problems = new Interner<string>((s) => s);
  readonly checkpoints = new Interner<Checkpoint>((c) => JSON.stringify([c.id, c.label, c.role, c.step]));

  private reserve(n: number) {
    this.offset = grow(this.offset, n);
    this.length = grow(this.length, n);
    this.line = grow(this.line, n);
    this.problem = grow(this.problem, n);
    this.ckpt = grow(this.ckpt, n);
    this.status = grow(this.status, n);
    this.correct = grow(this.correct, n);
    this.steps = grow(this.steps, n);
    this.counts = grow(this.counts, n * NB);
    this.lowConf = grow(this.lowConf, n);
  }

  /** Adds a line with its (light or full) summary; returns its row. */
  add(l: IndexedLine, s: IndexSummary): number {
    const r = this.count++;
    this.reserve(this.count);
    this.offset[r] = l.offset;
    this.length[r] = l.length;
    this.line[r] = l.line;
    this.steps[r] = -1;
    this.set(r, s);
    return r;
  }

  /** Sets row `r`'s summary (the full one replacing the light one). */
  set(r: number, s: IndexSummary) {
    if (this.steps[r] === -1 && s.steps !== -1) this.summarized++;
    this.ids[r] = s.id;
    this.problem[r] = this.problems.id(s.problemId);
    this.ckpt[r] = this.checkpoints.id(s.checkpoint);
    this.status[r] = Math.max(0, STATUSES.indexOf(s.status));
    this.correct[r] = s.correct === null ? -1 : s.correct ? 1 : 0;
    this.steps[r] = s.steps;
    for (let b = 0; b < NB; b++) this.counts[r * NB + b] = Math.min(65535, s.counts[b] ?? 0);
    this.lowConf[r] = s.minConfidence === undefined ? NO_CONF : Math.round(s.minConfidence * 100);
    if (s.issue) this.issues.set(r, s.issue);
    else this.issues.delete(r);
  }

  isSummarized(r: number) {
    return this.steps[r] !== -1;
  }

  /** The row holding file line `line` (rows are in line order), or −1. */
  rowOfLine(line: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.line[mid]!;
      if (v === line) return mid;
      if (v < line) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  checkpointOf(r: number): Checkpoint {
    return this.checkpoints.values[this.ckpt[r]!]!;
  }

  behaviorCount(r: number, b: number) {
    return this.counts[r * NB + b]!;
  }

  item(r: number): StoreItem {
    const c = this.checkpointOf(r);
    const behaviors: Record<string, number> = {};
    for (let b = 0; b < NB; b++) {
      const n = this.counts[r * NB + b]!;
      if (n) behaviors[BEHAVIOR_IDS[b]!] = n;
    }
    const v = this.correct[r];
    return {
      index: r,
      id: this.ids[r]!,
      problemId: this.problems.values[this.problem[r]!]!,
      checkpoint: c.label || c.id,
      role: c.role,
      correct: v === -1 ? null : v === 1,
      status: STATUSES[this.status[r]!]!,
      steps: this.steps[r]!,
      behaviors,
      issue: this.issues.get(r),
    };
  }

  /** The rows matching `q`, in its order. */
  query(q: ListQuery): Int32Array {
    const match = compileFilter(this, q.text);
    let rows = new Int32Array(this.count);
    let n = 0;
    for (let r = 0; r < this.count; r++) if (match(r)) rows[n++] = r;
    rows = rows.slice(0, n);
    const key = sortKey(this, q.sort);
    if (key) {
      const sign = q.descending ? -1 : 1;
      rows.sort((a, b) => sign * (key[a]! - key[b]!) || a - b);
    } else if (q.descending) rows.reverse();
    return rows;
  }
}

function sortKey(s: SummaryStore, sort: ListSort): ArrayLike<number> | undefined {
  if (sort === 'steps') return s.steps;
  if (sort === 'verdict') return s.correct;
  if (sort === 'confidence') return s.lowConf;
  if (sort !== 'behaviors') return undefined;
  const k = new Int32Array(s.count);
  for (let r = 0; r < s.count; r++) {
    let t = 0;
    for (let b = 0; b < NB; b++) t += s.counts[r * NB + b]!;
    k[r] = s.steps[r]! < 0 ? -1 : t;
  }
  return k;
}

/** A behavior named in a filter word: its id, a prefix of it, or its label without spaces. */
export function behaviorNamed(word: string): number {
  const w = word.toLowerCase().replace(/[\s-]+/g, '_');
  const exact = BEHAVIOR_IDS.findIndex(
    (b) =>
      b === w ||
      behaviorLabel(b)
        .toLowerCase()
        .replace(/[\s-]+/g, '_') === w,
  );
  if (exact >= 0) return exact;
  return w.length >= 3 ? BEHAVIOR_IDS.findIndex((b) => b.startsWith(w)) : -1;
}

/**
 * The list filter: every word must hold. `correct`, `wrong` (or `incorrect`): the verdict;
 * `+behavior` / `-behavior` (or `has:` / `no:`): the behavior is present / absent; any other word
 * must appear in the problem, checkpoint, role, id or verdict (case-insensitive).
 */
export function compileFilter(s: SummaryStore, text: string): (r: number) => boolean {
  const tests: ((r: number) => boolean)[] = [];
  for (const raw of text.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
    const w = raw === 'incorrect' ? 'wrong' : raw;
    const has = /^(\+|has:)(.+)$/.exec(w);
    const no = /^(-|no:)(.+)$/.exec(w);
    const b = has ? behaviorNamed(has[2]!) : no ? behaviorNamed(no[2]!) : -1;
    if (b >= 0) {
      const want = !!has;
      tests.push((r) => s.steps[r]! >= 0 && s.counts[r * NB + b]! > 0 === want);
      continue;
    }
    // a word is looked up once per distinct problem and checkpoint, not once per row
    const pHit = s.problems.values.map((p) => p.toLowerCase().includes(w));
    const cHit = s.checkpoints.values.map((c) => `${c.label} ${c.id} ${c.role}`.toLowerCase().includes(w));
    const verdictHit = (['wrong', 'correct', ''] as const).map((v) => v.includes(w));
    tests.push((r) => {
      if (pHit[s.problem[r]!] || cHit[s.ckpt[r]!]) return true;
      const v = s.correct[r]!;
      if (v >= 0 && verdictHit[v]) return true;
      return s.ids[r]!.toLowerCase().includes(w);
    });
  }
  return (r) => {
    for (const t of tests) if (!t(r)) return false;
    return true;
  };
}
