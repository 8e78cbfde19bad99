// Copy as Markdown: a step, or the whole trace with its problem, answer and behaviors.
import type { AnnotatedTrace } from '../core/schema';

const fence = (s: string) => (s.includes('```') ? s.replace(/```/g, '`\u200b``') : s);

export function stepMarkdown(t: AnnotatedTrace, i: number): string {
  const s = t.steps[i]!;
  const beh = s.behaviors.map((b) => b.id).join(', ');
  return `**Step ${i + 1}** (${s.region}${beh ? `; ${beh}` : ''})\n\n${fence(t.response.slice(s.start, s.end).trim())}\n`;
}

export function traceMarkdown(t: AnnotatedTrace): string {
  const head = [
    `# ${t.problemId} — ${t.checkpoint.label || t.checkpoint.id}`,
    t.problem?.question ? `\n**Question.** ${t.problem.question}` : '',
    t.problem?.choices?.length ? `\n${t.problem.choices.map((c) => `- ${c}`).join('\n')}` : '',
    `\n**Answer.** ${t.answer.extracted ?? '—'}${t.answer.correct === null ? '' : t.answer.correct ? ' ✓' : ' ✗'}${t.problem?.answer ? ` (reference: ${t.problem.answer})` : ''}`,
    '',
  ];
  return head.join('\n') + '\n' + t.steps.map((_, i) => stepMarkdown(t, i)).join('\n');
}
