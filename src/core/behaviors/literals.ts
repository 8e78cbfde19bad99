// Required literals of a regular expression: a set of strings such that every match of the regex
// contains at least one of them (case-folded). The rule detector feeds them to its keyword
// automaton, so a rule's regex runs only on steps that can match it, without anyone keeping a
// keyword list in step with the pattern (the idea of RE2's and codesearch's prefilters).
// Covers the JavaScript syntax rule files use; anything it does not understand only makes the
// answer weaker (fewer or no literals), never wrong.
import { isSentenceEnd } from './sentences';

/** What is known of the strings a regex node matches: all of them (exact) or one factor of each (any). */
interface Info {
  exact?: string[];
  any?: string[];
  /** Strings one of which every match starts with (implied by `exact` when that is known). */
  prefix?: string[];
  /** Sets of strings each of which every match contains one of (a conjunction, beside `any`). */
  all?: string[][];
  /** `^` (a line start in the rules' multiline regexes). */
  bol?: boolean;
  /**
   * Where every match starts: with one of `lits`, or at a boundary position — `boundary` 1: a line
   * start or line break, 2: those or a sentence end (see `boundaryAnchors`). Set where it says more
   * than `prefix`: some alternatives start at a boundary.
   */
  start?: { lits: string[]; boundary: 0 | 1 | 2 };
}
const pre = (i: Info) => i.exact ?? i.prefix;

const CROSS_MAX = 256;
const NONE: Info = {};
const EMPTY: Info = { exact: [''] };
const BOL: Info = { exact: [''], bol: true };

/** How an item starts, if it starts with a literal or at a boundary (see `Info.start`). */
function startOf(i: Info): Info['start'] {
  if (i.bol) return { lits: [], boundary: 1 };
  if (i.start) return i.start;
  // a match starting on a line break or a sentence end: `(?:^|\n|[.!?]\s+)…`, `[。\n]…`
  if (i.exact?.length && i.exact.every((s) => s.length > 0 && isBoundaryChar(s.charCodeAt(0))))
    return { lits: [], boundary: i.exact.some((s) => !isLineBreak(s.charCodeAt(0))) ? 2 : 1 };
  const p = pre(i);
  return p && score(p) > 0 ? { lits: p, boundary: 0 } : undefined;
}

/**
 * A set's worth as a filter: its shortest string's weight (a set with '' filters nothing). A
 * character outside ASCII (a CJK character, ✓) is about as rare in text as three Latin letters in a
 * row: it weighs 3, so "在" or "✓" is a literal worth filtering on.
 */
const weight = (x: string) => {
  let w = 0;
  for (let i = 0; i < x.length; i++) w += x.charCodeAt(i) < 0x80 ? 1 : 3;
  return w;
};
const score = (s?: string[]) => {
  if (!s) return 0;
  let w = scores.get(s);
  if (w === undefined) {
    w = Infinity;
    for (const x of s) w = Math.min(w, weight(x));
    scores.set(s, w);
  }
  return w;
};
/** Each set's score, once (sets are never changed after they are built). */
const scores = new WeakMap<string[], number>();
function best(...sets: (string[] | undefined)[]): string[] | undefined {
  let out: string[] | undefined;
  for (const s of sets) {
    if (!s || !s.length || score(s) === 0) continue;
    if (!out || score(s) > score(out) || (score(s) === score(out) && s.length < out.length)) out = s;
  }
  return out;
}
const uniq = (a: string[]) => [...new Set(a)];

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Info {
    const info = this.alternation();
    if (this.i < this.src.length) throw new Error(`unexpected ${this.src[this.i]} at ${this.i}`);
    return info;
  }

  private alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    if (branches.every((b) => b.exact)) {
      const exact = uniq(branches.flatMap((b) => b.exact!));
      if (exact.length <= CROSS_MAX) return { exact, start: joinStarts(branches) };
    }
    const parts = branches.map((b) => best(b.exact, b.any));
    const starts = branches.map(pre);
    const any = parts.every(Boolean) ? uniq(parts.flatMap((p) => p!)) : undefined;
    return {
      any,
      prefix: starts.every(Boolean) ? uniq(starts.flatMap((p) => p!)) : undefined,
      all: any ? [any] : undefined,
      start: joinStarts(branches),
    };
  }

  private sequence(): Info {
    let run: string[] | undefined = [''];
    let broken = false;
    let any: string[] | undefined;
    let head: string[] = ['']; // what every match starts with, built while the items are known
    let open = true;
    let start: Info['start'];
    let leading = true; // only zero-width items so far (lookarounds, \b)
    const all: string[][] = []; // every set some item requires, for the conjunction
    const need = (set?: string[]) => set && set.length && !set.includes('') && all.push(set);
    // both sets hold distinct strings: one suffix (a literal character, the common case) keeps them
    // distinct, so only a real product needs de-duplicating (the product was half of building a
    // detector, which every worker thread does)
    const cross = (a: string[], b: string[]) =>
      b.length === 1
        ? a.map((x) => x + b[0])
        : a.length === 1 && a[0] === ''
          ? b.slice()
          : uniq(a.flatMap((x) => b.map((y) => x + y)));
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const item = this.quantified();
      if (leading && !(item.exact?.length === 1 && item.exact[0] === '' && !item.bol)) {
        leading = false;
        start = startOf(item);
      }
      if (open) {
        const p = pre(item);
        const fits = !!p && head.length * p.length <= CROSS_MAX;
        if (fits) head = cross(head, p);
        open = fits && !!item.exact; // past an item only partly known, what follows is not a prefix
      }
      if (item.all) all.push(...item.all);
      need(item.any);
      need(item.exact); // a group's alternatives on their own: a gate apart from the run around them
      if (run && item.exact && run.length * item.exact.length <= CROSS_MAX) {
        run = cross(run, item.exact);
        any = best(any, item.any);
        continue;
      }
      need(run);
      any = best(any, run, item.any);
      broken = true;
      run = item.exact;
    }
    need(run);
    // a sequence that starts at a boundary: its start says so; else its prefix (`head`) says more
    if (!start?.boundary) start = undefined;
    return broken
      ? { any: best(any, run), prefix: head, all, start }
      : { exact: run, any, prefix: head, all, start };
  }

  private quantified(): Info {
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    const [min, max] = q;
    if (min === 0) return max === 1 && atom.exact ? { exact: uniq([...atom.exact, '']) } : NONE;
    if (min === 1 && max === 1) return atom;
    return { any: best(atom.exact, atom.any), prefix: pre(atom), all: atom.all, start: startOf(atom) };
  }

  private quantifier(): [number, number] | undefined {
    const c = this.src[this.i];
    let q: [number, number] | undefined;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return undefined; // a literal brace
      this.i += m[0].length - 1;
      q = [Number(m[1]), m[2] ? (m[3] ? Number(m[3]) : Infinity) : Number(m[1])];
    }
    if (!q) return undefined;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy
    return q;
  }

  private atom(): Info {
    const c = this.src[this.i++]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '\\':
        return this.escape();
      case '.':
        return NONE;
      case '^':
        return BOL;
      case '$':
        return EMPTY;
      default:
        return { exact: [c.toLowerCase()] };
    }
  }

  private group(): Info {
    let lookaround = false;
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i, this.i + 3);
      if (rest.startsWith('?:')) this.i += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!')) {
        this.i += 2;
        lookaround = true;
      } else if (rest === '?<=' || rest === '?<!') {
        this.i += 3;
        lookaround = true;
      } else if (rest.startsWith('?<')) this.i = this.src.indexOf('>', this.i) + 1;
      else throw new Error(`unknown group at ${this.i}`);
    }
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Error(`unclosed group at ${this.i}`);
    this.i++;
    return lookaround ? EMPTY : inner;
  }

  private escape(): Info {
    const c = this.src[this.i++]!;
    if (c === 'b' || c === 'B') return EMPTY;
    if ('dDwWsSpPk'.includes(c) || /[1-9]/.test(c)) {
      if (c === 'k') this.i = this.src.indexOf('>', this.i) + 1;
      if (c === 'p' || c === 'P') this.i = this.src.indexOf('}', this.i) + 1;
      return NONE;
    }
    return { exact: [this.escapedChar(c)] };
  }

  /** The character an escape other than a class stands for (the escape's letter already read). */
  private escapedChar(c: string): string {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };
    if (simple[c] !== undefined) return simple[c];
    if (c === 'x' || c === 'u') {
      const n = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + n);
      if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === n) {
        this.i += n;
        return String.fromCharCode(parseInt(hex, 16)).toLowerCase();
      }
    }
    return c.toLowerCase();
  }

  private charClass(): Info {
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const chars = new Set<string>();
    let open = false; // holds \d, \w, \s or a range too wide to list
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let c = this.src[this.i++]!;
      if (c === '\\') {
        const e = this.src[this.i++]!;
        if ('dDwWsS'.includes(e)) {
          open = true;
          continue;
        }
        c = e === 'b' ? '\b' : this.escapedChar(e);
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let to = this.src[this.i++]!;
        if (to === '\\') to = this.escapedChar(this.src[this.i++]!);
        const a = c.charCodeAt(0);
        const b = to.charCodeAt(0);
        if (b - a > 16) open = true;
        else for (let k = a; k <= b; k++) chars.add(String.fromCharCode(k).toLowerCase());
        continue;
      }
      chars.add(c.toLowerCase());
    }
    this.i++; // ]
    if (negated || open || chars.size > 12) return NONE;
    return { exact: [...chars] };
  }
}

/**
 * What is known of `source`'s matches, or undefined where the parser does not follow it. Memoized:
 * a detector asks four questions of each of its few hundred regexes (a bounded cache: rule files
 * are small).
 */
function parsed(source: string): Info | undefined {
  if (cache.has(source)) return cache.get(source);
  let info: Info | undefined;
  try {
    info = new Parser(source).parse();
  } catch {
    info = undefined;
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(source, info);
  return info;
}
const cache = new Map<string, Info | undefined>();
const CACHE_MAX = 4096;

/** The chosen set, lower-cased, cut to `maxLength`, if its shortest string weighs `minLength` (see `weight`). */
function literalsOf(
  source: string,
  choose: (i: Info) => string[] | undefined,
  minLength: number,
  maxLength: number,
): string[] | undefined {
  const info = parsed(source);
  if (!info) return undefined;
  const set = choose(info);
  return set && score(set) >= minLength ? uniq(set.map((s) => s.slice(0, maxLength))) : undefined;
}

/**
 * Literals one of which every match of `source` contains (lower-cased), or undefined when the
 * regex gives none worth filtering on (a shortest literal weighing under `minLength`, see `weight`). Each is
 * cut to `maxLength` characters (a prefix of a required literal is one too): a smaller automaton
 * for a little less selectivity.
 */
export const requiredLiterals = (source: string, minLength = 3, maxLength = Infinity) =>
  literalsOf(source, (i) => best(i.exact, i.any), minLength, maxLength);

/**
 * Literals one of which every match of `source` starts with (lower-cased, cut to `maxLength`), or
 * undefined when there are none weighing `minLength`: then a match can only begin where one of
 * them occurs, and the regex need only be tried there.
 */
export const prefixLiterals = (source: string, minLength = 2, maxLength = Infinity) =>
  literalsOf(source, pre, minLength, maxLength);

/** Where every branch's match starts, joined: undefined unless each starts with a literal or at a boundary, and one at a boundary. */
function joinStarts(branches: readonly Info[]): Info['start'] {
  const starts = branches.map(startOf);
  if (!starts.every(Boolean) || !starts.some((s) => s!.boundary)) return undefined;
  return {
    lits: uniq(starts.flatMap((s) => s!.lits)),
    boundary: starts.some((s) => s!.boundary === 2) ? 2 : 1,
  };
}

/**
 * Where every match of `source` starts, when some of its alternatives start at a boundary (a line
 * start, a line break, a sentence end: `(?:^|\n)\W*plan`) and the others with a literal: those
 * literals (lower-cased, cut to `maxLength`, each weighing `minLength`), or undefined. A match can
 * then only begin where one of the literals does, at the text's start, on a line break or after one
 * (`isLineBreak`) — and, with `sentences`, on a sentence end (`isBoundaryChar`).
 */
export function boundaryAnchors(
  source: string,
  minLength = 2,
  maxLength = Infinity,
): { literals: string[]; sentences: boolean } | undefined {
  const info = parsed(source);
  if (!info) return undefined;
  const start = info.start ?? startOf(info);
  if (!start?.boundary || start.lits.some((l) => weight(l) < minLength)) return undefined;
  return { literals: uniq(start.lits.map((l) => l.slice(0, maxLength))), sentences: start.boundary === 2 };
}

/** A sentence end or a line break, \r included: a match may start on one (a boundary position). */
export const isBoundaryChar = (c: number) => c === 13 || isSentenceEnd(c);
/** A line terminator of a multiline `^`: the position after it is a boundary position. */
export const isLineBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/**
 * Sets of literals such that every match of `source` contains one literal of each set (lower-cased,
 * cut to `maxLength`), those whose shortest literal weighs `minLength` (see `weight`), best first:
 * a conjunction. A step that lacks any one set cannot match, whatever the other sets say.
 */
export function requiredLiteralSets(source: string, minLength = 3, maxLength = Infinity): string[][] {
  const info = parsed(source);
  if (!info) return [];
  const sets = new Map<string, string[]>();
  for (const set of [best(info.exact, info.any), ...(info.all ?? [])]) {
    if (!set || score(set) < minLength) continue;
    const cut = uniq(set.map((s) => s.slice(0, maxLength))).sort();
    sets.set(cut.join('\0'), cut);
  }
  return [...sets.values()].sort((a, b) => score(b) - score(a) || a.length - b.length);
}

/**
 * A pattern that opens with lookbehinds, split into those lookbehinds and the rest: `[guard, rest]`,
 * or undefined. A regex engine tries a leading lookbehind at every position it searches (a backward
 * scan each time: one rule's `(?<!zoom … {0,60})` was a third of all detection time); searching for
 * `rest` and testing `guard` only where it matches finds the same matches. Not split when the
 * lookbehinds capture (the rest's group numbers would change).
 */
export function splitLeadingLookbehinds(source: string): [guard: string, rest: string] | undefined {
  let i = 0;
  while (source.startsWith('(?<!', i) || source.startsWith('(?<=', i)) {
    const end = groupEnd(source, i);
    if (end < 0) return undefined;
    i = end + 1;
  }
  if (!i || i >= source.length) return undefined;
  const guard = source.slice(0, i);
  if (/(?:^|[^\\])\((?!\?)/.test(guard.replace(/\\\\/g, ''))) return undefined;
  const rest = source.slice(i);
  // `(?<!a)b|c`: the lookbehind belongs to the first branch only
  return groupEnd(`(${rest})`, 0, true) === rest.length + 1 ? [guard, rest] : undefined;
}

/**
 * The index of the `)` closing the group opened at `open` (escapes and classes skipped), or -1;
 * with `noBranch`, -1 too when the group has a `|` of its own.
 */
function groupEnd(source: string, open: number, noBranch = false): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    else if (c === '|' && noBranch && depth === 1) return -1;
  }
  return -1;
}
