// Decides whether a predicted answer equals the reference: option letters vs option text, numbers
// with tolerance, fractions, percentages, symbolic expressions (through @cortex-js/compute-engine,
// with random-point evaluation when free variables are involved), relations, tuples, sets,
// intervals and matrices.
import { formsEqual } from './forms';
import type { ComputeEngine } from '@cortex-js/compute-engine';
import { normalizeAnswer, parsePlainNumber } from './normalize';

let engine: ComputeEngine | undefined;
/** Required on first use: most answers never need it, and it is most of the bundle's size. */
const ce = () =>
  (engine ??= new // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('@cortex-js/compute-engine') as typeof import('@cortex-js/compute-engine')).ComputeEngine());

const REL_TOL = 1e-6;

export function numbersClose(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  if (Math.abs(a - b) <= REL_TOL * Math.max(1, Math.abs(a), Math.abs(b))) return true;
  return Math.round(a * 1e6) === Math.round(b * 1e6);
}

/** Splits at top-level separators (outside (), [], {}, \left…\right). */
export function splitTopLevel(s: string, seps: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      if (s.startsWith('\\{', i)) depth++;
      else if (s.startsWith('\\}', i)) depth--;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0) {
      seps.lastIndex = 0;
      const m = seps.exec(s.slice(i));
      if (m && m.index === 0) {
        out.push(s.slice(from, i));
        i += m[0].length - 1;
        from = i + 1;
      }
    }
  }
  out.push(s.slice(from));
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

const LIST_SEP = /^(?:,|;|\s*\b(?:and|or)\b\s*|\s*\\text\{\s*(?:and|or)\s*\}\s*)/;

function isWrapped(s: string, open: string, close: string): boolean {
  if (!s.startsWith(open) || !s.endsWith(close)) return false;
  // the opening bracket must close at the very end
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      if (s.startsWith('\\{', i)) depth++;
      else if (s.startsWith('\\}', i)) depth--;
      i++;
      if (depth === 0 && i < s.length - 1) return false;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    if (depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

type Val =
  | { kind: 'scalar'; s: string; percent: boolean }
  | { kind: 'seq'; open: string; close: string; items: string[] }
  | { kind: 'set'; items: string[] }
  | { kind: 'union'; parts: string[] }
  | { kind: 'matrix'; rows: string[][] }
  | { kind: 'rel'; parts: string[]; ops: string[] };

const REL_OPS = /^(?:<=|>=|!=|=|<|>)/;

function parseMatrix(s: string): string[][] | null {
  const m = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*?)\\end\{\1\}$/.exec(
    s.replace(/^\[|\]$/g, '').trim(),
  );
  if (!m || /\\(?:begin|end)\{/.test(m[2]!)) return null; // "A + B": two matrices, not one
  return m[2]!
    .split(/\\\\/)
    .map((r) => r.split('&').map((x) => x.trim()))
    .filter((r) => r.some((x) => x));
}

function parseVal(raw: string, percent: boolean): Val {
  let s = raw.trim().replace(/^\\in\s*/, '');
  s = s.replace(/^[a-zA-Z]\s*\\in\s*/, '');
  const mat = parseMatrix(s);
  if (mat) return { kind: 'matrix', rows: mat };
  const union = splitTopLevel(s, /^\\cup/);
  if (union.length > 1) return { kind: 'union', parts: union };
  if (isWrapped(s, '\\{', '\\}') || (isWrapped(s, '{', '}') && s.includes(','))) {
    const inner = s.startsWith('\\{') ? s.slice(2, -2) : s.slice(1, -1);
    return { kind: 'set', items: splitTopLevel(inner, LIST_SEP) };
  }
  if (/^[[(]/.test(s) && /[\])]$/.test(s) && isWrapped(s, s[0]!, s[s.length - 1]!)) {
    const items = splitTopLevel(s.slice(1, -1), /^[,;]/);
    if (items.length > 1) return { kind: 'seq', open: s[0]!, close: s[s.length - 1]!, items };
  }
  const list = splitTopLevel(s, LIST_SEP);
  if (list.length > 1) return { kind: 'set', items: list };
  const rel = splitTopLevel(s, REL_OPS);
  if (rel.length > 1) {
    const ops: string[] = [];
    let depth = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\') {
        i++;
        continue;
      }
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      else if (depth === 0) {
        const m = REL_OPS.exec(s.slice(i));
        if (m) {
          ops.push(m[0]);
          i += m[0].length - 1;
        }
      }
    }
    return { kind: 'rel', parts: rel, ops };
  }
  return { kind: 'scalar', s, percent };
}

/** A left-hand side that only names the answer: x, a_3, f(x), |AB|, A:B, \frac{NO}{BO}, (p,q). */
function isLabel(s: string): boolean {
  const t = s.replace(/_\{[^}]*\}|_\w/g, '').trim();
  if (!t || parsePlainNumber(t) !== null) return false;
  return !/[+\-]/.test(t) && !/^\d/.test(t);
}

/** Candidate readings of an answer: "1,2" is a decimal in some locales and a list in others. */
function readings(raw: string): Val[] {
  const n = normalizeAnswer(raw);
  const t = n.text.replace(/\\approx/g, '≈');
  const out: Val[] = [];
  if (parsePlainNumber(t) !== null) out.push({ kind: 'scalar', s: t, percent: n.percent });
  if (t.includes('\\pm')) {
    const [a, b] = t.split('\\pm', 2).map((x) => x.trim());
    const base = a || '0';
    out.push({ kind: 'set', items: [`${base}+${b}`, `${base}-${b}`] });
  }
  out.push(parseVal(t.includes('≈') ? approxPart(t) : t, n.percent));
  return out;
}

function approxPart(t: string): string {
  const [before, after] = [t.slice(0, t.indexOf('≈')), t.slice(t.indexOf('≈') + 1)];
  // "x = 1/3 ≈ 0.33" keeps the exact value; "x ≈ 11" keeps the number
  return before.includes('=') ? before : `${before.trim()} = ${after.trim()}`;
}

export function answersEqual(gold: string, pred: string, opts: { choices?: string[] } = {}): boolean {
  if (opts.choices?.length) {
    const r = choiceEqual(gold, pred, opts.choices);
    if (r !== null) return r;
  }
  if (valuesEqual(gold, pred)) return true;
  // forms a grader accepts that the values miss ("No, the bus is not red" for "No")
  return formsEqual(gold, pred, valuesEqual) === true;
}

function valuesEqual(gold: string, pred: string): boolean {
  const gs = readings(gold);
  const ps = readings(pred);
  for (const g of gs) for (const p of ps) if (valEqual(g, p, 0)) return true;
  return false;
}

const LETTER = /^\(?([A-Za-z])\)?[.:]?$/;

function choiceLetter(s: string): string | null {
  const t = normalizeAnswer(s).text.replace(/^(?:option|choice)\s*/i, '');
  const m = LETTER.exec(t);
  if (m) return m[1]!.toUpperCase();
  // "B. 130°", "(B) 130", "B: 130°": the letter, followed by the option's text
  const lead = /^\(?([A-Z])\)?[.:)]\s+\S/.exec(t);
  return lead ? lead[1]! : null;
}

/** A choice's label: "A. 4", "(A) 4", "A) 4", "A: 4", "A 4" → A. */
export const CHOICE_LABEL = /^\s*[（(]?([A-Z])(?:[)）]|\s*[.:：)](?!\d))\s*|^\s*([A-Z])\s+(?=\S)/;

export function choiceText(choice: string): string {
  return choice.replace(CHOICE_LABEL, '').trim();
}

export function choiceLetters(choices: readonly string[]): string[] {
  const own = choices.map((c) => {
    const m = CHOICE_LABEL.exec(c);
    return m ? (m[1] ?? m[2])! : null;
  });
  // labels must read A, B, C… in order; otherwise the position is the letter
  const ordered = own.every((l, i) => l === String.fromCharCode(65 + i));
  return choices.map((_, i) => (ordered ? own[i]! : String.fromCharCode(65 + i)));
}

function choiceEqual(gold: string, pred: string, choices: string[]): boolean | null {
  const letters = choiceLetters(choices);
  const textOf = (l: string) => {
    const i = letters.indexOf(l);
    return i >= 0 ? (CHOICE_LABEL.test(choices[i]!) ? choiceText(choices[i]!) : choices[i]!.trim()) : null;
  };
  const gl = choiceLetter(gold);
  const goldLetter = gl && letters.includes(gl) ? gl : null;
  const pl = choiceLetter(pred);
  const predLetter = pl && letters.includes(pl) ? pl : null;
  if (goldLetter && predLetter) return goldLetter === predLetter;
  const goldText = goldLetter ? textOf(goldLetter) : gold;
  const predText = predLetter ? textOf(predLetter) : pred;
  if (goldText === null || predText === null) return null;
  if (goldLetter || predLetter) return answersEqual(goldText, predText);
  return null;
}

function scalarsEqual(a: string, b: string, pa: boolean, pb: boolean): boolean {
  const norm = (x: string) => x.replace(/\s+/g, '').toLowerCase();
  if (norm(a) === norm(b)) return true;
  const na = parsePlainNumber(a) ?? numericValue(a);
  const nb = parsePlainNumber(b) ?? numericValue(b);
  if (na !== null && nb !== null) {
    if (numbersClose(na, nb)) return true;
    if (pa !== pb) return numbersClose(pa ? na / 100 : na, pb ? nb / 100 : nb);
    return false;
  }
  // a number against an expression: equal when the expression is that constant (sin²x + cos²x = 1)
  if (na !== null) return constantEqual(b, na);
  if (nb !== null) return constantEqual(a, nb);
  return symbolicEqual(a, b);
}

type BoxedExpr = NonNullable<ReturnType<ComputeEngine['parse']>>;

function parseLatex(s: string): BoxedExpr | null {
  try {
    const e = ce().parse(s.replace(/≈/g, '\\approx'));
    return e.isValid ? e : null;
  } catch {
    return null;
  }
}

function toNumber(e: BoxedExpr): number | null {
  try {
    const v = e.N().valueOf();
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function numericValue(s: string): number | null {
  if (!/[\d\\]/.test(s)) return null;
  const e = parseLatex(s);
  if (!e || e.unknowns.length) return null;
  return toNumber(e);
}

const SAMPLE_POINTS = [0.3713, 1.2719, 2.0531, -0.8117];

function sampleValues(e: BoxedExpr, vars: string[]): number[] | null {
  const out: number[] = [];
  for (let k = 0; k < SAMPLE_POINTS.length; k++) {
    const subs: Record<string, number> = {};
    vars.forEach((v, j) => (subs[v] = SAMPLE_POINTS[(k + j) % SAMPLE_POINTS.length]! + j * 0.1));
    const v = toNumber(e.subs(subs));
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function unknownsOf(e: BoxedExpr): string[] {
  return [...e.unknowns].sort();
}

function symbolicEqual(a: string, b: string): boolean {
  const ea = parseLatex(a);
  const eb = parseLatex(b);
  if (!ea || !eb) return false;
  const ua = unknownsOf(ea);
  const ub = unknownsOf(eb);
  if (ua.join() !== ub.join()) return false;
  try {
    if (ea.isEqual(eb) === true) return true;
  } catch {
    /* fall through to sampling */
  }
  const va = sampleValues(ea, ua);
  const vb = sampleValues(eb, ub);
  return !!va && !!vb && va.every((x, i) => numbersClose(x, vb[i]!));
}

/** `expr` has free variables and takes the value `n` at every sample point. */
function constantEqual(expr: string, n: number): boolean {
  const e = parseLatex(expr);
  if (!e) return false;
  const vars = unknownsOf(e);
  if (!vars.length) return false;
  const v = sampleValues(e, vars);
  return !!v && v.every((x) => numbersClose(x, n));
}

/** f1 and f2 are proportional (f1 = c·f2, c ≠ 0; c > 0 when `positive`): the same equation or inequality. */
function proportional(f1: string, f2: string, positive: boolean): boolean {
  const e1 = parseLatex(f1);
  const e2 = parseLatex(f2);
  if (!e1 || !e2) return false;
  const vars = [...new Set([...e1.unknowns, ...e2.unknowns])].sort();
  if (unknownsOf(e1).join() !== unknownsOf(e2).join() || vars.length === 0) return false;
  const v1 = sampleValues(e1, vars);
  const v2 = sampleValues(e2, vars);
  if (!v1 || !v2) return false;
  let ratio: number | null = null;
  for (let i = 0; i < v1.length; i++) {
    if (Math.abs(v2[i]!) < 1e-12) {
      if (Math.abs(v1[i]!) > 1e-9) return false;
      continue;
    }
    const r = v1[i]! / v2[i]!;
    if (ratio === null) ratio = r;
    else if (!numbersClose(r, ratio)) return false;
  }
  return ratio !== null && Math.abs(ratio) > 1e-12 && (!positive || ratio > 0);
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '!=': '!=' };

function relEqual(
  a: Extract<Val, { kind: 'rel' }>,
  b: Extract<Val, { kind: 'rel' }>,
  depth: number,
): boolean {
  if (a.ops.length === 1 && b.ops.length === 1) {
    const [la, ra] = a.parts as [string, string];
    const [lb, rb] = b.parts as [string, string];
    const oa = a.ops[0]!;
    const ob = b.ops[0]!;
    const same = (x: string, y: string) => strEqual(x, y, depth);
    if (oa === ob && same(la, lb) && same(ra, rb)) return true;
    if (FLIP[oa] === ob && same(la, rb) && same(ra, lb)) return true;
    if (oa === '=' && ob === '=') {
      if (same(ra, rb) && (same(la, lb) || (isLabel(la) && isLabel(lb)))) return same(la, lb);
      return proportional(`(${la})-(${ra})`, `(${lb})-(${rb})`, false);
    }
    if (oa !== '=' && ob !== '=' && oa !== '!=' && ob !== '!=') {
      // bring both to "f > 0" (or ≥) and compare
      const strictA = oa === '<' || oa === '>';
      const strictB = ob === '<' || ob === '>';
      if (strictA !== strictB) return false;
      const fa = oa.startsWith('>') ? `(${la})-(${ra})` : `(${ra})-(${la})`;
      const fb = ob.startsWith('>') ? `(${lb})-(${rb})` : `(${rb})-(${lb})`;
      return proportional(fa, fb, true);
    }
    if (oa === '!=' && ob === '!=') return same(ra, rb) && same(la, lb);
    return false;
  }
  if (a.ops.every((o) => o === '=') && b.ops.every((o) => o === '=')) {
    return strEqual(a.parts[a.parts.length - 1]!, b.parts[b.parts.length - 1]!, depth);
  }
  return false;
}

function chainToInterval(v: Extract<Val, { kind: 'rel' }>): Val | null {
  if (v.parts.length !== 3) return null;
  const [o1, o2] = v.ops;
  if ((o1 === '<' || o1 === '<=') && (o2 === '<' || o2 === '<=')) {
    return {
      kind: 'seq',
      open: o1 === '<' ? '(' : '[',
      close: o2 === '<' ? ')' : ']',
      items: [v.parts[0]!, v.parts[2]!],
    };
  }
  return null;
}

function strEqual(a: string, b: string, depth: number): boolean {
  const ra = readings(a);
  const rb = readings(b);
  for (const x of ra) for (const y of rb) if (valEqual(x, y, depth + 1)) return true;
  return false;
}

function multisetEqual(a: string[], b: string[], depth: number): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((x) => {
    const j = b.findIndex((y, k) => !used[k] && strEqual(x, y, depth));
    if (j < 0) return false;
    used[j] = true;
    return true;
  });
}

function orderedEqual(a: string[], b: string[], depth: number): boolean {
  return a.length === b.length && a.every((x, i) => strEqual(x, b[i]!, depth));
}

function valEqual(a: Val, b: Val, depth: number): boolean {
  if (depth > 6) return false;
  if (a.kind === 'scalar' && b.kind === 'scalar') return scalarsEqual(a.s, b.s, a.percent, b.percent);
  if (a.kind === 'rel' && b.kind === 'rel') {
    if (relEqual(a, b, depth)) return true;
    const ia = chainToInterval(a);
    const ib = chainToInterval(b);
    return !!ia && !!ib && valEqual(ia, ib, depth + 1);
  }
  if (a.kind === 'rel' || b.kind === 'rel') {
    const [r, o] = (a.kind === 'rel' ? [a, b] : [b, a]) as [Extract<Val, { kind: 'rel' }>, Val];
    const interval = chainToInterval(r);
    // as Math-Verify without allow_set_relation_comp: a reference chain "a < x < b" accepts the interval
    // "(a, b)", but a predicted chain does not match a reference interval
    if (interval) return r === a && valEqual(interval, o, depth + 1);
    if (r.ops.every((x) => x === '=')) {
      // "k = 1" vs "1": an equation whose left side only names the answer
      const lhs = r.parts[r.parts.length - 2]!;
      if (!isLabel(lhs)) return false;
      const rhs = readings(r.parts[r.parts.length - 1]!);
      return rhs.some((x) => valEqual(x, o, depth + 1));
    }
    return false;
  }
  if ((a.kind === 'matrix' && b.kind === 'scalar') || (a.kind === 'scalar' && b.kind === 'matrix')) {
    // a matrix expression ("A + B", "A B") evaluated by the compute engine
    const m = a.kind === 'matrix' ? a : (b as Extract<Val, { kind: 'matrix' }>);
    const expr = a.kind === 'scalar' ? a.s : (b as Extract<Val, { kind: 'scalar' }>).s;
    const rows = evaluateMatrix(expr);
    return (
      !!rows &&
      rows.length === m.rows.length &&
      rows.every(
        (r, i) => r.length === m.rows[i]!.length && r.every((x, j) => strEqual(x, m.rows[i]![j]!, depth)),
      )
    );
  }
  if (a.kind === 'matrix' && b.kind === 'matrix') {
    return a.rows.length === b.rows.length && a.rows.every((r, i) => orderedEqual(r, b.rows[i]!, depth));
  }
  if (a.kind === 'union' && b.kind === 'union') return multisetEqual(a.parts, b.parts, depth);
  if (a.kind === 'seq' && b.kind === 'seq') {
    return a.open === b.open && a.close === b.close && orderedEqual(a.items, b.items, depth);
  }
  if (a.kind === 'set' && b.kind === 'set') {
    return multisetEqual(a.items, b.items, depth) || multisetEqual(dedupe(a.items), dedupe(b.items), depth);
  }
  if ((a.kind === 'seq' && b.kind === 'set') || (a.kind === 'set' && b.kind === 'seq')) {
    const seq = a.kind === 'seq' ? a : (b as Extract<Val, { kind: 'seq' }>);
    const set = a.kind === 'set' ? a : (b as Extract<Val, { kind: 'set' }>);
    // a bare list of one tuple, or a set written like a tuple: compare in order
    if (set.items.length === 1)
      return strEqual(set.items[0]!, `${seq.open}${seq.items.join(',')}${seq.close}`, depth);
    return seq.open === '(' && orderedEqual(seq.items, set.items, depth);
  }
  if (a.kind === 'set' || b.kind === 'set') {
    const [set, other] = (a.kind === 'set' ? [a, b] : [b, a]) as [Extract<Val, { kind: 'set' }>, Val];
    return set.items.length === 1 && valEqual(parseVal(set.items[0]!, false), other, depth + 1);
  }
  return false;
}

function evaluateMatrix(s: string): string[][] | null {
  if (!s.includes('matrix')) return null;
  const e = parseLatex(s);
  if (!e) return null;
  try {
    const json = e.evaluate().json as unknown;
    if (
      !Array.isArray(json) ||
      json[0] !== 'List' ||
      !json.slice(1).every((r) => Array.isArray(r) && r[0] === 'List')
    )
      return null;
    return (json.slice(1) as unknown[][]).map((r) =>
      r.slice(1).map((x) => (typeof x === 'number' ? String(x) : ce().box(x as never).latex)),
    );
  } catch {
    return null;
  }
}

function dedupe(items: string[]): string[] {
  return [...new Set(items.map((x) => x.replace(/\s+/g, '')))];
}
