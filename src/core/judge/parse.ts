// Reading a judge's answer: the <count> (missing: 0), the quoted instances (an unterminated last one,
// from a truncated answer, is dropped), and each quote placed in the response — verbatim, else after
// normalizing whitespace, case, quotes and markup, else approximately (the window of the response
// sharing most words with it); a quote found nowhere is reported, not guessed.

export interface Judgment {
  count: number;
  instances: string[];
  /** What was odd about the answer (no count tag, a truncated instance, count ≠ instances). */
  notes: string[];
}

export function parseJudgment(text: string): Judgment {
  const notes: string[] = [];
  const counts = [...text.matchAll(/<count>\s*(\d+)\s*<\/count>/gi)];
  let count = 0;
  if (counts.length) count = Number(counts[counts.length - 1]![1]);
  else notes.push('no <count> tag: 0');
  const instances = [...text.matchAll(/<instance>([\s\S]*?)<\/instance>/gi)]
    .map((m) => m[1]!.trim())
    .filter(Boolean);
  const opened = (text.match(/<instance>/gi) ?? []).length;
  if (opened > instances.length) notes.push('an unterminated <instance> was dropped');
  if (count && instances.length !== count) notes.push(`count ${count}, ${instances.length} quote(s)`);
  return { count, instances: count ? instances : [], notes };
}

export type Match = 'exact' | 'normalized' | 'approximate';

export interface Placed {
  start: number;
  end: number;
  match: Match;
}

/** Lower-case letters, digits and CJK, one space between runs; `map[i]` is the source index of char i. */
function normalize(s: string): { text: string; map: number[] } {
  let text = '';
  const map: number[] = [];
  let space = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/[\p{L}\p{N}]/u.test(c)) {
      if (space && text) {
        text += ' ';
        map.push(i);
      }
      space = false;
      text += c.toLowerCase();
      map.push(i);
    } else space = true;
  }
  return { text, map };
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Where `quote` is in `response`, from `from` on (so repeated quotes take successive places); the
 * approximate match needs ≥ 60% of the quote's words, in a window of the quote's length.
 */
export function placeQuote(response: string, quote: string, from = 0): Placed | undefined {
  const at = response.indexOf(quote, from);
  if (at >= 0) return { start: at, end: at + quote.length, match: 'exact' };
  const r = normalize(response);
  const q = normalize(quote).text;
  if (q.length >= 4) {
    let k = r.text.indexOf(q);
    while (k >= 0 && r.map[k]! < from) k = r.text.indexOf(q, k + 1);
    if (k >= 0) return { start: r.map[k]!, end: r.map[k + q.length - 1]! + 1, match: 'normalized' };
  }
  const qw = words(quote);
  if (qw.length < 3) return undefined;
  const want = new Map<string, number>();
  for (const w of qw) want.set(w, (want.get(w) ?? 0) + 1);
  const spans = [...response.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({
    w: m[0].toLowerCase(),
    start: m.index!,
    end: m.index! + m[0].length,
  }));
  let best = { score: 0, i: -1 };
  const have = new Map<string, number>();
  let shared = 0;
  const n = qw.length;
  // a sliding window of n words; `shared` counts words of the quote it holds (with multiplicity)
  for (let i = 0; i < spans.length; i++) {
    const w = spans[i]!.w;
    const c = (have.get(w) ?? 0) + 1;
    have.set(w, c);
    if (c <= (want.get(w) ?? 0)) shared++;
    if (i >= n) {
      const o = spans[i - n]!.w;
      const co = have.get(o)!;
      if (co <= (want.get(o) ?? 0)) shared--;
      have.set(o, co - 1);
    }
    if (i >= n - 1 && spans[i - n + 1]!.start >= from && shared > best.score) best = { score: shared, i };
  }
  if (best.i < 0 || best.score / n < 0.6) return undefined;
  return { start: spans[best.i - n + 1]!.start, end: spans[best.i]!.end, match: 'approximate' };
}
