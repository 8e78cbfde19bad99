// Splits a response into steps with character spans, in order and without overlap, covering all
// of its text except region markers (`<think>`, `<tool_call>`…, see regions.ts). One pass of
// charCodeAt over the text: this runs over gigabytes of rollouts.
//
// Two granularities over the same cut points:
// - `sentence`: a step per sentence — blank lines, line starts that begin a new thought, sentence
//   ends (also 。！？) and discourse cues ("Wait", "Alternatively", …) inside a sentence.
// - `paragraph` (the default, what a reader calls a step): a step per thought. Blank lines,
//   headings, code fences, region changes and discourse cues always start one; a list stays with
//   its lead-in and its items stay together; consecutive short lines and short paragraphs group
//   until the step reaches about 160 characters; a paragraph longer than about 600 characters
//   is split at its sentence ends.
// Never a cut inside LaTeX math or environments, code fences, decimals, abbreviations or list
// markers. Fragments too small to be a thought are merged.
import type { Region } from './schema';
import { DEFAULT_MARKERS, type RegionMarker, scanRegions } from './regions';

export interface StepSpan {
  start: number;
  end: number;
  region: Region;
}

export type StepMode = 'paragraph' | 'sentence';

export interface SegmentOptions {
  /** Steps with fewer non-space characters than this are merged into a neighbour. */
  minChars?: number;
  mode?: StepMode;
  markers?: readonly RegionMarker[];
}

const THINK_CLOSE = '</think>';

/** Abbreviations whose trailing period does not end a sentence (lower-cased, without the period). */
const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'etc',
  'vs',
  'cf',
  'fig',
  'figs',
  'eq',
  'eqs',
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'st',
  'no',
  'approx',
  'al',
  'sec',
  'ch',
  'vol',
  'pp',
  'p',
  'resp',
  'ca',
  'viz',
  'a.m',
  'p.m',
  'u.s',
  'ex',
  'jr',
  'sr',
  'inc',
  'ltd',
  'co',
  'dept',
  'est',
  'min',
  'max',
  'avg',
  'std',
  'ref',
  'refs',
  'tab',
  'thm',
  'lem',
  'prop',
  'def',
]);

const ABBREVIATION_MAX = Math.max(...[...ABBREVIATIONS].map((a) => a.length));

/** Cues that open a new step even in the middle of a sentence (after a comma, colon, dash…). */
const MID_CUES = [
  'wait',
  'hmm',
  'hold on',
  'actually',
  'alternatively',
  'oh wait',
  'oops',
  'no wait',
  'on second thought',
  'let me double-check',
  'let me double check',
  'let me check',
  'let me verify',
  'let me re-check',
  'let me recheck',
  'let me reconsider',
  'let me re-examine',
  'let me look again',
  'but wait',
];
/** Sentence openers that start a new thought (a step of its own in paragraph mode). */
const THOUGHT_CUES =
  /^(?:\*\*)?(?:but wait|wait|hmm+|hold on|oh|oops|alternatively|on second thought|actually|no,|let me (?:double[- ]?check|check|verify|re-?check|reconsider|re-?examine|look again|look back|go back|re-?read|think again)|looking (?:back|again)|going back|let's (?:check|verify|double[- ]check)|double[- ]check|to (?:double[- ]check|verify|confirm)|但是|不过|等等|等一下|再检查|验证一下|我再)/i;

const isSpace = (c: number) => (c <= 32 ? c === 32 || c === 9 || c === 10 || c === 13 : c === 0xa0);
const isLower = (c: number) => (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff);
const isUpper = (c: number) => (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => isLower(c) || isUpper(c);

/** Cut kinds, weakest first. */
export const enum Cut {
  Start = 0,
  Sentence = 1,
  Cue = 2,
  Line = 3,
  Paragraph = 4,
}

/** Returns the step spans of `text`. Empty text has no steps. */
export function segment(text: string, opts: SegmentOptions = {}): StepSpan[] {
  return segmentBoth(text, opts, false).steps;
}

/**
 * The steps of `opts.mode` and the sentence steps of the same text, from one boundary scan (the
 * annotator needs sentences to find a trailing loop whatever the step mode).
 */
export function segmentWithSentences(
  text: string,
  opts: SegmentOptions = {},
): { steps: StepSpan[]; sentences: StepSpan[] } {
  return segmentBoth(text, opts, true);
}

function segmentBoth(text: string, opts: SegmentOptions, wantSentences: boolean) {
  const minChars = opts.minChars ?? 8;
  const paragraphs = (opts.mode ?? 'paragraph') === 'paragraph';
  const raw: StepSpan[] = [];
  const rawSentences: StepSpan[] = [];
  for (const r of scanRegions(text, opts.markers ?? DEFAULT_MARKERS).regions) {
    if (r.region === 'tool-call' || r.region === 'tool-output') {
      const block = { start: r.start, end: r.end, region: r.region }; // one block, shown collapsible
      raw.push(block);
      if (wantSentences && paragraphs) rawSentences.push({ ...block });
      continue;
    }
    const { cuts, kinds, counts } = boundaries(text, r.start, r.end);
    const region = r.region as Region;
    const spanOf = (i: number, j: number) => ({
      start: cuts[i]!,
      end: j < cuts.length ? cuts[j]! : r.end,
      region,
    });
    if (!paragraphs || wantSentences) {
      const into = paragraphs ? rawSentences : raw;
      for (let i = 0; i < cuts.length; i++) into.push(spanOf(i, i + 1));
    }
    if (!paragraphs) continue;
    const keep = paragraphCuts(text, cuts, kinds, counts, r.end);
    for (let i = 0; i < cuts.length; i++) {
      if (!keep[i]) continue;
      let j = i + 1;
      while (j < cuts.length && !keep[j]) j++;
      raw.push(spanOf(i, j));
    }
  }
  const steps = mergeTiny(text, raw, minChars);
  if (!wantSentences) return { steps, sentences: [] };
  return { steps, sentences: paragraphs ? mergeTiny(text, rawSentences, minChars) : steps };
}

const PARA_MIN = 160;
const PARA_MAX = 600;

/** Which sentence-level cuts survive as paragraph steps. */
function paragraphCuts(text: string, cuts: number[], kinds: Cut[], counts: number[], end: number): boolean[] {
  const keep = cuts.map(() => false);
  keep[0] = true;
  const unitEnd = (i: number) => (i + 1 < cuts.length ? cuts[i + 1]! : end);
  // non-space characters per unit (sentence): step sizes are running sums of them
  const count = cuts.map((_, i) => counts[i + 1]! - counts[i]!);
  let size = 0; // non-space characters of the current step so far
  let listOpen = false; // the current step is a list or the lead-in to one
  for (let i = 1; i < cuts.length; i++) {
    const at = cuts[i]!;
    const kind = kinds[i]!;
    size += count[i - 1]!;
    const last = lastNonSpace(text, cuts[i - 1]!, at);
    // the line-start patterns run on the unit's first 40 characters, only when its first
    // character allows them (a regex call and a slice per sentence were a third of segmentation)
    const lead = firstNonSpace(text, at, at + 40);
    let head: string | undefined;
    const item = LIST_LEAD(lead) && isListItem((head ??= text.slice(at, at + 40)));
    if (last === 58 || last === 0xff1a) listOpen = true; // ':' or '：' ends the previous unit
    const next = count[i]!;
    // a repeated paragraph stays a step of its own, so that the view can show the loop
    const same =
      kind >= Cut.Line &&
      next === count[i - 1] &&
      next > 0 &&
      sameNormalized(text, at, unitEnd(i), cuts[i - 1]!, at);
    let start: boolean;
    if (
      same ||
      (HEADING_LEAD(lead) && isHeading((head ??= text.slice(at, at + 40)))) ||
      text.startsWith('```', at)
    )
      start = size > 0;
    else if (item && listOpen) start = size >= PARA_MAX;
    else if (
      kind !== Cut.Cue &&
      THOUGHT_LEAD(text.charCodeAt(at)) &&
      THOUGHT_CUES.test(text.slice(at, at + 40))
    )
      start = size >= 12;
    else if (kind === Cut.Sentence || kind === Cut.Cue) start = size >= PARA_MAX;
    else start = size >= PARA_MIN || (kind === Cut.Paragraph && size >= 60 && next >= PARA_MIN);
    if (start) {
      keep[i] = true;
      size = 0;
      listOpen = item;
    } else if (item) listOpen = true;
  }
  return keep;
}

/** The last non-space character code in [from, to), or -1. */
function lastNonSpace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (!isSpace(c)) return c;
  }
  return -1;
}

/** The first character in [from, to) that `\s` does not match, or -1. */
function firstNonSpace(text: string, from: number, to: number): number {
  for (let i = from; i < to && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isJsSpace(c)) return c;
  }
  return -1;
}
/** What the regex class `\s` matches. */
const isJsSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || (c >= 0x1680 && isUnicodeSpace(c));
const isUnicodeSpace = (c: number) =>
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/** Can a unit starting with this character be a list item / heading / thought cue (necessary, not sufficient)? */
const LIST_LEAD = (c: number) =>
  c === 45 ||
  c === 42 ||
  c === 43 ||
  c === 0x2022 ||
  c === 40 ||
  c === 0xff08 ||
  isDigit(c) ||
  (c >= 97 && c <= 122);
const HEADING_LEAD = (c: number) =>
  c === 35 || c === 42 || c === 115 || c === 83 || c === 0x17f || c === 0x7b2c;
const THOUGHT_FIRST = new Set([...'*bwhoanlgdt但不等再验我'].map((ch) => ch.charCodeAt(0)));
const THOUGHT_LEAD = (c: number) => THOUGHT_FIRST.has(c < 128 ? c | 32 : c) || c === 42;

const isListItem = (head: string) =>
  /^\s*(?:[-*+•]\s|\d{1,2}[.)、]\s?|[a-z][.)]\s|\(\w\)\s|[（(]\d+[)）])/.test(head);
/** Markdown headings, bold heading lines, and the model's own step labels ("Step 3:", "第三步"). */
const isHeading = (head: string) =>
  /^\s*(?:#{1,6}\s|\*\*[^*\n]{1,60}\*\*\s*:?\s*(?:\n|$)|\**step\s+\d+\s*[:.)]|第[一二三四五六七八九十\d]+步)/i.test(
    head,
  );
/** Are two ranges of `text` equal once trimmed, with each run of `\s` read as one space? (no copies) */
function sameNormalized(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  const skip = (i: number, end: number) => {
    while (i < end && isJsSpace(text.charCodeAt(i))) i++;
    return i;
  };
  a = skip(a, aEnd);
  b = skip(b, bEnd);
  while (a < aEnd && b < bEnd) {
    const ca = text.charCodeAt(a);
    const cb = text.charCodeAt(b);
    const wa = isJsSpace(ca);
    if (wa !== isJsSpace(cb)) return skip(a, aEnd) >= aEnd && skip(b, bEnd) >= bEnd;
    if (wa) {
      a = skip(a, aEnd);
      b = skip(b, bEnd);
      continue;
    }
    if (ca !== cb) return false;
    a++;
    b++;
  }
  return skip(a, aEnd) >= aEnd && skip(b, bEnd) >= bEnd;
}

function nonSpaceCount(text: string, start: number, end: number, cap: number): number {
  let n = 0;
  for (let i = start; i < end && n < cap; i++) if (!isSpace(text.charCodeAt(i))) n++;
  return n;
}

function mergeTiny(text: string, steps: StepSpan[], minChars: number): StepSpan[] {
  const out: StepSpan[] = [];
  let carry = -1; // start of a tiny fragment waiting to join the next step of its region
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const start = carry >= 0 ? carry : s.start;
    carry = -1;
    const n = nonSpaceCount(text, start, s.end, minChars);
    if (n >= minChars) {
      s.start = start; // the spans are this call's own: reused, not copied
      out.push(s);
      continue;
    }
    const next = steps[i + 1];
    if (n > 0 && next && next.region === s.region && next.start === s.end) {
      carry = start; // a short lead-in such as "Hmm." joins the thought it introduces
      continue;
    }
    const prev = out[out.length - 1];
    if (prev && prev.end === start && (prev.region === s.region || n === 0)) prev.end = s.end;
    else if (n === 0 && next && next.start === s.end) carry = start;
    else if (n > 0) {
      s.start = start;
      out.push(s);
    }
  }
  return out;
}

/** ASCII characters that can change the scanner's state or end a step; everything else is skipped fast. */
const SPECIAL = new Uint8Array(128);
for (const ch of '\n\\$.?!,;:-') SPECIAL[ch.charCodeAt(0)] = 1;
const isSpecial = (c: number) =>
  c < 128 ? SPECIAL[c] === 1 : c === 0x2014 || c === 0x2013 || c === 0x3002 || c === 0xff1f || c === 0xff01;

/** If a code fence opens at the line starting at `i` (after indentation), the offset of its backticks. */
function fenceAt(text: string, i: number, to: number): number {
  while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return text.charCodeAt(i) === 96 && text.charCodeAt(i + 1) === 96 && text.charCodeAt(i + 2) === 96 ? i : -1;
}

/**
 * Start offsets of the steps inside [from, to) (the first is always `from`), their kinds, and the
 * non-space characters before each cut and before `to` (`counts[i]`, counted from `from`): paragraph
 * grouping sizes steps by them, and counting here reads each character once instead of twice.
 */
export function boundaries(
  text: string,
  from: number,
  to: number,
): { cuts: number[]; kinds: Cut[]; counts: number[] } {
  const cuts = [from];
  const kinds: Cut[] = [Cut.Start];
  const counts = [0];
  let counted = from; // characters before this are counted in `nonSpace`
  let nonSpace = 0;
  const countTo = (at: number) => {
    for (; counted < at; counted++) if (!isSpace(text.charCodeAt(counted))) nonSpace++;
    return nonSpace;
  };
  let inlineMath = 0; // 1: $…$, 2: \(…\)
  let displayMath = 0; // 1: $$…$$, 2: \[…\]
  let envDepth = 0;
  let fence = false;
  const cut = (at: number, kind: Cut) => {
    if (at > cuts[cuts.length - 1]! && at < to) {
      cuts.push(at);
      kinds.push(kind);
      counts.push(countTo(at));
    } else if (at === cuts[cuts.length - 1]! && kind > kinds[kinds.length - 1]!)
      kinds[kinds.length - 1] = kind;
  };
  const skipSpace = (i: number) => {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    return i;
  };
  /** Handles a fence at the line starting at `lineAt`; returns where scanning resumes, or -1. */
  const fenceLine = (lineAt: number): number => {
    const f = fenceAt(text, lineAt, to);
    if (f < 0) return -1;
    if (!fence && !inlineMath && !displayMath && !envDepth) cut(f, Cut.Paragraph);
    fence = !fence;
    const nl = text.indexOf('\n', f);
    return nl < 0 || nl >= to ? to : nl; // resume at the newline that ends the fence line
  };

  let i = from;
  const first = fenceLine(from);
  if (first >= 0) i = first;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (counted === i) {
      counted++;
      if (!isSpace(c)) nonSpace++;
    }
    if (!isSpecial(c)) continue;
    if (c === 10) {
      const f = fenceLine(i + 1);
      if (f >= 0) {
        i = f - 1;
        continue;
      }
      if (fence) continue;
      // blank line: paragraphs end, and unterminated inline math cannot cross them
      let j = i + 1;
      while (j < to && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13))
        j++;
      if (j < to && text.charCodeAt(j) === 10) {
        inlineMath = 0;
        if (!displayMath && !envDepth) cut(skipSpace(j), Cut.Paragraph);
        i = j - 1;
        continue;
      }
      if (!inlineMath && !displayMath && !envDepth && newLineStartsStep(text, i, j, to)) cut(j, Cut.Line);
      continue;
    }
    if (fence) continue;

    if (c === 92 /* \ */) {
      const n = text.charCodeAt(i + 1);
      if (n === 40 /* ( */ && !inlineMath && !displayMath) inlineMath = 2;
      else if (n === 41 /* ) */ && inlineMath === 2) inlineMath = 0;
      else if (n === 91 /* [ */ && !inlineMath && !displayMath) displayMath = 2;
      else if (n === 93 /* ] */ && displayMath === 2) displayMath = 0;
      else if (n === 98 /* b */ && text.startsWith('begin{', i + 1)) envDepth++;
      else if (n === 101 /* e */ && text.startsWith('end{', i + 1) && envDepth > 0) envDepth--;
      if (n !== 10) i++;
      continue;
    }
    if (c === 36 /* $ */) {
      if (text.charCodeAt(i + 1) === 36) {
        if (!inlineMath) displayMath = displayMath === 1 ? 0 : displayMath === 0 ? 1 : displayMath;
        i++;
      } else if (inlineMath === 1) inlineMath = 0;
      else if (!inlineMath && !displayMath && hasInlineCloser(text, i + 1, to)) inlineMath = 1;
      continue;
    }
    if (inlineMath || displayMath || envDepth) continue;

    if (
      c === 46 /* . */ ||
      c === 63 /* ? */ ||
      c === 33 /* ! */ ||
      c === 0x3002 ||
      c === 0xff1f ||
      c === 0xff01
    ) {
      let j = i + 1;
      while (j < to) {
        const d = text.charCodeAt(j);
        if (
          d === 46 ||
          d === 63 ||
          d === 33 ||
          d === 34 ||
          d === 39 ||
          d === 41 ||
          d === 93 ||
          d === 42 ||
          d === 0x201d
        )
          j++;
        else break;
      }
      const cjk = c >= 0x3000;
      if (j >= to || (!cjk && !isSpace(text.charCodeAt(j)))) continue;
      const k = skipSpace(j);
      if (k >= to) continue;
      if (isLower(text.charCodeAt(k))) continue; // "e.g. the", "approx. three"
      if (text.startsWith(THINK_CLOSE, k)) continue; // the closing tag stays with the last thought
      if (c === 46 && (isAbbreviation(text, i, from) || isListMarker(text, i, from))) continue;
      cut(k, Cut.Sentence);
      continue;
    }
    // a cue inside a sentence: "…so x = 5, wait, that contradicts…"
    if (
      text.charCodeAt(i + 1) === 32 &&
      i + 2 < to &&
      isLetter(text.charCodeAt(i + 2)) &&
      startsWithCue(text, i + 2)
    )
      cut(i + 2, Cut.Cue);
  }
  counts.push(countTo(to));
  return { cuts, kinds, counts };
}

function hasInlineCloser(text: string, from: number, to: number): boolean {
  const limit = Math.min(to, from + 1000);
  for (let i = from; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 36) return i > from;
    if (c === 92) i++;
    else if (c === 10 && text.charCodeAt(i + 1) === 10) return false;
  }
  return false;
}

function newLineStartsStep(text: string, nl: number, next: number, to: number): boolean {
  const k = next;
  if (k >= to) return false;
  const c = text.charCodeAt(k);
  // a list item or heading always starts a step
  if (c === 45 || c === 42 || c === 43 || c === 35 || c === 0x2022) return true;
  if (text.startsWith(THINK_CLOSE, k)) return false;
  if (isUpper(c) || isDigit(c) || c === 60 /* < */ || c === 92 || c === 36) return true;
  // otherwise only when the previous line ended a clause (not a hard-wrapped sentence)
  let p = nl - 1;
  while (p >= 0 && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 13)) p--;
  const e = text.charCodeAt(p);
  return e === 46 || e === 63 || e === 33 || e === 58 || e === 59;
}

/** Whether the period at `dot` ends an abbreviation ("e.g.", "vs.", "Fig."), not a sentence. */
export function isAbbreviation(text: string, dot: number, from: number): boolean {
  let s = dot - 1;
  while (s >= from && s > dot - 12) {
    const c = text.charCodeAt(s);
    if (isLetter(c) || c === 46) s--;
    else break;
  }
  const length = dot - s - 1;
  return length > 0 && length <= ABBREVIATION_MAX && ABBREVIATIONS.has(text.slice(s + 1, dot).toLowerCase());
}

function isListMarker(text: string, dot: number, from: number): boolean {
  // "1. ", "12. ", "a. " at the start of a line
  let s = dot - 1;
  let n = 0;
  while (s >= from && isDigit(text.charCodeAt(s))) {
    s--;
    n++;
  }
  if (n === 0) {
    if (s >= from && isLetter(text.charCodeAt(s))) {
      s--;
      n = 1;
    } else return false;
    if (s >= from && isLetter(text.charCodeAt(s))) return false;
  }
  while (s >= from && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s--;
  return s < from || text.charCodeAt(s) === 10;
}

/** First letters of the mid-sentence cues (lower case): most commas are followed by none of them. */
const CUE_FIRST = new Uint8Array(128);
for (const cue of MID_CUES) CUE_FIRST[cue.charCodeAt(0)] = 1;

function startsWithCue(text: string, i: number): boolean {
  const first = text.charCodeAt(i) | 32;
  if (first >= 128 || !CUE_FIRST[first]) return false;
  const head = text.slice(i, i + 20).toLowerCase();
  for (const cue of MID_CUES) {
    if (head.startsWith(cue)) {
      const after = head.charCodeAt(cue.length);
      if (!(after >= 97 && after <= 122)) return true;
    }
  }
  return false;
}
