// Answer forms that a value comparison misses but a grader would accept: a yes/no answer that goes
// on to explain ("No, the bus is not red"), a small number written as a word ("three" for 3), a set
// of option letters in any order and punctuation ("A, C" for "AC"), a reference that names its
// option with the option's text ("C. 14" for "C" or "14"), and a sentence holding exactly one
// number when the reference is that number ("The image shows 3 dogs.").

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

const clean = (s: string) =>
  s
    .replace(/\\text\{([^}]*)\}/g, '$1')
    .replace(/\*\*|[$]/g, '')
    .trim();

/** "three" → "3"; anything else unchanged. */
function fromWord(s: string): string {
  const i = NUMBER_WORDS.indexOf(s.toLowerCase().replace(/[.!]$/, ''));
  return i >= 0 ? String(i) : s;
}

/** "yes"/"no" a reply starts with ("No, the bus is not red."), or null. */
function yesNo(s: string): 'yes' | 'no' | null {
  const m = /^(yes|no)\b(?![-'])/i.exec(s);
  return m ? (m[1]!.toLowerCase() as 'yes' | 'no') : null;
}

/** "A, C", "A and C", "(A)(C)", "AC" → "AC" (sorted); null when it is not only option letters. */
function letterSet(s: string): string | null {
  const t = s.replace(/\b(?:and|or)\b|[\s,;&()（）]+/gi, '');
  if (!/^[A-H]{2,8}$/.test(t) || new Set(t).size !== t.length) return null;
  return [...t].sort().join('');
}

/** "C. 14", "(C) 14" → { letter: C, body: 14 }. */
function labelled(s: string): { letter: string; body: string } | null {
  const m = /^[（(]?([A-H])(?:[)）]|[.:：])\s*(\S[\s\S]*)$/.exec(s);
  return m ? { letter: m[1]!, body: m[2]!.trim() } : null;
}

/**
 * Whether `pred` matches `gold` in one of these forms: true or false when a form applies, null
 * when none does (the value comparison decides). `same` compares two plain values.
 */
export function formsEqual(
  gold: string,
  pred: string,
  same: (a: string, b: string) => boolean,
): boolean | null {
  const g = clean(gold);
  const p = clean(pred);
  const gy = yesNo(g);
  if (gy && g.split(/\s+/).length <= 2) {
    const py = yesNo(p);
    if (py) return py === gy;
  }
  const gw = fromWord(g);
  const pw = fromWord(p);
  if (gw !== g || pw !== p) if (same(gw, pw)) return true;
  const gs = letterSet(g);
  const ps = letterSet(p);
  if (gs && ps) return gs === ps;
  const gl = labelled(g);
  if (gl && /^[（(]?[A-H][)）.]?$/.test(p)) return p.replace(/[^A-H]/g, '') === gl.letter;
  if (gl && same(gl.body, p)) return true;
  // a sentence with one number, against a numeric reference
  if (/^-?\d+(?:\.\d+)?$/.test(g) && p.split(/\s+/).length >= 3) {
    const nums = p.match(/(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\d)/g) ?? [];
    if (nums.length === 1) return same(g, nums[0]!);
  }
  return null;
}
