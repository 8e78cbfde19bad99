// The prompt Cogtrace sends: a configurable system prompt (default: reason in <think>, answer in
// \boxed{}) and the problem's question with its options.
import type { Problem } from '../core/schema';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a careful visual reasoner. First think step by step inside <think> </think>, looking at the image as often as you need; then give a short summary and put the final answer in \\boxed{}.';

export function userText(p: Pick<Problem, 'question' | 'choices'>): string {
  if (!p.choices?.length) return p.question;
  const opts = p.choices.map((c, i) =>
    /^\s*\(?[A-Z][.):]/.test(c) ? c : `${String.fromCharCode(65 + i)}. ${c}`,
  );
  return `${p.question}\n\nOptions:\n${opts.join('\n')}\n\nAnswer with the option letter.`;
}
