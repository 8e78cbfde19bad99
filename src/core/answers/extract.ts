// Pulls the final answer out of a response: the last \boxed{} (joined with boxed answers just before
// it that belong to the same final answer), "Answer: X", "the answer is X", the last math span, a
// final option letter, and as a last resort the last number.

import type { AnswerConvention } from '../schema';

export interface Extraction {
  text: string;
  method: AnswerConvention;
  /** The phrase's whole text when `text` is the value refined out of it ("(B) 12 cm" → "12"). */
  phrase?: string;
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

// group 1: the verb or colon after the phrase (absent in "Answer $5$"); the last group: the answer
const PHRASE_RES = [
  /(?<![<\/\w])(?:final answer|(?:correct|right|best|final) (?:option|choice)|the answer|answer)\b(?![>_])\s*((?:is|would be|should be|will be|must be)\b|[:=])?\s*:?\s*(?:\*\*)?\s*([^\n]+)/gi,
  /\*\*(?:final answer|answer)\*\*\s*(:)?\s*([^\n]+)/gi,
  // LlamaV-o1 and similar staged outputs close on a "Conclusion:" line
  /(?:^|\n)[#*\s]*conclusion\s*(?:\*\*)?\s*([:：])\s*(?:\*\*)?\s*([^\n]+)/gi,
];
/** A phrase with no verb or colon ("answer choices, …") names no answer unless math, a quote or an option follows. */
const BARE_ANSWER = /^\s*(?:[$\\"“(\d-]|\*\*|[A-Z](?![a-z]))/;

function cleanPhraseTail(t: string): string {
  // markdown bold around the answer or part of it ("**A**.", "**7** apples")
  let x = t
    .trim()
    .replace(/\*\*([^*\n]+?)\*\*/g, '$1')
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
  return x
    .replace(/[.;,]+$/, '')
    .replace(/^\*\*|\*\*$/g, '')
    .trim();
}

function lastPhrase(s: string): string | null {
  const p = lastPhraseAt(s);
  return p ? refineSentence(p.text) : null;
}

function lastPhraseAt(s: string): { at: number; text: string } | null {
  let best: { at: number; text: string } | null = null;
  for (const re of PHRASE_RES) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      const body = m[2] ?? '';
      if (!m[1] && !BARE_ANSWER.test(body)) {
        re.lastIndex = m.index + 1;
        continue;
      }
      // match from the phrase to the end of the text so multi-line math after it stays whole
      const tail = s.slice(m.index + m[0].length - body.length);
      const text = cleanPhraseTail(/^(\$\$|\\\[|\\\()/.test(tail.trim()) ? closeMath(tail.trim()) : body);
      if (text && (!best || m.index >= best.at)) best = { at: m.index, text };
      re.lastIndex = m.index + 1;
    }
  }
  return best;
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

const END_TOKENS = ['<|im_end|>', '<|endoftext|>', '<|eot_id|>'];

/** A rollout that ran past its end-of-turn token: what follows the last turn's end is not the answer. */
function cutAfterLastTurn(s: string): string {
  // indexOf of the shared '<|' prefix: a regex over the whole response cost ~1% of annotate
  for (
    let i = s.indexOf('<|', Math.max(0, s.lastIndexOf('<|im_start|>assistant')));
    i >= 0;
    i = s.indexOf('<|', i + 2)
  ) {
    if (END_TOKENS.some((t) => s.startsWith(t, i))) return s.slice(0, i);
  }
  return s;
}
const THINK_CLOSE = /<\/think>|◁\/think▷|<\/thinking>/g;

/**
 * The last `<answer>…</answer>` (or an `<answer>` never closed), or LLaVA-CoT's
 * `<CONCLUSION>…</CONCLUSION>`: its inner text, and whether it is a conclusion (often a sentence).
 */
function lastAnswerTag(s: string): { inner: string; closed: boolean; conclusion: boolean } | null {
  for (const [o, c] of ANSWER_TAGS) {
    const open = s.lastIndexOf(o);
    if (open < 0) continue;
    const close = s.indexOf(c, open);
    return {
      inner: s.slice(open + o.length, close < 0 ? s.length : close),
      closed: close >= 0,
      conclusion: o === '<CONCLUSION>',
    };
  }
  return null;
}
const ANSWER_TAGS = [
  ['<answer>', '</answer>'],
  ['<CONCLUSION>', '</CONCLUSION>'],
] as const;

/** GLM-4.1V's `<|begin_of_box|>…<|end_of_box|>`: the last one. */
function lastBoxToken(s: string): string | null {
  const open = s.lastIndexOf('<|begin_of_box|>');
  if (open < 0) return null;
  const close = s.indexOf('<|end_of_box|>', open);
  return close < 0 ? null : s.slice(open + 16, close);
}

/** "(Option C)", "Option C", "i.e. C" written right after an answer. */
function trailingOption(after: string): string | null {
  const m = /^\s*[.,;:]?\s*[（(]?\s*(?:option|choice|answer|选项)\s*[（(]?([A-Z])\b/i.exec(
    after.slice(0, 40),
  );
  return m ? m[1]!.toUpperCase() : null;
}

/** Chinese conventions: 答案是X, 答案：X, 故选B, 所以选B, 答：X. */
const CHINESE_RES = [
  /(?:最终答案|答案)\s*(?:是|为|：|:)\s*([^\n。；;]+)/g,
  /(?:故|所以|因此|应)\s*选\s*[：:]?\s*([A-H])(?![A-Za-z])/g,
  /(?:^|\n)\s*答\s*[：:]\s*([^\n]+)/g,
];

function lastChinese(s: string): { at: number; text: string } | null {
  let best: { at: number; text: string } | null = null;
  for (const re of CHINESE_RES) {
    re.lastIndex = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      const text = m[1]!.trim().replace(/[。.，,]+$/, '');
      if (text && (!best || m.index >= best.at)) best = { at: m.index, text };
    }
  }
  return best;
}

/** A heading ("**Final Answer**", "### 最终答案", "**答案**") followed by the answer block. */
function headingBlock(s: string): { at: number; text: string } | null {
  const re =
    /(?:^|\n)[ \t]*(?:#{1,4}[ \t]*)?\*{0,2}(?:final answer|最终答案|答案|结论)\*{0,2}[ \t]*[:：]?[ \t]*\*{0,2}[ \t]*\n/gi;
  let at = -1;
  let end = -1;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    at = m.index;
    end = m.index + m[0].length;
  }
  if (at < 0) return null;
  const body = s.slice(end).trim();
  if (!body || body.length > 800) return null;
  return { at, text: body.replace(/^\$\$\s*([\s\S]*?)\s*\$\$$/, '$1').trim() };
}

/** "I'll go with "Cast Away"", "I will choose B": a decision stated at the end. */
function lastDecision(s: string): string | null {
  const re =
    /\bI(?:'ll| will| would|'d)?\s+(?:go with|choose|pick|select)\s+(?:option\s+)?("[^"\n]{1,80}"|“[^”\n]{1,80}”|\(?[A-H]\)?(?![A-Za-z])|[^\s,.;]+)/gi;
  let last: string | null = null;
  for (let m = re.exec(s); m; m = re.exec(s)) last = m[1]!.replace(/^["“(]|["”)]$/g, '');
  return last;
}

export interface ExtractOptions {
  choices?: readonly string[];
  /** Math-Verify's reading of a bare prediction: fall back to the last math span, option or number. */
  lenient?: boolean;
}

/** Extracts the final answer of a response (or of a short answer string). */
export function extractAnswer(raw: string, opts: ExtractOptions = {}): Extraction | null {
  // agent frameworks' markers ("[ANSWER]" opens every assistant turn in Qwen-Agent) are not phrases
  const response = cutAfterLastTurn(raw).replace(/\[(?:ANSWER|TOOL_CALL|TOOL_RESPONSE)\]/g, (m) =>
    ' '.repeat(m.length),
  );
  let close = -1;
  let closeLen = 0;
  THINK_CLOSE.lastIndex = 0;
  for (let m = THINK_CLOSE.exec(response); m; m = THINK_CLOSE.exec(response)) {
    close = m.index;
    closeLen = m[0].length;
  }
  const tail = close >= 0 ? response.slice(close + closeLen) : response;
  const parts = close >= 0 && /\S/.test(tail) ? [tail, response] : [response];

  // 1. <answer>…</answer>, possibly holding a \boxed{} or a box token
  const tag = lastAnswerTag(tail) ?? lastAnswerTag(response);
  if (tag && /\S/.test(tag.inner)) {
    const inner = tag.inner.trim();
    const boxed = lastBoxed(inner) ?? lastBoxToken(inner);
    if (boxed !== null) return { text: boxed.trim(), method: 'answer-tag' };
    // LLaVA-CoT concludes in a sentence ("The answer is B.", "There are 2 cubes left."): its value
    if (tag.conclusion && inner.length <= 300)
      return { text: lastPhrase(inner) ?? refineSentence(inner), method: 'answer-tag' };
    return { text: inner, method: 'answer-tag' };
  }
  for (const part of parts) {
    // 2. GLM-4.1V's box token
    const box = lastBoxToken(part);
    if (box !== null && /\S/.test(box)) return { text: box.trim(), method: 'box-token' };
    // 3. \boxed{}
    const boxed = lastBoxed(part);
    if (boxed === null) continue;
    const after = part.slice(lastBoxedEnd(part));
    // an explicit "the final answer is …" written after the last \boxed{} (an intermediate result) wins
    const final = /\bfinal answer\b/i.test(after) ? lastPhrase(after) : null;
    if (final) return { text: final, method: 'phrase' };
    const opt = trailingOption(after);
    if (opt && (!opts.choices || letterIndex(opt, opts.choices.length) >= 0))
      return { text: opt, method: 'option' };
    return { text: boxed.trim(), method: 'boxed' };
  }
  const short = response.trim();
  // a bare answer string ("3/4", "B. 130°") rather than a response
  if (short.length <= 40 && !/\b(is|the|so|answer)\b|[\n<。，；：]|答/i.test(short))
    return { text: refineSentence(short), method: 'whole' };
  // 4. written conventions: a heading block, "Answer: X", "the answer is X", Chinese forms
  for (const part of parts) {
    const head = headingBlock(part);
    const phrase = lastPhraseAt(part);
    const zh = lastChinese(part);
    const best = [
      head && { ...head, method: 'final-answer' as const },
      phrase && { ...phrase, method: 'phrase' as const },
      zh && { ...zh, method: 'phrase' as const },
    ]
      .filter((x): x is { at: number; text: string; method: 'final-answer' | 'phrase' } => !!x)
      .sort((a, b) => b.at - a.at)[0];
    if (best) {
      const text = best.method === 'final-answer' ? best.text : refineSentence(best.text);
      return text === best.text
        ? { text, method: best.method }
        : { text, method: best.method, phrase: best.text };
    }
    // 5. a decision: "I'll go with X"
    const decided = lastDecision(part.slice(-600));
    if (decided) return { text: decided, method: 'decision' };
    if (part === tail && close >= 0) break; // the reasoning itself is not searched for a loose answer
  }
  // 6. an untagged response's closing sentence: "Therefore, the average is 82."
  if (close < 0) {
    const c = concludingSentence(response);
    if (c) return { text: c, method: 'conclusion' };
  }
  // 7. what follows the reasoning, when short, is the answer
  const rest = tail.replace(/<\/?[a-z_]+>|<\|[a-z_]+\|>/g, ' ').trim();
  if (/\\boxed\s*\{/.test(rest)) return null; // a \boxed{ cut off by the token limit
  if (close >= 0 && rest && rest.length <= 3000) {
    const t = rest;
    // one short sentence reads as its value; a paragraph is a prose answer, kept whole
    return { text: t.length <= 200 ? refineSentence(t) : t, method: 'answer-region' };
  }
  if (!opts.lenient) return null;
  // Math-Verify's reading: the last math span or the last number, whichever comes later
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

const CONCLUDES =
  /^(?:\*\*)?(?:therefore|thus|hence|so|in conclusion|in summary|overall|finally|all in all|所以|因此|故|综上所述?|总之)\b|\b(?:is|are|equals?|comes to|totals?)\b[^.]*(?:\d|\$)|(?:是|为|等于)\s*\S+[。.]?$/i;

/** The last sentence of the last paragraph, when it states a result; its value. */
function concludingSentence(s: string): string | null {
  const para = s
    .trimEnd()
    .split(/\n\s*\n/)
    .pop()!
    .trim();
  if (!para || para.length > 400) return null;
  const sentences = para.split(/(?<=[.!?。！？])\s+(?=[A-Z\u4e00-\u9fff*])/);
  const last = sentences[sentences.length - 1]!.trim();
  if (last.length > 250 || !CONCLUDES.test(last)) return null;
  const v = refineSentence(last.replace(/\*\*/g, ''));
  return v === last.replace(/\*\*/g, '') && /\s/.test(v) ? null : v;
}

function letterIndex(letter: string, n: number): number {
  const i = letter.charCodeAt(0) - 65;
  return i >= 0 && i < n ? i : -1;
}
