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
  const units = sentences.map((s) => norm(text.slice(s.start, s.end)));
  let n = units.length;
  // the last sentence may be cut off by the token limit: a prefix of the one a cycle earlier
  for (let p = 1; p <= 12 && n > 3 * p; p++) {
    let end = n;
    const last = units[n - 1]!;
    if (last && units[n - 1 - p]!.startsWith(last) && last !== units[n - 1 - p]) end = n - 1;
    let k = end - 1;
    while (k - p >= 0 && units[k] === units[k - p] && units[k] !== '') k--;
    const matched = end - 1 - k; // sentences equal to the one a cycle earlier
    if (matched >= 2 * p && matched + p >= 3 * p) {
      const first = k - p + 1;
      return { start: sentences[Math.max(0, first)]!.start, repeats: Math.floor((matched + p) / p) };
    }
  }
  n = text.length;
  const tail = text.slice(Math.max(0, n - 4000));
  const m = /([\s\S]{1,40}?)\1{7,}\s*$/.exec(tail);
  if (m && m[0].length >= 60)
    return { start: n - tail.length + m.index, repeats: Math.floor(m[0].trim().length / m[1]!.length) };
  return null;
}
