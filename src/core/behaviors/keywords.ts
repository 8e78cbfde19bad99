// The rules' keyword prefilter: which steps contain one of a rule's keywords (case-insensitive
// substrings). One Aho–Corasick automaton over every keyword of every rule, compiled to a dense
// transition table, reads each character of a step once with one array load — the single
// alternation regex it replaces visited every start position and cost more than the rules
// themselves on large dumps.
import type { StepSpan } from '../segment';
import { isBoundaryChar, isLineBreak } from './literals';

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

  /** Whether some rule is boundary-anchored: then a scan also lists the step's boundary positions. */
  private readonly boundaries: boolean;

  /**
   * `anchored[r]`: rule r's matches start with one of its keywords, or (`boundary[r]`) at a
   * boundary position (then it is a candidate in every step, and the scan lists those positions).
   */
  constructor(
    keywordsPerRule: readonly (readonly string[])[],
    anchored: readonly boolean[] = [],
    boundary: readonly boolean[] = [],
  ) {
    this.rules = keywordsPerRule.length;
    this.anchored = Uint8Array.from(keywordsPerRule, (_, r) => (anchored[r] ? 1 : 0));
    this.words = Math.max(1, Math.ceil(this.rules / 32));
    // a rule without keywords is a candidate in every step
    const always = new Uint32Array(this.words);
    keywordsPerRule.forEach((k, r) => {
      if (!k.length || boundary[r]) always[r >>> 5]! |= 1 << (r & 31);
    });
    this.boundaries = boundary.some(Boolean);
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
   * One flag per (step, rule), row-major: does the step contain one of the rule's keywords (the
   * whole keyword, inside the step)?
   */
  flags(response: string, steps: readonly StepSpan[]): Uint8Array {
    const R = this.rules;
    const flags = new Uint8Array(steps.length * R);
    const scan = new StepScan(this);
    steps.forEach((step, si) => {
      this.scanStep(response, step.start, step.end, scan);
      for (let r = 0; r < R; r++) flags[si * R + r] = (scan.bits[r >>> 5]! >>> (r & 31)) & 1;
    });
    return flags;
  }

  /**
   * Scans `response[from, to)` (one step: a rule's regex runs on the step's text alone, so only
   * keywords wholly inside it count) into `into`: the candidate bit set and, for anchored rules,
   * where their keywords start (offsets from `from`), grouped by rule and sorted.
   */
  scanStep(response: string, from: number, to: number, into: StepScan): void {
    into.reset(this.always);
    const { cls, delta, width: W, outStart, outList, kwLength, ruleStart, ruleList, anchored } = this;
    const bits = into.bits;
    const boundaries = this.boundaries;
    let afterBreak = true; // the step's start is a boundary position, as is the start of each line
    let s = 0;
    for (let i = from; i < to; i++) {
      const ch = response.charCodeAt(i);
      if (boundaries) {
        const lineBreak = isLineBreak(ch);
        if (afterBreak || lineBreak) into.boundary(i - from, true);
        else if (isBoundaryChar(ch)) into.boundary(i - from, false);
        afterBreak = lineBreak;
      }
      const t = delta[s * W + cls[ch]!]!;
      s = t >>> 1;
      if (!(t & 1)) continue;
      for (let o = outStart[s]!, oe = outStart[s + 1]!; o < oe; o++) {
        const k = outList[o]!;
        for (let q = ruleStart[k]!, qe = ruleStart[k + 1]!; q < qe; q++) {
          const r = ruleList[q]!;
          bits[r >>> 5]! |= 1 << (r & 31);
          if (anchored[r]) into.add(r, i - from - kwLength[k]! + 1);
        }
      }
    }
    into.group();
  }
}

/**
 * One step's scan, reused from step to step (no allocation per step): `bits`, a bit set of the
 * slots with a keyword in the step, and per anchored rule the sorted offsets where its keywords
 * start, `starts[lo(r)…hi(r))` (a keyword found twice at one offset is listed twice).
 */
export class StepScan {
  readonly bits: Uint32Array;
  /**
   * The step's boundary positions (for boundary-anchored rules), ascending: `bounds[0…nBounds)`,
   * each plus 2^30 when it is a sentence end only (not a line start or line break).
   */
  bounds = new Int32Array(64);
  nBounds = 0;
  /** The offsets, grouped by rule once the step is scanned. */
  starts = new Int32Array(256);
  private rule = new Int32Array(256);
  private at = new Int32Array(256);
  private n = 0;
  /** Per rule: its run's start in `starts` and its length. */
  private readonly first: Int32Array;
  private readonly count: Int32Array;
  /** The rules with starts in this step (their counts are cleared at the next reset). */
  private readonly touched: Int32Array;
  private nTouched = 0;

  constructor(index: KeywordIndex) {
    this.bits = new Uint32Array(index.words);
    this.first = new Int32Array(index.rules);
    this.count = new Int32Array(index.rules);
    this.touched = new Int32Array(index.rules);
  }

  lo(r: number): number {
    return this.first[r]!;
  }
  hi(r: number): number {
    return this.first[r]! + this.count[r]!;
  }

  reset(always: Uint32Array | undefined): void {
    if (always) this.bits.set(always);
    else this.bits.fill(0);
    for (let t = 0; t < this.nTouched; t++) this.count[this.touched[t]!] = 0;
    this.nTouched = 0;
    this.n = 0;
    this.nBounds = 0;
  }

  boundary(offset: number, line: boolean): void {
    if (this.nBounds === this.bounds.length) this.bounds = doubled(this.bounds);
    this.bounds[this.nBounds++] = line ? offset : offset | SENTENCE_ONLY;
  }

  add(r: number, offset: number): void {
    if (this.n === this.rule.length) {
      this.rule = doubled(this.rule);
      this.at = doubled(this.at);
      this.starts = new Int32Array(this.rule.length);
    }
    this.rule[this.n] = r;
    this.at[this.n++] = offset;
    if (this.count[r]!++ === 0) this.touched[this.nTouched++] = r;
  }

  /** Groups the offsets by rule (a counting sort), each run sorted (they arrive nearly in order). */
  group(): void {
    let next = 0;
    for (let t = 0; t < this.nTouched; t++) {
      const r = this.touched[t]!;
      this.first[r] = next;
      next += this.count[r]!;
    }
    for (let t = 0; t < this.nTouched; t++) this.count[this.touched[t]!] = 0;
    for (let i = 0; i < this.n; i++) {
      const r = this.rule[i]!;
      const at = this.first[r]! + this.count[r]!++;
      let j = at;
      const x = this.at[i]!;
      // insertion from the run's end: keywords end in order, so a start is at most one keyword
      // length before the previous
      while (j > this.first[r]! && this.starts[j - 1]! > x) {
        this.starts[j] = this.starts[j - 1]!;
        j--;
      }
      this.starts[j] = x;
    }
  }
}

/** `a` copied into an array twice its length (the scan's arrays grow for an unusually long step). */
function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The flag of a boundary position that is a sentence end only (see `StepScan.bounds`). */
export const SENTENCE_ONLY = 1 << 30;

/** How many classes the CJK characters of the keywords share. */
const CJK_CLASSES = 8;

/** Lists of numbers as one array and the start of each list in it (the last start is the end). */
function flatten(lists: readonly (readonly number[])[]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (start[i + 1] = start[i]! + l.length));
  const list = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => list.set(l, start[i]!));
  return [start, list];
}
