// The LLM judge's prompts after the OVR paper's method (and Gandhi et al.'s): one prompt per
// behavior, with the problem, the model's reasoning and the behavior's definition with examples,
// asking for each distinct instance as an exact quote in <instance> tags and the number of instances
// in <count> tags. Prompts are a versioned file a user can copy and edit (`cogtrace judge-prompts`
// prints the default); the version is part of every cached judgment's key.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { behaviorLabel } from '../behaviors/catalog';
import { formatIssue, zodIssues } from '../issues';
import { BehaviorId, type Problem } from '../schema';
import defaults from './default-prompts.json';

const BehaviorPrompt = z.object({
  definition: z.string().min(1),
  examples: z.array(z.string()).default([]),
});

export const JudgePrompts = z.object({
  /** Changing a prompt means a new version: judgments are cached under it. */
  version: z.string().min(1),
  system: z.string().default(''),
  /** Placeholders: {{problem}} {{reasoning}} {{label}} {{definition}} {{examples}} {{behavior}}. */
  template: z.string().includes('{{reasoning}}'),
  /** Every behavior (zod's record over an enum is exhaustive). */
  behaviors: z.record(BehaviorId, BehaviorPrompt),
});
export type JudgePrompts = z.infer<typeof JudgePrompts>;

export const DEFAULT_PROMPTS: JudgePrompts = JudgePrompts.parse(defaults);

/** A prompts file that does not validate; the message names the file and field. */
export class PromptsError extends Error {}

export function parsePrompts(raw: unknown, file: string): JudgePrompts {
  const p = JudgePrompts.safeParse(raw);
  if (!p.success) throw new PromptsError(zodIssues(file, 1, p.error).map(formatIssue).join('\n'));
  return p.data;
}

export function loadPrompts(file: string | undefined): JudgePrompts {
  if (!file) return DEFAULT_PROMPTS;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PromptsError(`${file}:1: (file): cannot read prompts: ${(e as Error).message}`);
  }
  return parsePrompts(raw, file);
}

/** The problem as the judge reads it: the question, the choices, a caption when the file has one. */
export function problemText(p: Partial<Pick<Problem, 'question' | 'choices'>> | undefined): string {
  if (!p?.question) return '(not given)';
  const choices = p.choices?.length ? `\nChoices: ${p.choices.join(' | ')}` : '';
  return `${p.question}${choices}`;
}

/** The chat messages of one (trace, behavior) judgment. */
export function renderPrompt(
  prompts: JudgePrompts,
  behavior: BehaviorId,
  reasoning: string,
  problem: string,
): { role: 'system' | 'user'; content: string }[] {
  const b = prompts.behaviors[behavior];
  const examples = b.examples.length ? `Examples:\n${b.examples.map((e) => `- ${e}`).join('\n')}\n` : '';
  const values: Record<string, string> = {
    problem,
    reasoning,
    label: behaviorLabel(behavior),
    behavior,
    definition: b.definition,
    examples,
  };
  // one pass, so a placeholder inside the reasoning is never expanded
  const user = prompts.template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m);
  return [
    ...(prompts.system ? [{ role: 'system' as const, content: prompts.system }] : []),
    { role: 'user', content: user },
  ];
}
