// Diff of two traces of the same problem: steps aligned by normalised text similarity with a
// global (Needleman–Wunsch) alignment, banded for long traces, plus behavior, answer and size deltas.
import { BEHAVIOR_IDS, type AnnotatedTrace, type BehaviorId } from './schema';
import { countBehaviors } from './behaviors/catalog';

export type DiffRowKind = 'same' | 'changed' | 'left-only' | 'right-only';

export interface DiffRow {
  kind: DiffRowKind;
  left?: number;
  right?: number;
  similarity: number;
}

export interface SideSummary {
  steps: number;
  chars: number;
  tokens: number | null;
  answer: { extracted: string | null; correct: boolean | null };
  behaviors: Record<BehaviorId, number>;
}

export interface TraceDiff {
  problemId: string;
  left: { id: string; checkpoint: string } & SideSummary;
  right: { id: string; checkpoint: string } & SideSummary;
  rows: DiffRow[];
  behaviorDeltas: Record<BehaviorId, number>;
  deltas: { steps: number; chars: number; tokens: number | null };
  answerChanged: boolean;
}

/** Lower-cased word tokens: what "the same step" means to a reader, spacing and punctuation aside. */
export function normalizeStep(text: string): string {
  const t = text.toLowerCase().replace(/<\/?think>/g, ' ');
  // one pass: keep letters, digits and math operators, collapse everything else to single spaces
  let out = '';
  let run = 0; // start of the current kept run
  let space = true;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const keep =
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 61 ||
      c === 43 ||
      c === 45 ||
      c === 42 ||
      c === 47 ||
      c === 94 ||
      c === 60 ||
      c === 62 ||
      (c > 127 && isWordChar(t[i]!));
    if (keep) {
      if (i === run && !space) continue;
      if (space && out) out += ' ';
      if (space) run = i;
      space = false;
      continue;
    }
    if (!space) out += t.slice(run, i);
    space = true;
    run = i + 1;
  }
  if (!space) out += t.slice(run);
  return out;
}

const WORD = /[\p{L}\p{N}]/u;
const isWordChar = (ch: string) => WORD.test(ch);

interface StepSketch {
  norm: string;
  bits: Uint32Array; // 128-bin word signature for fast approximate similarity inside the DP
  count: number; // bits set in `bits`
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function sketch(text: string): StepSketch {
  const norm = normalizeStep(text);
  const bits = new Uint32Array(4);
  // hash each word straight from the normalised text: no intermediate arrays or sets
  let h = 0x811c9dc5;
  for (let i = 0; i <= norm.length; i++) {
    const c = i < norm.length ? norm.charCodeAt(i) : 32;
    if (c === 32) {
      if (h !== 0x811c9dc5) {
        const bin = (h >>> 0) & 127;
        bits[bin >>> 5]! |= 1 << (bin & 31);
      }
      h = 0x811c9dc5;
    } else h = Math.imul(h ^ c, 0x01000193);
  }
  return {
    norm,
    bits,
    count: popcount(bits[0]!) + popcount(bits[1]!) + popcount(bits[2]!) + popcount(bits[3]!),
  };
}

function approxSim(a: StepSketch, b: StepSketch): number {
  if (a.norm === b.norm) return 1;
  const ab = a.bits;
  const bb = b.bits;
  const inter =
    popcount(ab[0]! & bb[0]!) +
    popcount(ab[1]! & bb[1]!) +
    popcount(ab[2]! & bb[2]!) +
    popcount(ab[3]! & bb[3]!);
  const union = a.count + b.count - inter;
  return union ? inter / union : 1;
}

const wordSet = (norm: string) => new Set(norm.split(' ').filter(Boolean));

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

const GAP = -0.25;
const PAIR_MIN = 0.35;

/**
 * Aligns two step lists. Every step of each side appears exactly once, in order.
 * Long inputs use a band around the diagonal (wide enough for the length difference).
 */
export function alignSteps(left: string[], right: string[]): DiffRow[] {
  const a = left.map(sketch);
  const b = right.map(sketch);
  const n = a.length;
  const m = b.length;
  const band = n * m <= 250_000 ? Math.max(n, m) : Math.abs(n - m) + 128;
  // banded storage: row i keeps columns [lo[i], lo[i] + width)
  const width = Math.min(m, 2 * band) + 1;
  const lo = new Int32Array(n + 1);
  const move = new Uint8Array((n + 1) * width); // 1 diag, 2 up (left-only), 3 left (right-only)
  let prev = new Float64Array(width).fill(-Infinity);
  let cur = new Float64Array(width);
  for (let i = 0; i <= n; i++) {
    const center = m === 0 ? 0 : Math.round((i * m) / Math.max(1, n));
    const jFrom = Math.max(0, Math.min(center - band, m - width + 1));
    const jTo = Math.min(m, jFrom + width - 1);
    lo[i] = jFrom;
    const plo = i > 0 ? lo[i - 1]! : 0;
    cur.fill(-Infinity);
    for (let j = jFrom; j <= jTo; j++) {
      const k = j - jFrom;
      if (i === 0 && j === 0) {
        cur[k] = 0;
        continue;
      }
      let best = -Infinity;
      let mv = 0;
      if (i > 0 && j > 0) {
        const pk = j - 1 - plo;
        const d = pk >= 0 && pk < width ? prev[pk]! : -Infinity;
        if (d > -Infinity) {
          const s = approxSim(a[i - 1]!, b[j - 1]!);
          best = d + (s >= 0.999 ? 2 : s * 2 - 0.6);
          mv = 1;
        }
      }
      if (i > 0) {
        const pk = j - plo;
        const u = (pk >= 0 && pk < width ? prev[pk]! : -Infinity) + GAP;
        if (u > best) {
          best = u;
          mv = 2;
        }
      }
      if (k > 0) {
        const l = cur[k - 1]! + GAP;
        if (l > best) {
          best = l;
          mv = 3;
        }
      }
      cur[k] = best;
      move[i * width + k] = mv;
    }
    [prev, cur] = [cur, prev];
  }
  const rows: DiffRow[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const k = j - lo[i]!;
    const mv = k >= 0 && k < width ? move[i * width + k] : 0;
    if (mv === 1) {
      const sim =
        a[i - 1]!.norm === b[j - 1]!.norm ? 1 : jaccard(wordSet(a[i - 1]!.norm), wordSet(b[j - 1]!.norm));
      if (sim >= PAIR_MIN)
        rows.push({ kind: sim === 1 ? 'same' : 'changed', left: i - 1, right: j - 1, similarity: sim });
      else
        rows.push(
          { kind: 'right-only', right: j - 1, similarity: 0 },
          { kind: 'left-only', left: i - 1, similarity: 0 },
        );
      i--;
      j--;
    } else if (mv === 2 || (mv !== 3 && i > 0)) {
      rows.push({ kind: 'left-only', left: --i, similarity: 0 });
    } else {
      rows.push({ kind: 'right-only', right: --j, similarity: 0 });
    }
  }
  return rows.reverse();
}

function side(t: AnnotatedTrace): { id: string; checkpoint: string } & SideSummary {
  return {
    id: t.id,
    checkpoint: t.checkpoint.id,
    steps: t.steps.length,
    chars: t.response.length,
    tokens: t.tokens?.length ?? null,
    answer: { extracted: t.answer.extracted, correct: t.answer.correct },
    behaviors: countBehaviors(t.steps),
  };
}

export function diffTraces(left: AnnotatedTrace, right: AnnotatedTrace): TraceDiff {
  const text = (t: AnnotatedTrace) => t.steps.map((s) => t.response.slice(s.start, s.end));
  const l = side(left);
  const r = side(right);
  const behaviorDeltas = Object.fromEntries(
    BEHAVIOR_IDS.map((b) => [b, r.behaviors[b] - l.behaviors[b]]),
  ) as Record<BehaviorId, number>;
  return {
    problemId: left.problemId,
    left: l,
    right: r,
    rows: alignSteps(text(left), text(right)),
    behaviorDeltas,
    deltas: {
      steps: r.steps - l.steps,
      chars: r.chars - l.chars,
      tokens: l.tokens !== null && r.tokens !== null ? r.tokens - l.tokens : null,
    },
    answerChanged: l.answer.extracted !== r.answer.extracted || l.answer.correct !== r.answer.correct,
  };
}
