// Splits a response into steps with character spans that cover the text in order, with no gap or
// overlap. One pass of charCodeAt over the text: this runs over gigabytes of rollouts.
//
// Boundaries: blank lines, line starts that begin a new thought, sentence ends, and discourse cues
// ("Wait", "Alternatively", …) inside a sentence. Never inside LaTeX math or environments, code
// fences, decimals, abbreviations or list markers. Fragments too small to be a thought are merged.
import type { Region } from './schema';

export interface StepSpan {
  start: number;
  end: number;
  region: Region;
}

export interface SegmentOptions {
  /** Steps with fewer non-space characters than this are merged into a neighbour. */
  minChars?: number;
}

const THINK_OPEN = '<think>';
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

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
const isLower = (c: number) => (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff);
const isUpper = (c: number) => (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => isLower(c) || isUpper(c);

export function thinkRegions(text: string): { start: number; end: number; region: Region }[] {
  const open = text.indexOf(THINK_OPEN);
  const close = text.indexOf(THINK_CLOSE, open < 0 ? 0 : open);
  const out: { start: number; end: number; region: Region }[] = [];
  const push = (start: number, end: number, region: Region) => {
    if (end > start) out.push({ start, end, region });
  };
  if (close >= 0) {
    const thinkStart = open >= 0 ? open : 0;
    push(0, thinkStart, 'other');
    push(thinkStart, close + THINK_CLOSE.length, 'think');
    push(close + THINK_CLOSE.length, text.length, 'answer');
  } else if (open >= 0) {
    // an interrupted generation: the think block never closed
    push(0, open, 'other');
    push(open, text.length, 'think');
  } else {
    // no tags: the reasoning runs until a final "Answer" paragraph, if there is one
    const m = /\n[ \t]*(?:\*\*)?(?:final answer|answer)\b[^\n]*$/i.exec(text.slice(-2000));
    const answerAt = m ? text.length - Math.min(2000, text.length) + m.index + 1 : text.length;
    push(0, answerAt, 'think');
    push(answerAt, text.length, 'answer');
  }
  return out;
}

/** Returns the step spans of `text`. Empty text has no steps. */
export function segment(text: string, opts: SegmentOptions = {}): StepSpan[] {
  const minChars = opts.minChars ?? 8;
  const raw: StepSpan[] = [];
  for (const r of thinkRegions(text)) {
    const cuts = boundaries(text, r.start, r.end);
    for (let i = 0; i < cuts.length; i++) {
      raw.push({ start: cuts[i]!, end: i + 1 < cuts.length ? cuts[i + 1]! : r.end, region: r.region });
    }
  }
  return mergeTiny(text, raw, minChars);
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
      out.push({ start, end: s.end, region: s.region });
      continue;
    }
    const next = steps[i + 1];
    if (n > 0 && next && next.region === s.region) {
      carry = start; // a short lead-in such as "Hmm." joins the thought it introduces
      continue;
    }
    const prev = out[out.length - 1];
    if (prev && (prev.region === s.region || n === 0)) prev.end = s.end;
    else if (n === 0 && next) carry = start;
    else out.push({ start, end: s.end, region: s.region });
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

/** Start offsets of the steps inside [from, to); the first is always `from`. */
export function boundaries(text: string, from: number, to: number): number[] {
  const cuts = [from];
  let inlineMath = 0; // 1: $…$, 2: \(…\)
  let displayMath = 0; // 1: $$…$$, 2: \[…\]
  let envDepth = 0;
  let fence = false;
  const cut = (at: number) => {
    if (at > cuts[cuts.length - 1]! && at < to) cuts.push(at);
  };
  const skipSpace = (i: number) => {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    return i;
  };
  /** Handles a fence at the line starting at `lineAt`; returns where scanning resumes, or -1. */
  const fenceLine = (lineAt: number): number => {
    const f = fenceAt(text, lineAt, to);
    if (f < 0) return -1;
    if (!fence && !inlineMath && !displayMath && !envDepth) cut(f);
    fence = !fence;
    const nl = text.indexOf('\n', f);
    return nl < 0 || nl >= to ? to : nl; // resume at the newline that ends the fence line
  };

  let i = from;
  const first = fenceLine(from);
  if (first >= 0) i = first;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
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
        if (!displayMath && !envDepth) cut(skipSpace(j));
        i = j - 1;
        continue;
      }
      if (!inlineMath && !displayMath && !envDepth && newLineStartsStep(text, i, j, to)) cut(j);
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
      cut(k);
      continue;
    }
    // a cue inside a sentence: "…so x = 5, wait, that contradicts…"
    if (
      text.charCodeAt(i + 1) === 32 &&
      i + 2 < to &&
      isLetter(text.charCodeAt(i + 2)) &&
      startsWithCue(text, i + 2)
    )
      cut(i + 2);
  }
  return cuts;
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

function isAbbreviation(text: string, dot: number, from: number): boolean {
  let s = dot - 1;
  while (s >= from && s > dot - 12) {
    const c = text.charCodeAt(s);
    if (isLetter(c) || c === 46) s--;
    else break;
  }
  const word = text.slice(s + 1, dot).toLowerCase();
  return word.length > 0 && ABBREVIATIONS.has(word);
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

function startsWithCue(text: string, i: number): boolean {
  const head = text.slice(i, i + 20).toLowerCase();
  for (const cue of MID_CUES) {
    if (head.startsWith(cue)) {
      const after = head.charCodeAt(cue.length);
      if (!(after >= 97 && after <= 122)) return true;
    }
  }
  return false;
}
