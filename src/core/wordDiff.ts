// Word-level difference of two step texts, for the diff view's inline highlighting: the words
// (and numbers, and single symbols) that are not part of the longest common subsequence, as
// character ranges on each side. Dependency-free: the webview imports it.

export type Range = [start: number, end: number];

export interface WordDiff {
  /** Ranges of `left` whose words are absent from the right (deleted). */
  left: Range[];
  /** Ranges of `right` whose words are absent from the left (inserted). */
  right: Range[];
  /** Share of words kept on both sides, in [0, 1]. */
  similarity: number;
}

const TOKEN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

function tokens(text: string): { w: string; s: number; e: number }[] {
  const out: { w: string; s: number; e: number }[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text))
    out.push({ w: m[0].toLowerCase(), s: m.index, e: m.index + m[0].length });
  return out;
}

/** Merges adjacent changed tokens into ranges (spaces between two changed words join them). */
function ranges(toks: { s: number; e: number }[], changed: boolean[], text: string): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (!changed[i]) continue;
    const last = out[out.length - 1];
    if (last && /^\s*$/.test(text.slice(last[1], toks[i]!.s))) last[1] = toks[i]!.e;
    else out.push([toks[i]!.s, toks[i]!.e]);
  }
  return out;
}

/**
 * The words of `a` and `b` outside their longest common subsequence. Above `maxCells` (the LCS
 * table's size) the texts are compared by common prefix and suffix only, which keeps huge steps
 * cheap and still marks a changed middle.
 */
export function wordDiff(a: string, b: string, maxCells = 250_000): WordDiff {
  const ta = tokens(a);
  const tb = tokens(b);
  const n = ta.length;
  const m = tb.length;
  let pre = 0;
  while (pre < n && pre < m && ta[pre]!.w === tb[pre]!.w) pre++;
  let suf = 0;
  while (suf < n - pre && suf < m - pre && ta[n - 1 - suf]!.w === tb[m - 1 - suf]!.w) suf++;
  const keptA = new Array<boolean>(n).fill(false);
  const keptB = new Array<boolean>(m).fill(false);
  for (let i = 0; i < pre; i++) keptA[i] = keptB[i] = true;
  for (let i = 0; i < suf; i++) keptA[n - 1 - i] = keptB[m - 1 - i] = true;
  const ra = n - pre - suf;
  const rb = m - pre - suf;
  if (ra > 0 && rb > 0 && ra * rb <= maxCells) {
    // LCS table over the middles, then one walk back
    const w = rb + 1;
    const t = new Uint16Array((ra + 1) * w);
    for (let i = 1; i <= ra; i++)
      for (let j = 1; j <= rb; j++)
        t[i * w + j] =
          ta[pre + i - 1]!.w === tb[pre + j - 1]!.w
            ? t[(i - 1) * w + j - 1]! + 1
            : Math.max(t[(i - 1) * w + j]!, t[i * w + j - 1]!);
    let i = ra;
    let j = rb;
    while (i > 0 && j > 0) {
      if (ta[pre + i - 1]!.w === tb[pre + j - 1]!.w) {
        keptA[pre + i - 1] = keptB[pre + j - 1] = true;
        i--;
        j--;
      } else if (t[(i - 1) * w + j]! >= t[i * w + j - 1]!) i--;
      else j--;
    }
  }
  const kept = keptA.filter(Boolean).length;
  return {
    left: ranges(
      ta,
      keptA.map((k) => !k),
      a,
    ),
    right: ranges(
      tb,
      keptB.map((k) => !k),
      b,
    ),
    similarity: n + m ? (2 * kept) / (n + m) : 1,
  };
}
