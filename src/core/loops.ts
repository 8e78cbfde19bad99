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

/**
 * Compares sentence spans as `norm` would see them (whitespace runs as one space, trimmed,
 * lower-cased) without building the normalised strings: most comparisons differ in their first
 * characters, and building them cost a tenth of annotation's allocations. A non-ASCII character
 * (Unicode spaces, case mappings that change length) falls back to `norm`.
 */
class SpanReader {
  private i = 0;
  private end = 0;
  /** Set when a non-ASCII character was met: the caller compares `norm`'s strings instead. */
  ascii = true;
  constructor(private readonly text: string) {}
  reset(start: number, end: number): void {
    this.i = start;
    this.end = end;
    this.ascii = true;
    while (this.i < this.end && isAsciiSpace(this.text.charCodeAt(this.i))) this.i++;
  }
  /** The next character code of the normalised span, or -1 at its end. */
  next(): number {
    if (this.i >= this.end) return -1;
    const c = this.text.charCodeAt(this.i++);
    if (c > 127) {
      this.ascii = false;
      return c;
    }
    if (isAsciiSpace(c)) {
      while (this.i < this.end && isAsciiSpace(this.text.charCodeAt(this.i))) this.i++;
      // trailing whitespace is trimmed; a run that goes on in Unicode spaces is norm's to judge
      if (this.i >= this.end) return -1;
      if (this.text.charCodeAt(this.i) > 127) this.ascii = false;
      return 32;
    }
    return c >= 65 && c <= 90 ? c + 32 : c;
  }
}
const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** A loop reaching the end of `text`, from its sentence steps; null when it ends normally. */
export function findTrailingLoop(text: string, sentences: readonly StepSpan[]): Loop | null {
  // normalised strings only where a comparison meets non-ASCII text
  const cache = new Map<number, string>();
  const unit = (i: number) => {
    let u = cache.get(i);
    if (u === undefined) cache.set(i, (u = norm(text.slice(sentences[i]!.start, sentences[i]!.end))));
    return u;
  };
  const ra = new SpanReader(text);
  const rb = new SpanReader(text);
  /** -1: a's normalised text is a proper prefix of b's; 0: equal; 1: neither. */
  const compare = (a: number, b: number): -1 | 0 | 1 => {
    ra.reset(sentences[a]!.start, sentences[a]!.end);
    rb.reset(sentences[b]!.start, sentences[b]!.end);
    for (;;) {
      const x = ra.next();
      const y = rb.next();
      if (!ra.ascii || !rb.ascii) {
        const u = unit(a);
        const v = unit(b);
        return u === v ? 0 : v.startsWith(u) ? -1 : 1;
      }
      if (x !== y) return x === -1 ? -1 : 1;
      if (x === -1) return 0;
    }
  };
  const blank = (i: number) => {
    ra.reset(sentences[i]!.start, sentences[i]!.end);
    const c = ra.next();
    return ra.ascii ? c === -1 : unit(i) === '';
  };
  const n = sentences.length;
  // the last sentence may be cut off by the token limit: a prefix of the one a cycle earlier
  for (let p = 1; p <= 12 && n > 3 * p; p++) {
    let end = n;
    if (!blank(n - 1) && compare(n - 1, n - 1 - p) === -1) end = n - 1;
    let k = end - 1;
    while (k - p >= 0 && compare(k, k - p) === 0 && !blank(k)) k--;
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
