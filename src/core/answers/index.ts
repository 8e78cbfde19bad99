// Answer checking as the RL reward sees it: extract the final answer (recording the convention it
// came from, or why there is none), map it to an option letter when the problem has choices,
// normalise it, compare it. Free-text references are compared by containment and flagged.
import type { AnswerCheck, NoAnswerReason, Problem } from '../schema';
import { type Extraction, extractAnswer } from './extract';
import { answersEqual, CHOICE_LABEL, choiceLetters, choiceText } from './equivalence';
import { normalizeAnswer } from './normalize';

export { extractAnswer, findBoxed } from './extract';
export { answersEqual } from './equivalence';
export { normalizeAnswer, parsePlainNumber } from './normalize';

/** The reference may itself be a whole solution (Math-Verify's gold often is): extract from it too. */
export function referenceAnswer(gold: string): string {
  const g = gold.trim();
  if (g.length <= 40 && !g.includes('\\boxed')) return g;
  const lastLine = /(?:^|\n)[^\n]*?answer\s*[:：]\s*([^\n]+)\s*$/i.exec(g);
  if (lastLine && lastLine[1]!.length <= 80 && !g.includes('\\boxed'))
    return lastLine[1]!.replace(/[.。]\s*$/, '').trim();
  return extractAnswer(g, { lenient: true })?.text ?? g;
}

export function compareAnswers(
  gold: string,
  pred: string,
  choices?: string[],
): { extracted: string | null; equal: boolean } {
  const ex = extractAnswer(pred, { choices, lenient: true });
  if (!ex) return { extracted: null, equal: false };
  const extracted = choices?.length ? ex.text : letterForLetterGold(ex, gold);
  return { extracted, equal: answersEqual(referenceAnswer(gold), extracted, { choices }) };
}

/** Choices written into the question ("Choices:\nA: …\nB: …", "A) … B) …") when none are given. */
export function choicesFromQuestion(question: string | undefined): string[] | undefined {
  if (!question) return undefined;
  const out: string[] = [];
  const re = /(?:^|\n|\s)[（(]?([A-H])[)）.:：]\s*([^\n]*?)(?=\s+[（(]?[A-H][)）.:：]\s|\n|$)/g;
  for (let m = re.exec(question); m; m = re.exec(question)) {
    if (m[1] !== String.fromCharCode(65 + out.length)) continue;
    out.push(`${m[1]}. ${m[2]!.trim()}`);
  }
  return out.length >= 2 ? out : undefined;
}

/** An extracted answer as the option letter it names or whose text it equals, when choices are known. */
export function toOptionLetter(text: string, choices: readonly string[]): string | null {
  const letters = choiceLetters(choices);
  const t = text.replace(/^\s*\*{0,2}\s*|\s*\*{0,2}\s*$/g, '').replace(/^\\text\{([^}]*)\}$/, '$1');
  const lead = /^(?:option|choice|选项)?\s*[（(]?([A-Z])(?:[)）]|\s*[.:：)]|(?=\s|$))\s*([\s\S]*)$/i.exec(t);
  if (lead && letters.includes(lead[1]!.toUpperCase()) && (lead[1] === lead[1]!.toUpperCase() || !lead[2])) {
    return lead[1]!.toUpperCase();
  }
  for (let i = 0; i < choices.length; i++) {
    const body = CHOICE_LABEL.test(choices[i]!) ? choiceText(choices[i]!) : choices[i]!;
    if (body && body.length > 0 && !/^[A-Z]$/.test(body) && answersEqual(body, t)) return letters[i]!;
  }
  return null;
}

/**
 * No choices known, but the reference is an option letter: an answer that leads with one names it
 * ("(B) 12 cm", "option B", AMC's "\textbf{(B)}\ 12" → B). Otherwise the extracted text.
 */
function letterForLetterGold(ex: Extraction, gold: string | null | undefined): string {
  if (!/^\s*[A-H]\s*$/.test(gold ?? '')) return ex.text;
  return leadingOption(ex.phrase ?? ex.text) ?? leadingOption(normalizeAnswer(ex.text).text) ?? ex.text;
}

/** The option letter an answer leads with, written as one: "(B) 12 cm", "option B", "B. 130°", "B)". */
function leadingOption(text: string): string | null {
  const m =
    /^\s*(?:\*\*)?\s*(?:(?:option|choice|选项)\s*[（(]?([A-H])(?![A-Za-z])|[（(]([A-H])[)）]|([A-H])(?:[.:：)](?:\s|$)|$))/i.exec(
      text,
    );
  const letter = m?.[1] ?? m?.[2] ?? m?.[3];
  return letter && (letter === letter.toUpperCase() || m![1]) ? letter.toUpperCase() : null;
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/\\text\{([^}]*)\}/g, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** A reference written as prose ("RL phase takes longer.") rather than a value or an option. */
function isFreeText(gold: string): boolean {
  const w = words(gold)
    .split(' ')
    .filter((x) => /\p{L}{2,}/u.test(x));
  return w.length >= 2 && !/[=\\^$]/.test(gold);
}

export function checkAnswer(
  response: string,
  problem?: Pick<Problem, 'answer' | 'choices'> & { question?: string },
  context: { loopAtEnd?: boolean; truncated?: boolean } = {},
): AnswerCheck {
  const choices = problem?.choices?.length ? problem.choices : choicesFromQuestion(problem?.question);
  const ex = extractAnswer(response, { choices });
  let extracted = ex?.text ?? null;
  if (extracted !== null && choices) extracted = toOptionLetter(extracted, choices) ?? extracted;
  else if (ex) extracted = letterForLetterGold(ex, problem?.answer);
  const normalized = extracted !== null ? normalizeAnswer(extracted).text : null;
  const base: AnswerCheck = { extracted, normalized, correct: null };
  if (ex) base.convention = ex.method;
  else base.reason = noAnswerReason(response, context);
  const gold = problem?.answer;
  if (gold === undefined || gold === null || gold === '') return base;
  if (extracted === null) return { ...base, correct: false };
  const ref = referenceAnswer(gold);
  if (answersEqual(ref, extracted, { choices })) return { ...base, correct: true };
  if (isFreeText(ref) && !choices) {
    const g = words(ref);
    const p = words(extracted);
    const contained = p.length >= 2 && (g.includes(p) || p.includes(g));
    return { ...base, correct: contained, uncertain: true };
  }
  return { ...base, correct: false };
}

function noAnswerReason(
  response: string,
  context: { loopAtEnd?: boolean; truncated?: boolean },
): NoAnswerReason {
  if (context.loopAtEnd) return 'looping';
  if (context.truncated) return 'truncated';
  const opens = (response.match(/<think>|◁think▷/g) ?? []).length;
  const closes = (response.match(/<\/think>|◁\/think▷/g) ?? []).length;
  if (opens > closes) return 'truncated';
  if (/<answer>(?![\s\S]*<\/answer>)/.test(response)) return 'truncated';
  const lastBox = response.lastIndexOf('\\boxed{');
  if (lastBox >= 0 && !/\}/.test(response.slice(lastBox))) return 'truncated';
  return 'no-final-answer';
}
