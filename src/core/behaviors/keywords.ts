// The rules' keyword prefilter: which steps contain one of a rule's keywords (case-insensitive
// substrings). One Aho–Corasick automaton over every keyword of every rule, compiled to a dense
// transition table, reads each character of a response once with one array load — the single
// alternation regex it replaces visited every start position and cost more than the rules
// themselves on large dumps.
import type { StepSpan } from '../segment';

/** The keyword automaton of a rule list; `flags` answers "which rules may match in which step". */
export class KeywordIndex {
  /** Rule count: a row of `flags` per step. */
  readonly rules: number;
  /** Character class of each UTF-16 code unit, case-folded; 0 for a unit in no keyword. */
  private readonly cls = new Uint16Array(65536);
  private readonly width: number;
  /** state × width + class → next state × 2, plus 1 when that state ends keywords. */
  private readonly delta: Uint16Array | Uint32Array;
  /** Keywords ending in state s (its own and along its suffix links): outList[outStart[s]…outStart[s+1]). */
  private readonly outStart: Int32Array;
  private readonly outList: Int32Array;
  private readonly kwLength: Int32Array;
  /** Rules of keyword k: ruleList[ruleStart[k]…ruleStart[k+1]). */
  private readonly ruleStart: Int32Array;
  private readonly ruleList: Int32Array;

  /** Rules whose matches start with a keyword: the scan records where the keywords start. */
  private readonly anchored: Uint8Array;
  /** 32-bit words per step in a candidate bit set, and the bits of the rules without keywords (if any). */
  readonly words: number;
  private readonly always: Uint32Array | undefined;

  constructor(keywordsPerRule: readonly (readonly string[])[], anchored: readonly boolean[] = []) {
    this.rules = keywordsPerRule.length;
    this.anchored = Uint8Array.from(keywordsPerRule, (_, r) => (anchored[r] ? 1 : 0));
    this.words = Math.max(1, Math.ceil(this.rules / 32));
    // a rule without keywords is a candidate in every step
    const always = new Uint32Array(this.words);
    keywordsPerRule.forEach((k, r) => {
      if (!k.length) always[r >>> 5]! |= 1 << (r & 31);
    });
    this.always = always.some(Boolean) ? always : undefined;
    const own = new Map<string, number[]>();
    keywordsPerRule.forEach((list, r) => {
      for (const k of list) {
        const key = k.toLowerCase();
        const rules = own.get(key) ?? [];
        if (!rules.includes(r)) rules.push(r);
        own.set(key, rules);
      }
    });
    const words = [...own.keys()];
    this.kwLength = Int32Array.from(words, (w) => w.length);
    [this.ruleStart, this.ruleList] = flatten(words.map((w) => own.get(w)!));
    let classes = 1;
    // CJK characters share a few classes (by code point): a class per character made the table
    // nearly three times as large, and a scan beside the rest of annotation spends its time in
    // cache misses on it. A shared class only makes a rule a candidate where it cannot match.
    const sharedClass = new Map<number, number>();
    for (const w of words)
      for (const ch of w.split('')) {
        const lower = ch.charCodeAt(0);
        if (this.cls[lower]) continue;
        if (lower >= 0x2e80) {
          const bucket = lower % CJK_CLASSES;
          if (!sharedClass.has(bucket)) sharedClass.set(bucket, classes++);
          this.cls[lower] = sharedClass.get(bucket)!;
          continue;
        }
        const id = classes++;
        this.cls[lower] = id;
        for (const variant of [ch.toUpperCase(), ch.toLowerCase()])
          if (variant.length === 1 && !this.cls[variant.charCodeAt(0)]) this.cls[variant.charCodeAt(0)] = id;
      }
    this.width = classes;
    // the trie
    const next: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    words.forEach((w, k) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const c = this.cls[w.charCodeAt(i)]!;
        let t = next[s]!.get(c);
        if (t === undefined) {
          t = next.length;
          next.push(new Map());
          ends.push([]);
          next[s]!.set(c, t);
        }
        s = t;
      }
      ends[s]!.push(k);
    });
    // breadth-first: failure links give every state a full row of transitions
    const states = next.length;
    const W = this.width;
    const delta = new Int32Array(states * W);
    const fail = new Int32Array(states);
    const out: number[][] = ends.map((e) => [...e]);
    const queue: number[] = [];
    for (const [c, t] of next[0]!) {
      delta[c] = t;
      queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      const f = fail[s]!;
      out[s]!.push(...out[f]!);
      // the failure state's row, then this state's own transitions over it
      delta.copyWithin(s * W, f * W, f * W + W);
      for (const [c, t] of next[s]!) {
        fail[t] = delta[f * W + c]!;
        delta[s * W + c] = t;
        queue.push(t);
      }
    }
    // states renumbered breadth-first (the shallow states, where a scan spends its time, share
    // cache lines); an entry is the target state × 2, plus 1 when the target ends keywords. 16-bit
    // entries while the states fit: the table is read once per character, and its size in cache
    // is what a scan beside the rest of annotation pays for
    const order = [0, ...queue];
    const id = new Int32Array(states);
    order.forEach((old, i) => (id[old] = i));
    const table = states < 1 << 15 ? new Uint16Array(states * W) : new Uint32Array(states * W);
    const entry = Int32Array.from(out, (o, t) => id[t]! * 2 + (o.length ? 1 : 0));
    for (let s = 0; s < states; s++) {
      const row = id[s]! * W;
      for (let c = 0; c < W; c++) table[row + c] = entry[delta[s * W + c]!]!;
    }
    this.delta = table;
    [this.outStart, this.outList] = flatten(order.map((old) => out[old]!));
  }

  /**
   * One flag per (step, rule), row-major: does the step contain one of the rule's keywords? A
   * keyword belongs to the step its first character is in (or, between steps, the next step).
   */
  flags(response: string, steps: readonly StepSpan[]): Uint8Array {
    const { bits, words } = this.scan(response, steps);
    const R = this.rules;
    const flags = new Uint8Array(steps.length * R);
    for (let i = 0; i < flags.length; i++) {
      const step = (i / R) | 0;
      const r = i - step * R;
      flags[i] = (bits[step * words + (r >>> 5)]! >>> (r & 31)) & 1;
    }
    return flags;
  }

  /**
   * The candidates, and for anchored rules where their keywords start. `bits` holds a bit set of
   * rules per step (`words` 32-bit words each; rules without keywords always set); `starts` holds
   * sorted keys `(step × rules + rule) × 2^32 + offset in the response`, so the offsets of one step's
   * rules come out in rule order, then position order, for a cursor that only moves forward.
   */
  scan(
    response: string,
    steps: readonly StepSpan[],
  ): { bits: Uint32Array; words: number; starts: Float64Array; key: number } {
    const R = this.rules;
    const words = this.words;
    const bits = new Uint32Array(steps.length * words);
    if (this.always) for (let si = 0; si < steps.length; si++) bits.set(this.always, si * words);
    const starts: number[] = [];
    const key = keyFor(response.length);
    if (!steps.length) return { bits, words, starts: new Float64Array(0), key };
    const { cls, delta, width: W, outStart, outList, kwLength, ruleStart, ruleList, anchored } = this;
    const last = steps.length - 1;
    let si = 0;
    let s = 0;
    for (let i = 0, n = response.length; i < n; i++) {
      const t = delta[s * W + cls[response.charCodeAt(i)]!]!;
      s = t >>> 1;
      if (!(t & 1)) continue;
      while (si < last && steps[si]!.end <= i) si++;
      for (let o = outStart[s]!, oe = outStart[s + 1]!; o < oe; o++) {
        const k = outList[o]!;
        const p = i - kwLength[k]! + 1;
        let step = si;
        while (step > 0 && steps[step - 1]!.end > p) step--;
        const row = step * words;
        for (let q = ruleStart[k]!, qe = ruleStart[k + 1]!; q < qe; q++) {
          const r = ruleList[q]!;
          bits[row + (r >>> 5)]! |= 1 << (r & 31);
          if (anchored[r]) starts.push((step * R + r) * key + p);
        }
      }
    }
    return { bits, words, starts: Float64Array.from(starts).sort(), key };
  }
}

/** How many classes the CJK characters of the keywords share. */
const CJK_CLASSES = 8;

/**
 * The multiplier of `starts` keys for a response of `length` characters: a power of two above every
 * offset, so keys stay exact doubles (below 2^53) for all the steps × rules a response can have.
 */
export const keyFor = (length: number) => 2 ** Math.ceil(Math.log2(length + 2));

/** Lists of numbers as one array and the start of each list in it (the last start is the end). */
function flatten(lists: readonly (readonly number[])[]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (start[i + 1] = start[i]! + l.length));
  const list = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => list.set(l, start[i]!));
  return [start, list];
}
