// Text helpers of the rule detector, pure and allocation-light: typographic apostrophes folded,
// the sentence around a match, and whether a sentence restates the question.
import { isAbbreviation } from '../segment';

/**
 * The text with typographic apostrophes (’ ‘ ʼ) as ASCII ones, character for character (so offsets
 * stay the same): the rules spell "let's", "I'm", "don't" with ', and a quarter of the real traces
 * write them with ’.
 */
export function foldApostrophes(text: string): string {
  // (a replace that finds nothing returns the same string: no separate test pass)
  return text.replace(APOSTROPHES, "'");
}
const APOSTROPHES = /[\u2018\u2019\u02bc]/g;

/** The content words of a question: Latin words of 3+ letters (stop words aside) and CJK character pairs. */
export type QuestionWords = Set<string>;
const STOP = new Set(
  'the and for that this with from what which how are was were is does did have has need find determine figure out know let want must should would could can will into its their there then than they them these those about'.split(
    ' ',
  ),
);
function contentWords(text: string): string[] {
  const lower = text.toLowerCase();
  const out = (lower.match(/[a-z]{3,}/g) ?? []).filter((w) => !STOP.has(w));
  for (const run of lower.match(/[\u4e00-\u9fff]+/g) ?? [])
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}
export const questionWords = (q: string): QuestionWords => new Set(contentWords(q));
/** Most of the sentence's content words are the question's (and it has a few). */
export function restates(sentence: string, question: QuestionWords): boolean {
  const words = contentWords(sentence);
  if (words.length < 2) return false;
  return words.filter((w) => question.has(w)).length / words.length >= 0.5;
}

/** The sentence of `text` around [from, to): from the previous sentence end or line break to the next. */
export function sentenceAround(text: string, from: number, to: number, following = 1): string {
  const [a, b] = sentenceBounds(text, from, to, following);
  return text.slice(a, b);
}
/** Where `sentenceAround` starts and ends (exclusive); `before`: that many sentences before it too. */
export function sentenceBounds(
  text: string,
  from: number,
  to: number,
  following = 1,
  before = 0,
): [number, number] {
  let a = from;
  for (let n = 0; n <= before && (n === 0 || a > 0); n++) {
    if (n) a--;
    while (a > 0 && !endsSentence(text, a - 1)) a--;
  }
  let b = to;
  // a new list item is a new thought: the sentence after a bullet's end is not read with it; but
  // a list that follows a sentence of plain text is that sentence's content ("Let me double check
  // the left side.", then the cars it lists)
  for (let n = 0; n <= following && b < text.length; n++) {
    if (n && startsListItem(text, b)) {
      if (inListItem(text, a)) break;
      // the list's first item, past the line breaks before it
      while (b + 1 < text.length && /\s/.test(text[b + 1]!)) b++;
    }
    if (n) b++;
    while (b < text.length && !endsSentence(text, b)) b++;
  }
  return [a, Math.min(text.length, b + 1)];
}
/**
 * Whether the character at `i` ends a sentence: a sentence end (below), except a period inside a
 * word or number ("e.g", "2.5") or after an abbreviation ("vs.", "e.g.", "Fig."), which would cut the sentence
 * of a rule's match short and leave its condition unread.
 */
function endsSentence(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (!isSentenceEnd(c)) return false;
  if (c !== 46) return true;
  // a period with a letter or digit right after it is inside a word or number ("e.g", "2.5")
  const next = text.charCodeAt(i + 1) | 0x20;
  if ((next >= 48 && next <= 57) || (next >= 97 && next <= 122)) return false;
  return !isAbbreviation(text, i, Math.max(0, i - 12));
}
/** Whether the sentence starting at `at` is (in) a list item: its line starts with a bullet or number. */
function inListItem(text: string, at: number): boolean {
  let i = at;
  while (i > 0 && text.charCodeAt(i - 1) !== 10) i--;
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  return LIST_ITEM.test(text.slice(i, i + 5));
}
/** A list item's opening: "- ", "* ", "• ", "2. ", "(b) ". */
const LIST_ITEM = /^(?:[-*•]\s|\d{1,2}[.)]\s|\([a-z0-9]\)\s)/;
/** Whether the sentence end at `at` is followed (after a line break) by a list item: "- ", "* ", "• ", "2. ", "(b) ". */
function startsListItem(text: string, at: number): boolean {
  let i = at;
  while (
    i < text.length &&
    text.charCodeAt(i) !== 10 &&
    (text.charCodeAt(i) === 32 || isSentenceEnd(text.charCodeAt(i)))
  )
    i++;
  if (text.charCodeAt(i) !== 10) return false;
  while (i < text.length && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 32)) i++;
  return LIST_ITEM.test(text.slice(i, i + 5));
}
/** Line break, `.`, `!`, `?` and their full-width forms (comparisons: a Set lookup per character cost 4% of detection). */
export const isSentenceEnd = (c: number) =>
  c === 46 ||
  c === 10 ||
  c === 33 ||
  c === 63 ||
  (c > 0x3000 && (c === 0x3002 || c === 0xff01 || c === 0xff1f));
