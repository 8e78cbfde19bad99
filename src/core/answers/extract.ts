// Pulls the final answer out of a response: the last \boxed{} (joined with boxed answers just before
// it that belong to the same final answer), "Answer: X", "the answer is X", the last math span, a
// final option letter, and as a last resort the last number.

export interface Extraction {
  text: string;
  method: 'boxed' | 'phrase' | 'math' | 'option' | 'number' | 'whole';
}

/** Reads a balanced {…} group starting at `open` (which must be '{'); returns the inner text. */
export function readGroup(s: string, open: number): { inner: string; end: number } | null {
  if (s[open] !== '{') return null;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { inner: s.slice(open + 1, i), end: i + 1 };
  }
  return null;
}

interface Boxed {
  start: number;
  end: number;
  inner: string;
}

export function findBoxed(s: string): Boxed[] {
  const out: Boxed[] = [];
  const re = /\\(?:boxed|fbox)\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const at = m.index + m[0].length;
    if (s[at] === '{') {
      const g = readGroup(s, at);
      if (!g) continue;
      out.push({ start: m.index, end: g.end, inner: g.inner });
      re.lastIndex = g.end;
    } else {
      // "\boxed 5": a single token
      const t = /^[^\s$}]+/.exec(s.slice(at));
      if (t) out.push({ start: m.index, end: at + t[0].length, inner: t[0] });
    }
  }
  return out;
}

/** Text between two boxed answers that still reads as one answer list: "and", commas, \quad… */
function isJoiner(between: string): boolean {
  const t = between
    .replace(/\\(?:text|textbf|mathrm)\{([^}]*)\}/g, ' $1 ')
    .replace(/\\(?:quad|qquad|,|;|:|!| )|\\\(|\\\)|\\\[|\\\]|\$|[,;.]/g, ' ')
    .trim();
  if (!t) return true;
  // a few words ("and", "for part (a) and") still join; a sentence does not
  const words = t.split(/\s+/);
  const wordy = words.some((w) => /[A-Za-z]{2,}/.test(w));
  return words.length <= 4 && (!wordy || /\b(and|or)\b/i.test(t)) && !/\n\s*\n/.test(between);
}

function lastBoxedEnd(s: string): number {
  const all = findBoxed(s);
  return all.length ? all[all.length - 1]!.end : 0;
}

function lastBoxed(s: string): string | null {
  const all = findBoxed(s);
  if (!all.length) return null;
  const picked = [all[all.length - 1]!];
  for (let i = all.length - 2; i >= 0; i--) {
    const between = s.slice(all[i]!.end, picked[0]!.start);
    if (!isJoiner(between)) break;
    picked.unshift(all[i]!);
  }
  return picked.length > 1 ? picked.map((b) => b.inner).join(', ') : picked[0]!.inner;
}

const PHRASE_RES = [
  /(?:final answer|the answer|answer)\s*(?:is|:|=)?\s*:?\s*(?:\*\*)?\s*([^\n]+)/gi,
  /\*\*(?:final answer|answer)\*\*\s*:?\s*([^\n]+)/gi,
];

function cleanPhraseTail(t: string): string {
  let x = t
    .trim()
    .replace(/^\*\*|\*\*$/g, '')
    .trim();
  x = x.replace(/\s*I hope it is correct[\s\S]*$/i, '');
  x = x.replace(/^\\?"([\s\S]*?)\\?"\.?$/, '$1').trim(); // a quoted answer: "…" or \"…\"
  // "Answer \[ 9 \]" or "Answer: $$ … $$" may run over several lines: keep the whole math span
  const open = /^(\$\$|\\\[|\\\(|\$)/.exec(x);
  if (open) return x.replace(/[.;,]+$/, '').trim();
  // stop at the end of the sentence, keeping decimals ("2.5") and math intact
  const stop = /(?<!\d)\.(?:\s|$)|(?<=\d)\.(?=\s|$)/.exec(x);
  if (stop && !/\$[^$]*$/.test(x.slice(0, stop.index))) x = x.slice(0, stop.index);
  return x.replace(/[.;,]+$/, '').trim();
}

function lastPhrase(s: string): string | null {
  let best: { at: number; text: string } | null = null;
  for (const re of PHRASE_RES) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      // match from the phrase to the end of the text so multi-line math after it stays whole
      const tail = s.slice(m.index + m[0].length - (m[1]?.length ?? 0));
      const text = cleanPhraseTail(
        /^(\$\$|\\\[|\\\()/.test(tail.trim()) ? closeMath(tail.trim()) : (m[1] ?? ''),
      );
      if (text && (!best || m.index >= best.at)) best = { at: m.index, text };
      re.lastIndex = m.index + 1;
    }
  }
  return best ? refineSentence(best.text) : null;
}

function closeMath(t: string): string {
  const pairs: [string, string][] = [
    ['$$', '$$'],
    ['\\[', '\\]'],
    ['\\(', '\\)'],
  ];
  for (const [o, c] of pairs) {
    if (t.startsWith(o)) {
      const end = t.indexOf(c, o.length);
      return end > 0 ? t.slice(0, end + c.length) : t.split('\n')[0]!;
    }
  }
  return t;
}

/** A sentence rather than an answer ("We find that $x < 3$."): keep its last math span or number. */
export function refineSentence(text: string): string {
  const outside = text.replace(
    /\$\$[\s\S]*?\$\$|\\\[[\s\S]*?\\\]|\\\([\s\S]*?\\\)|\$[^$]*\$|\\[a-zA-Z]+(\{[^}]*\})?/g,
    ' ',
  );
  const words = (outside.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !/^(and|or)$/i.test(w));
  if (words.length === 0) return text;
  const math = lastMathAt(text);
  const num = lastNumberAt(text);
  if (math && (!num || math.end > num.at)) return math.text;
  return num?.text ?? text;
}

function lastMathAt(s: string): { text: string; at: number; end: number } | null {
  const re = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^$]+?)\$/g;
  let last: { text: string; at: number; end: number } | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const text = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim();
    if (text) last = { text, at: m.index, end: m.index + m[0].length };
  }
  return last;
}

function lastOption(s: string, letters: string): string | null {
  const re = new RegExp(
    `(?:option|choice|answer)\\s*\\(?([${letters}])\\)?(?![a-z])|\\(([${letters}])\\)|(?:^|\\s)([${letters}])[.)]?\\s*$`,
    'g',
  );
  let last: string | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) last = m[1] ?? m[2] ?? m[3] ?? last;
  return last;
}

function lastNumberAt(s: string): { text: string; at: number } | null {
  const re = /(?<![A-Za-z\d])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?(?:\s*\/\s*\d+)?(?!\d)|(?<![\w.])\.\d+/g;
  let last: { text: string; at: number } | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) last = { text: m[0], at: m.index };
  return last;
}

/** Extracts the final answer of a response (or of a short answer string). */
const SPECIAL_TOKENS = /<\|(?:im_start|im_end|endoftext|eot_id)\|>[\s\S]*$/;

export function extractAnswer(raw: string, opts: { choices?: string[] } = {}): Extraction | null {
  // a rollout that ran past its end-of-turn token: what follows is not the answer
  const response = raw.replace(SPECIAL_TOKENS, '');
  const close = response.lastIndexOf('</think>');
  const tail = close >= 0 ? response.slice(close + 8) : response;
  for (const part of close >= 0 ? [tail, response] : [response]) {
    const boxed = lastBoxed(part);
    if (boxed === null) continue;
    // an explicit "the final answer is …" written after the last \boxed{} (an intermediate result) wins
    const after = part.slice(lastBoxedEnd(part));
    const final = /\bfinal answer\b/i.test(after) ? lastPhrase(after) : null;
    if (final) return { text: final, method: 'phrase' };
    return { text: boxed.trim(), method: 'boxed' };
  }
  const short = response.replace(SPECIAL_TOKENS, '').trim();
  if (short.length <= 40 && !/\b(is|the|so|answer)\b/i.test(short))
    return { text: refineSentence(short), method: 'whole' };
  for (const part of close >= 0 ? [tail, response] : [response]) {
    const phrase = lastPhrase(part);
    if (phrase) return { text: phrase, method: 'phrase' };
  }
  // no box and no phrase: the last math span or the last number, whichever comes later
  const math = lastMathAt(tail);
  const num = lastNumberAt(tail);
  if (math && (!num || math.end > num.at)) return { text: math.text, method: 'math' };
  const n = opts.choices?.length ?? 0;
  if (n > 0) {
    const opt = lastOption(tail, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, Math.min(n, 26)));
    if (opt) return { text: opt, method: 'option' };
  }
  if (num) return { text: num.text, method: 'number' };
  return short ? { text: short, method: 'whole' } : null;
}
