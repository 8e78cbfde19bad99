// Answer checking as the RL reward sees it: extract the final answer, normalise it, compare it.
import type { AnswerCheck, Problem } from '../schema';
import { extractAnswer } from './extract';
import { answersEqual } from './equivalence';
import { normalizeAnswer } from './normalize';

export { extractAnswer, findBoxed } from './extract';
export { answersEqual } from './equivalence';
export { normalizeAnswer, parsePlainNumber } from './normalize';

/** The reference may itself be a whole solution (Math-Verify's gold often is): extract from it too. */
export function referenceAnswer(gold: string): string {
  const g = gold.trim();
  if (g.length <= 40 && !g.includes('\\boxed')) return g;
  return extractAnswer(g)?.text ?? g;
}

export function compareAnswers(
  gold: string,
  pred: string,
  choices?: string[],
): { extracted: string | null; equal: boolean } {
  const ex = extractAnswer(pred, { choices });
  if (!ex) return { extracted: null, equal: false };
  return { extracted: ex.text, equal: answersEqual(referenceAnswer(gold), ex.text, { choices }) };
}

export function checkAnswer(response: string, problem?: Pick<Problem, 'answer' | 'choices'>): AnswerCheck {
  const ex = extractAnswer(response, { choices: problem?.choices });
  const extracted = ex?.text ?? null;
  const normalized = extracted !== null ? normalizeAnswer(extracted).text : null;
  const gold = problem?.answer;
  if (gold === undefined || gold === '') return { extracted, normalized, correct: null };
  if (extracted === null) return { extracted, normalized, correct: false };
  return {
    extracted,
    normalized,
    correct: answersEqual(referenceAnswer(gold), extracted, { choices: problem?.choices }),
  };
}
