// Diff of two traces of the same problem: steps aligned by normalised text similarity with a
// global (Needleman–Wunsch) alignment, banded for long traces, plus behavior, answer and size deltas.
import { BEHAVIOR_IDS, type AnnotatedTrace, type BehaviorId } from './schema';

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
  return text
    .toLowerCase()
    .replace(/<\/?think>/g, ' ')
    .replace(/[^\p{L}\p{N}=+\-*/^<>]+/gu, ' ')
    .trim();
}

interface StepSketch {
  norm: string;
  words: Set<string>;
  bits: Uint32Array; // 128-bin word signature for fast approximate similarity inside the DP
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function sketch(text: string): StepSketch {
  const norm = normalizeStep(text);
  const words = new Set(norm.split(' ').filter(Boolean));
  const bits = new Uint32Array(4);
  for (const w of words) {
    const h = fnv(w) & 127;
    bits[h >>> 5]! |= 1 << (h & 31);
  }
  return { norm, words, bits };
}

function approxSim(a: StepSketch, b: StepSketch): number {
  if (a.norm === b.norm) return 1;
  let inter = 0;
  let union = 0;
  for (let k = 0; k < 4; k++) {
    inter += popcount(a.bits[k]! & b.bits[k]!);
    union += popcount(a.bits[k]! | b.bits[k]!);
  }
  return union ? inter / union : 1;
}

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
  const W = m + 1;
  const score = new Float64Array((n + 1) * W).fill(-Infinity);
  const move = new Uint8Array((n + 1) * W); // 1 diag, 2 up (left-only), 3 left (right-only)
  score[0] = 0;
  for (let i = 0; i <= n; i++) {
    const center = m === 0 ? 0 : Math.round((i * m) / Math.max(1, n));
    const jFrom = Math.max(0, center - band);
    const jTo = Math.min(m, center + band);
    for (let j = jFrom; j <= jTo; j++) {
      if (i === 0 && j === 0) continue;
      let best = -Infinity;
      let mv = 0;
      if (i > 0 && j > 0) {
        const d = score[(i - 1) * W + j - 1]!;
        if (d > -Infinity) {
          const s = approxSim(a[i - 1]!, b[j - 1]!);
          best = d + (s >= 0.999 ? 2 : s * 2 - 0.6);
          mv = 1;
        }
      }
      if (i > 0) {
        const u = score[(i - 1) * W + j]! + GAP;
        if (u > best) {
          best = u;
          mv = 2;
        }
      }
      if (j > 0) {
        const l = score[i * W + j - 1]! + GAP;
        if (l > best) {
          best = l;
          mv = 3;
        }
      }
      score[i * W + j] = best;
      move[i * W + j] = mv;
    }
  }
  const rows: DiffRow[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const mv = move[i * W + j];
    if (mv === 1) {
      const sim = a[i - 1]!.norm === b[j - 1]!.norm ? 1 : jaccard(a[i - 1]!.words, b[j - 1]!.words);
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

export function behaviorCounts(t: AnnotatedTrace): Record<BehaviorId, number> {
  const c = Object.fromEntries(BEHAVIOR_IDS.map((b) => [b, 0])) as Record<BehaviorId, number>;
  for (const s of t.steps) for (const h of s.behaviors) c[h.id]++;
  return c;
}

function side(t: AnnotatedTrace): { id: string; checkpoint: string } & SideSummary {
  return {
    id: t.id,
    checkpoint: t.checkpoint.id,
    steps: t.steps.length,
    chars: t.response.length,
    tokens: t.tokens?.length ?? null,
    answer: { extracted: t.answer.extracted, correct: t.answer.correct },
    behaviors: behaviorCounts(t),
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
