// The learned model's sentence scores without building feature strings. `sentenceFeatures` (the
// reference, used by `fit`) names every word, word pair, opening word and neighbour feature of a
// sentence as a string and looks each up per behavior; on a rollout dump that cost ~8× the rules.
// Here the model's feature names are parsed once: words go into a trie over their characters, and
// each feature becomes a row of eight weights (one per behavior) found by table (one word) or by a
// numeric key (two words). A sentence is tokenized by one scan of the response, without slicing or
// lower-casing it, and each of its features adds its row once. Models that use rule hits as
// features need the rules run per sentence and go through `LearnedDetector` instead. The unit test
// compares these scores with the reference on every shared trace.
import { BEHAVIOR_IDS } from '../schema';
import type { StepSpan } from '../segment';
import type { LearnedModelFile } from './learned';

const B = BEHAVIOR_IDS.length;
const UNIGRAM = ['w', 's', 'p', 'ps', 'ns'] as const;
const BIGRAM = ['b', 's2', 'c'] as const;
const NONE = -1;
const CJK_FROM = 0x4e00;
const CJK_TO = 0x9fff;
// trie edges: a–z (0–25) and the apostrophe (26)
const EDGES = 27;

export class LexicalScorer {
  private readonly vocab = new Map<string, number>();
  /** Trie over the model's latin words: node → child per edge; `word[node]` its word id or NONE. */
  private trie = new Int32Array(EDGES * 64).fill(NONE);
  private word = new Int32Array(64).fill(NONE);
  private nodes = 1;
  private readonly cjk = new Int32Array(CJK_TO - CJK_FROM + 1).fill(NONE);
  private readonly symbol: Record<number, number> = {}; // '0' (any number), ✓ ✗ ? = → word id
  private readonly unigram: Record<(typeof UNIGRAM)[number], Int32Array>;
  private readonly bigram: Record<(typeof BIGRAM)[number], IntMap>;
  private readonly fixed = new Map<string, number>(); // 'first', 'pos:k', 'len:k' → row
  private readonly weights: Float64Array; // row-major, B per row
  private readonly bias = new Float64Array(B);
  private readonly platt: Float64Array;
  private readonly V: number;
  private readonly stamp: Int32Array;
  private epoch = 0;
  private ids = new Int32Array(0);
  private isCjk = new Uint8Array(0);
  private from = new Int32Array(0);
  private rows = new Int32Array(256);
  private readonly firstRow: number | undefined;
  private readonly posRows: (number | undefined)[];
  private readonly lenRows: (number | undefined)[];

  constructor(model: LearnedModelFile) {
    const names = [...new Set(BEHAVIOR_IDS.flatMap((b) => Object.keys(model.behaviors[b].weights)))];
    const parts = names.map((f) => {
      const colon = f.indexOf(':');
      const kind = colon < 0 ? '' : f.slice(0, colon);
      const rest = f.slice(colon + 1);
      if (kind === 'c') return { f, kind, a: rest.slice(0, 1), b: rest.slice(1) };
      if (kind === 'b' || kind === 's2') {
        const u = rest.indexOf('_');
        return { f, kind, a: rest.slice(0, u), b: rest.slice(u + 1) };
      }
      return { f, kind, a: rest, b: '' };
    });
    const idOf = (t: string) => {
      let id = this.vocab.get(t);
      if (id === undefined) this.vocab.set(t, (id = this.vocab.size));
      return id;
    };
    for (const p of parts) {
      if (!(UNIGRAM as readonly string[]).includes(p.kind) && !(BIGRAM as readonly string[]).includes(p.kind))
        continue;
      for (const t of p.b ? [p.a, p.b] : [p.a]) this.addWord(t, idOf(t));
    }
    this.V = this.vocab.size + 1;
    this.unigram = Object.fromEntries(UNIGRAM.map((k) => [k, new Int32Array(this.V).fill(NONE)])) as never;
    const pairs = (k: string) => parts.filter((p) => p.kind === k).length;
    this.bigram = Object.fromEntries(BIGRAM.map((k) => [k, new IntMap(pairs(k))])) as never;
    this.weights = new Float64Array(names.length * B);
    parts.forEach((p, row) => {
      if ((UNIGRAM as readonly string[]).includes(p.kind))
        this.unigram[p.kind as (typeof UNIGRAM)[number]][this.vocab.get(p.a)!] = row;
      else if ((BIGRAM as readonly string[]).includes(p.kind))
        this.bigram[p.kind as (typeof BIGRAM)[number]].set(
          this.vocab.get(p.a)! * this.V + this.vocab.get(p.b)!,
          row,
        );
      else this.fixed.set(p.f, row);
      BEHAVIOR_IDS.forEach(
        (beh, bi) => (this.weights[row * B + bi] = model.behaviors[beh].weights[p.f] ?? 0),
      );
    });
    BEHAVIOR_IDS.forEach((beh, bi) => (this.bias[bi] = model.behaviors[beh].bias));
    this.platt = Float64Array.from(BEHAVIOR_IDS.flatMap((b) => model.behaviors[b].platt));
    this.stamp = new Int32Array(names.length);
    this.firstRow = this.fixed.get('first');
    this.posRows = [0, 1, 2, 3, 4].map((k) => this.fixed.get(`pos:${k}`));
    this.lenRows = [0, 1, 2, 3].map((k) => this.fixed.get(`len:${k}`));
  }

  /** Files a token under its id: latin words in the trie, CJK characters and symbols in tables. */
  private addWord(t: string, id: number) {
    const c = t.charCodeAt(0);
    if (t.length === 1 && c >= CJK_FROM && c <= CJK_TO) this.cjk[c - CJK_FROM] = id;
    else if (t === '0' || t === '✓' || t === '✗' || t === '?' || t === '=') this.symbol[c] = id;
    else if (/^[a-z]+(?:'[a-z]+)?$/.test(t)) {
      let node = 0;
      for (let i = 0; i < t.length; i++) {
        const e = t.charCodeAt(i) === 39 ? 26 : t.charCodeAt(i) - 97;
        let next = this.trie[node * EDGES + e]!;
        if (next === NONE) {
          next = this.nodes++;
          if (this.nodes > this.word.length) this.grow();
          this.trie[node * EDGES + e] = next;
        }
        node = next;
      }
      this.word[node] = id;
    }
  }

  private grow() {
    const trie = new Int32Array(this.trie.length * 2).fill(NONE);
    trie.set(this.trie);
    const word = new Int32Array(this.word.length * 2).fill(NONE);
    word.set(this.word);
    this.trie = trie;
    this.word = word;
  }

  /**
   * Calibrated probability per sentence and behavior (row-major, BEHAVIOR_IDS order). `sentences`
   * are the reasoning sentences in order (the neighbour features look at the previous and next).
   */
  scores(response: string, sentences: readonly StepSpan[]): Float64Array {
    const n = sentences.length;
    // every sentence's tokens, flat (scratch reused across calls): word ids (NONE when no feature
    // names the word) and a CJK flag each; a token takes at least one character
    let chars = 0;
    for (const x of sentences) chars += x.end - x.start;
    if (this.ids.length <= chars) {
      this.ids = new Int32Array(chars + 1024);
      this.isCjk = new Uint8Array(chars + 1024);
    }
    if (this.from.length <= n) this.from = new Int32Array(n + 256);
    const { ids, isCjk, from, weights, stamp, unigram, bigram, V } = this;
    let count = 0;
    for (let i = 0; i < n; i++) {
      from[i] = count;
      count = this.tokenize(response, sentences[i]!.start, sentences[i]!.end, count);
    }
    from[n] = count;
    let longest = 0;
    for (let i = 0; i < n; i++) longest = Math.max(longest, from[i + 1]! - from[i]!);
    // per sentence: its own tokens' features (≤ 3 each), the previous one's words, 6 more
    if (this.rows.length < 3 * longest + longest + 16) this.rows = new Int32Array(4 * longest + 256);
    const rows = this.rows;
    const out = new Float64Array(n * B);
    for (let i = 0; i < n; i++) {
      // the rows of this sentence's features, each once
      const mark = ++this.epoch;
      let r = 0;
      const a0 = from[i]!;
      const a1 = from[i + 1]!;
      for (let k = a0; k < a1; k++) {
        const a = ids[k]!;
        const next = k + 1 < a1;
        if (isCjk[k]) {
          if (next && isCjk[k + 1] && a !== NONE && ids[k + 1] !== NONE)
            r = take(stamp, rows, r, mark, bigram.c.get(a * V + ids[k + 1]!));
          continue;
        }
        if (a === NONE) continue;
        r = take(stamp, rows, r, mark, unigram.w[a]!);
        if (next && !isCjk[k + 1] && ids[k + 1] !== NONE)
          r = take(stamp, rows, r, mark, bigram.b.get(a * V + ids[k + 1]!));
        if (k - a0 < 3) r = take(stamp, rows, r, mark, unigram.s[a]!);
      }
      if (a1 - a0 >= 2 && ids[a0] !== NONE && ids[a0 + 1] !== NONE)
        r = take(stamp, rows, r, mark, bigram.s2.get(ids[a0]! * V + ids[a0 + 1]!));
      if (i > 0) {
        const p0 = from[i - 1]!;
        for (let k = p0; k < a0; k++)
          if (!isCjk[k] && ids[k] !== NONE) r = take(stamp, rows, r, mark, unigram.p[ids[k]!]!);
        if (a0 > p0 && ids[p0] !== NONE) r = take(stamp, rows, r, mark, unigram.ps[ids[p0]!]!);
      } else r = take(stamp, rows, r, mark, this.firstRow);
      if (i + 1 < n && from[i + 2]! > a1 && ids[a1] !== NONE)
        r = take(stamp, rows, r, mark, unigram.ns[ids[a1]!]!);
      r = take(stamp, rows, r, mark, this.posRows[Math.min(4, Math.floor((5 * i) / Math.max(1, n)))]);
      const len = a1 - a0;
      r = take(stamp, rows, r, mark, this.lenRows[len < 6 ? 0 : len < 15 ? 1 : len < 30 ? 2 : 3]);
      const o = i * B;
      for (let bi = 0; bi < B; bi++) out[o + bi] = this.bias[bi]!;
      for (let q = 0; q < r; q++) {
        const w = rows[q]! * B;
        for (let bi = 0; bi < B; bi++) out[o + bi]! += weights[w + bi]!;
      }
      for (let bi = 0; bi < B; bi++) {
        const v = this.platt[2 * bi]! * out[o + bi]! + this.platt[2 * bi + 1]!;
        out[o + bi] = 1 / (1 + Math.exp(-v));
      }
    }
    return out;
  }

  /**
   * Appends the tokens of response[start, end) — `learned.ts`'s TOKEN regex over the lower-cased
   * text — from `at`; returns the new count. Letters are lower-cased as they are read; the two
   * characters whose lower case is not one latin letter (K-sign, dotted İ) go the slow way.
   */
  private tokenize(s: string, start: number, end: number, at: number): number {
    const { trie, word, ids, isCjk } = this;
    let n = at;
    for (let i = start; i < end;) {
      const c = s.charCodeAt(i);
      const l = c >= 65 && c <= 90 ? c + 32 : c;
      if (l >= 97 && l <= 122) {
        let node = trie[l - 97]!;
        let j = i + 1;
        for (; j < end; j++) {
          const d = lower(s.charCodeAt(j));
          if (d < 97 || d > 122) break;
          node = node === NONE ? NONE : trie[node * EDGES + d - 97]!;
        }
        // an apostrophe joins letters on both sides: "don't", "april's"
        if (j + 1 < end && s.charCodeAt(j) === 39 && isLatin(lower(s.charCodeAt(j + 1)))) {
          node = node === NONE ? NONE : trie[node * EDGES + 26]!;
          for (j++; j < end; j++) {
            const d = lower(s.charCodeAt(j));
            if (d < 97 || d > 122) break;
            node = node === NONE ? NONE : trie[node * EDGES + d - 97]!;
          }
        }
        if (j < end && (s.charCodeAt(j) === 0x212a || s.charCodeAt(j) === 0x130))
          return this.tokenizeSlow(s, start, end, at);
        n = push(ids, isCjk, n, node === NONE ? NONE : word[node]!, 0);
        i = j;
      } else if (c >= 48 && c <= 57) {
        let j = i + 1;
        while (j < end && isDigit(s.charCodeAt(j))) j++;
        if (j + 1 < end && s.charCodeAt(j) === 46 && isDigit(s.charCodeAt(j + 1))) {
          j += 2;
          while (j < end && isDigit(s.charCodeAt(j))) j++;
        }
        n = push(ids, isCjk, n, this.symbol[48] ?? NONE, 0);
        i = j;
      } else if (c >= CJK_FROM && c <= CJK_TO) {
        n = push(ids, isCjk, n, this.cjk[c - CJK_FROM]!, 1);
        i++;
      } else {
        if (c === 0x212a || c === 0x130) return this.tokenizeSlow(s, start, end, at);
        if (c === 0x2713 || c === 0x2717 || c === 63 || c === 61)
          n = push(ids, isCjk, n, this.symbol[c] ?? NONE, 0);
        i++;
      }
    }
    return n;
  }

  /** The reference tokenization (toLowerCase, then the regex), for sentences with K-sign or İ. */
  private tokenizeSlow(s: string, start: number, end: number, at: number) {
    const { ids, isCjk } = this;
    let n = at;
    for (const m of s.slice(start, end).toLowerCase().matchAll(TOKEN)) {
      const t = m[0];
      const c = t.charCodeAt(0);
      if (c >= CJK_FROM && c <= CJK_TO) n = push(ids, isCjk, n, this.cjk[c - CJK_FROM]!, 1);
      else if (c >= 48 && c <= 57) n = push(ids, isCjk, n, this.symbol[48] ?? NONE, 0);
      else if (c < 97 || c > 122) n = push(ids, isCjk, n, this.symbol[c] ?? NONE, 0);
      else n = push(ids, isCjk, n, this.vocab.get(t) ?? NONE, 0);
    }
    return n;
  }
}

// must match `learned.ts`
const TOKEN = /[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?|[\u4e00-\u9fff]|[✓✗?=]/g;

/** Appends `row` to `rows[0, r)` unless absent or already there this sentence; returns the count. */
function take(stamp: Int32Array, rows: Int32Array, r: number, mark: number, row: number | undefined): number {
  if (row === undefined || row === NONE || stamp[row] === mark) return r;
  stamp[row] = mark;
  rows[r] = row;
  return r + 1;
}

/**
 * Non-negative integer → row (NONE when absent): open addressing in two typed arrays. The pair
 * features' lookups were the largest cost of scoring with a Map.
 */
class IntMap {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  constructor(size: number) {
    let cap = 16;
    while (cap < 2 * size) cap *= 2;
    this.keys = new Int32Array(cap).fill(NONE);
    this.values = new Int32Array(cap).fill(NONE);
    this.mask = cap - 1;
  }
  private slot(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    i = (i ^ (i >>> 16)) & this.mask;
    while (this.keys[i] !== NONE && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }
  set(key: number, value: number) {
    const i = this.slot(key);
    this.keys[i] = key;
    this.values[i] = value;
  }
  get(key: number): number {
    return this.values[this.slot(key)]!;
  }
}

function push(ids: Int32Array, isCjk: Uint8Array, n: number, id: number, cjk: number): number {
  ids[n] = id;
  isCjk[n] = cjk;
  return n + 1;
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
const isLatin = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
