// Normalises an extracted answer to a canonical LaTeX-ish string: delimiters, text wrappers, spacing
// macros, \dfrac, units, thousands separators and trailing punctuation go; meaning stays.

const TEXT_WRAPPERS =
  /\\(?:text|textbf|textit|textrm|textnormal|mathrm|mathbf|mathit|mbox|operatorname|textsf|mathsf)\s*\{([^{}]*)\}/g;

const UNIT_WORDS = [
  'square units',
  'sq units',
  'units',
  'unit',
  'meters',
  'meter',
  'metres',
  'metre',
  'centimeters',
  'centimeter',
  'millimeters',
  'kilometers',
  'km',
  'cm',
  'mm',
  'm',
  'miles',
  'mile',
  'feet',
  'foot',
  'ft',
  'inches',
  'inch',
  'in',
  'yards',
  'kg',
  'g',
  'grams',
  'gram',
  'seconds',
  'second',
  's',
  'sec',
  'minutes',
  'minute',
  'min',
  'hours',
  'hour',
  'h',
  'hrs',
  'days',
  'day',
  'years',
  'year',
  'dollars',
  'dollar',
  'cents',
  'yuan',
  'euros',
  'euro',
  'degrees',
  'degree',
  'deg',
  'students',
  'people',
  'dots',
  'routes',
  'ways',
  'points',
  'N',
  'A',
  'V',
  'W',
  'J',
  'Ω',
  'ohms',
  'm/s',
  'm/s²',
  'm/s^2',
  'm²',
  'cm²',
  'm^2',
  'cm^2',
  'm³',
  'cm³',
  'km/h',
  'mph',
  'L',
  'mL',
  'liters',
  'papers',
  'bins',
];
const UNIT_RE = new RegExp(
  `(\\d|\\})\\s*(?:${UNIT_WORDS.map((u) => u.replace(/[/^.*+?()[\]{}|\\]/g, '\\$&')).join('|')})(?![A-Za-z])(?:\\^\\{?[23]\\}?)?(?=\\s*(?:$|[,;)\\]]))`,
  'g',
);

/** `\tan 45^\circ`, `\sin(30°)`: a trig function of a number of degrees. */
const TRIG_DEGREES =
  /\\(sin|cos|tan|cot|sec|csc)\s*\(?\s*(\d+(?:\.\d+)?)\s*(?:\^\s*\{?\\circ\}?|°|\\degree)\s*\)?/g;

/** A whole answer that is a number and then one or two lower-case words. */
const COUNTED_THINGS = /^(-?\d[\d,]*(?:\.\d+)?)\s*([a-z]{3,}(?:\s+[a-z]{3,})?)$/;
/** Words after a number that say more than what is counted. */
const NOT_A_THING = new Set([
  'and',
  'not',
  'nor',
  'the',
  'for',
  'with',
  'times',
  'more',
  'less',
  'than',
  'then',
  'plus',
  'minus',
  'over',
  'per',
  'out',
  'only',
  'each',
]);

export interface Normalized {
  text: string;
  /** The answer was written as a percentage ("28%", "28 percent"). */
  percent: boolean;
}

export function stripDelimiters(s: string): string {
  let t = s.trim();
  for (let changed = true; changed;) {
    changed = false;
    const m =
      /^\$\$([\s\S]*)\$\$$/.exec(t) ??
      /^\$([\s\S]*)\$$/.exec(t) ??
      /^\\\(([\s\S]*)\\\)$/.exec(t) ??
      /^\\\[([\s\S]*)\\\]$/.exec(t);
    if (m) {
      t = m[1]!.trim();
      changed = true;
    }
  }
  return t;
}

/** \frac12 → \frac{1}{2}, \sqrt3 → \sqrt{3}: the short forms people type. */
function expandShortForms(s: string): string {
  return s
    .replace(/\\[dtc]frac/g, '\\frac')
    .replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*(\d)\s*\{/g, '\\frac{$1}{')
    .replace(/\\frac\s*\{([^{}]*)\}\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\sqrt\s*(\d+|[a-zA-Z])/g, '\\sqrt{$1}');
}

/** Plain-text math as models type it ("-5 * sin(-5 * x)", "sqrt(3)/3", "2*pi") as LaTeX. */
function plainMathToLatex(t: string): string {
  if (!/(?<![\\a-zA-Z])(?:sin|cos|tan|cot|sec|csc|log|ln|exp|sqrt|pi)(?![a-zA-Z])|\*/.test(t)) return t;
  return t
    .replace(/(?<![\\a-zA-Z])sqrt\s*\(([^()]*)\)/g, '\\sqrt{$1}')
    .replace(/(?<![\\a-zA-Z])(sin|cos|tan|cot|sec|csc|log|ln|exp|pi)(?![a-zA-Z])/g, '\\$1')
    .replace(/\s*\*\s*/g, ' \\cdot ');
}

export function normalizeAnswer(raw: string): Normalized {
  // "\\frac" is an escaping artifact of the same command; "\\" before a space stays a row break
  let t = stripDelimiters(raw.replace(/\t/g, ' ').replace(/\\\\(?=[a-zA-Z])/g, '\\'));
  t = t.replace(/\\boxed\s*\{([\s\S]*)\}/g, '$1');
  t = plainMathToLatex(t);
  let percent = false;
  t = t.replace(/\\?%|\s*\b(?:percent(?:age)?|pct)\b/g, () => {
    percent = true;
    return '';
  });
  t = t
    .replace(/,\\!\s*/g, ',') // 11,\! 111 is one number
    .replace(/\\left|\\right|\\displaystyle|\\quad|\\qquad/g, ' ')
    // spacing macros, but not the second backslash of a "\\" row break
    .replace(/(?<!\\)\\[!,;: ]/g, ' ')
    .replace(/\\(?:dollar|\$)/g, '')
    .replace(/\$/g, '')
    // an angle in degrees inside a trig function is in radians there (tan 45° = 1); elsewhere the
    // degree sign is a unit and goes
    .replace(TRIG_DEGREES, '\\$1{($2\\cdot\\pi/180)}')
    .replace(/\^\s*\{?\\circ\}?|°|\\degree/g, '');
  for (let i = 0; i < 3; i++) t = t.replace(TEXT_WRAPPERS, '$1');
  t = expandShortForms(t);
  t = t.replace(UNIT_RE, '$1');
  // a count of things ("5 apples", "12 red marbles"): the number is the answer
  t = t.replace(COUNTED_THINGS, (all, n: string, words: string) =>
    words.split(/\s+/).some((w) => NOT_A_THING.has(w)) ? all : n,
  );
  t = t.replace(
    /(\d)\s*(?:个|本|只|人|元|米|厘米|毫米|千米|公里|克|千克|天|小时|分钟|秒|度|块|张|辆|条|次|岁|件|套|棵|朵|页|名|位|平方米|立方米)$/,
    '$1',
  );
  t = t.replace(/^[€£¥$]\s*|\s*[€£¥$]$/g, '');
  t = t.replace(/\\geq?|≥|=>(?!=)/g, '>=').replace(/\\leq?|≤|=<(?!=)/g, '<=');
  t = t
    .replace(/\\neq?|≠/g, '!=')
    .replace(/\\gt\b/g, '>')
    .replace(/\\lt\b/g, '<');
  t = t.replace(/\s+/g, ' ').trim();
  t = t
    .replace(/^[:=]\s*/, '')
    .replace(/[.。;]+$/, '')
    .trim();
  t = stripDelimiters(t).replace(/\$/g, '').trim();
  return { text: t, percent };
}

/** Parses a plain number with thousands separators or a decimal comma; null if it is not one. */
export function parsePlainNumber(s: string): number | null {
  let t = s.trim().replace(/^\+/, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t) && !/^-?0,/.test(t)) t = t.replace(/,/g, '');
  else if (/^-?\d{1,3}( \d{3})+(\.\d+)?$/.test(t)) t = t.replace(/ /g, '');
  else if (/^-?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  if (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(t)) return Number(t);
  const frac = /^(-?\d+)\s*\/\s*(\d+)$/.exec(t);
  if (frac && Number(frac[2]) !== 0) return Number(frac[1]) / Number(frac[2]);
  return null;
}
