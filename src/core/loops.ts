// Repetition loops: a response that ends repeating the same sentences (or the same short unit,
// "rt rt rt …") is a degenerate generation. Found on sentence steps from the end backwards: the
// shortest cycle of up to 12 sentences that repeats at least three times up to the end.
import type { StepSpan } from './segment';

export interface Loop {
  /** Offset where the first copy of the repeated text starts. */
  start: number;
  repeats: number;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** A loop reaching the end of `text`, from its sentence steps; null when it ends normally. */
export function findTrailingLoop(text: string, sentences: readonly StepSpan[]): Loop | null {
  // normalised lazily from the end: only the sentences a cycle check reaches are read
  const cache = new Map<number, string>();
  const unit = (i: number) => {
    let u = cache.get(i);
    if (u === undefined) cache.set(i, (u = norm(text.slice(sentences[i]!.start, sentences[i]!.end))));
    return u;
  };
  const n = sentences.length;
  // the last sentence may be cut off by the token limit: a prefix of the one a cycle earlier
  for (let p = 1; p <= 12 && n > 3 * p; p++) {
    let end = n;
    const last = unit(n - 1);
    if (last && unit(n - 1 - p).startsWith(last) && last !== unit(n - 1 - p)) end = n - 1;
    let k = end - 1;
    while (k - p >= 0 && unit(k) === unit(k - p) && unit(k) !== '') k--;
    const matched = end - 1 - k; // sentences equal to the one a cycle earlier
    if (matched >= 2 * p && matched + p >= 3 * p) {
      const first = k - p + 1;
      return { start: sentences[Math.max(0, first)]!.start, repeats: Math.floor((matched + p) / p) };
    }
  }
  return trailingUnitRepeat(text);
}

/**
 * A short unit (1–40 characters) repeated at least 8 times up to the end (trailing whitespace
 * aside), covering 60 characters or more: "rt rt rt …". For each unit length, how far back the text
 * stays periodic is one backward scan, so the cost is linear in the loop, not quadratic in the tail
 * as a backtracking regex would be. The leftmost such loop wins (the shortest unit on ties).
 */
function trailingUnitRepeat(text: string): Loop | null {
  let trimmed = text.length;
  while (trimmed > 0 && /\s/.test(text[trimmed - 1]!)) trimmed--;
  const floor = Math.max(0, text.length - 4000);
  let best: { start: number; end: number; unit: number } | null = null;
  // the last copy may end inside the trailing whitespace (a unit that ends with a space)
  for (let end = trimmed; end <= Math.min(text.length, trimmed + 40); end++) {
    for (let unit = 1; unit <= 40 && end - floor >= 8 * unit; unit++) {
      let i = end - unit - 1; // text[i] must equal text[i + unit] for the period to continue
      while (i >= floor && text.charCodeAt(i) === text.charCodeAt(i + unit)) i--;
      const copies = Math.floor((end - (i + 1)) / unit); // whole units in the periodic suffix
      if (copies < 8) continue;
      const start = end - copies * unit;
      if (end - start >= 60 && (!best || start < best.start || (start === best.start && unit < best.unit)))
        best = { start, end, unit };
    }
  }
  if (!best) return null;
  const loop = text.slice(best.start, best.end).trim();
  return { start: best.start, repeats: Math.floor(loop.length / best.unit) };
}
