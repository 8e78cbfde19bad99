// Every real trace of ../shared/data/real (QVQ, OVR-7B, R1-V, DeepEyes, Skywork, Qwen-Agent, R1, QwQ…)
// is loaded, segmented and annotated. The expected answers were written by reading each trace, not
// by running the code: what a person would say the model answered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { Trace } from '../../src/core/schema';
import { SHARED } from '../helpers';

interface Real {
  id: string;
  problem: { question: string; choices: string[] | null; answer: string | null };
  response: string;
}
const REAL: Real[] = readFileSync(join(SHARED, 'real', 'traces-real.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

const annotated = new Map(
  REAL.map((r) => {
    const trace = Trace.parse({
      id: r.id,
      problemId: r.id,
      checkpoint: { id: 'real', label: 'real', role: 'other' },
      response: r.response,
      problem: {
        id: r.id,
        question: r.problem.question,
        ...(r.problem.choices ? { choices: r.problem.choices } : {}),
        ...(r.problem.answer !== null ? { answer: r.problem.answer } : {}),
      },
    });
    return [r.id, annotate(trace)] as const;
  }),
);

/** id → [what the model answered (null: no answer), is it right per the gold (undefined: no gold)]. */
const READ: Record<string, [string | null, boolean?]> = {
  'real-01': ['-29'],
  'real-02': ['7\\pi'],
  'real-06': ['A'],
  'real-07': ['\\dfrac{1}{5}'],
  'real-09': ['4'],
  'real-10': ['80'],
  'real-12': ['Cast Away', true], // "I think I'll go with "Cast Away""
  'real-13': ['RL Phase', true], // "Answer: RL Phase" vs "RL phase takes longer."
  'real-14': ['A', true],
  'real-15': ['Independence Day', true],
  'real-16': ['D', true],
  'real-17': ['4'],
  'real-18': [null], // an excerpt that never answers
  'real-19': ['21 cm', true],
  'real-20': ['3', true],
  'real-21': ['No', true],
  'real-22': ['E'],
  'real-25': ['2.4', true],
  'real-26': ['25π/4', false],
  'real-27': [null, false], // a repetition loop
  'real-29': ['The color of the suitcase is brown.', true],
  'real-30': ['The person with white trousers is on the left side of the person in blue.', true],
  'real-31': ['3', true], // "**Answer:** There are 3 objects remaining."
  'real-32': ['C', true], // "\boxed{\frac{\sqrt{3}}{3}} (Option C)"
  'real-33': ['y = -5 \\sin(-5x)', true],
  'real-34': ['B', true], // "**Answer: B) The ratio decreases…**"
  'real-36': ['7'],
  'real-37': ['60', true],
  'real-38': ['B', true],
  'real-39': ['97'],
  'real-41': ['12'],
  'real-43': [null], // cut off inside <think> by the paper's authors
};

describe('real traces', () => {
  it('loads, segments and annotates all 43, with steps inside the text and no marker in a step', () => {
    expect(annotated.size).toBe(43);
    for (const [id, a] of annotated) {
      expect(a.steps.length, id).toBeGreaterThan(0);
      for (const s of a.steps) {
        const t = a.response.slice(s.start, s.end);
        expect(t, id).not.toMatch(
          /<\/?(?:think|answer|tool_call|tool_response|observation|summary)>|\[TOOL_CALL\]|\[ANSWER\]/,
        );
      }
    }
  });

  it.each(Object.entries(READ))('%s: the answer a reader sees', (id, [want, right]) => {
    const a = annotated.get(id)!.answer;
    expect(a.extracted).toBe(want);
    if (want === null) expect(a.reason).toBeDefined();
    if (right !== undefined) expect(a.correct).toBe(right);
  });

  it('never shows a garbage answer: a tag fragment or a slice of the reasoning', () => {
    for (const [id, a] of annotated) {
      const x = a.answer.extracted;
      if (x === null) continue;
      expect(x, id).not.toMatch(/^[<>\]]$|^<|Okay,|Let me/);
    }
  });

  it('marks the repetition loop of real-27 as looping, with its start step, and no other trace', () => {
    const a = annotated.get('real-27')!;
    expect(a.answer.reason).toBe('looping');
    expect(a.loop).toBeDefined();
    expect(a.loop!.step).toBeLessThan(a.steps.length);
    expect(a.loop!.repeats).toBeGreaterThanOrEqual(3);
    const others = [...annotated.values()].filter((x) => x.loop).map((x) => x.id);
    expect(others).toEqual(['real-27']);
  });

  it('keeps tool calls and outputs apart from reasoning, and finds no behavior in them', () => {
    for (const id of ['real-23', 'real-24', 'real-28', 'real-29']) {
      const a = annotated.get(id)!;
      const tools = a.steps.filter((s) => s.region === 'tool-call' || s.region === 'tool-output');
      expect(tools.length, id).toBeGreaterThan(0);
      for (const s of tools) expect(s.behaviors, id).toEqual([]);
    }
    expect(annotated.get('real-22')!.steps.some((s) => s.region === 'summary')).toBe(true);
  });

  it('groups QVQ one-line paragraphs and list items into thoughts', () => {
    const a = annotated.get('real-01')!;
    expect(a.steps.length).toBeLessThan(25); // 58 sentence-sized steps before
    const lead = a.steps.find((s) => a.response.slice(s.start, s.end).includes('Looking at the table:'))!;
    expect(a.response.slice(lead.start, lead.end)).toContain("- g'(2) = 7");
  });
});
