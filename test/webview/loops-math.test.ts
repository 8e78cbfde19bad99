import { describe, expect, it } from 'vitest';
import { innerRepetition, repeatedStepRuns } from '../../src/webview/loops';
import { stepMarkdown, traceMarkdown } from '../../src/webview/markdown';
import type { AnnotatedTrace } from '../../src/core/schema';

describe('loop detection', () => {
  it('finds runs of repeated steps and repeated text inside a step', () => {
    expect(repeatedStepRuns(['a', 'b', 'b', 'b ', 'B', 'c', 'c'])).toEqual([[1, 4]]);
    const r = innerRepetition('ok then ' + 'rt '.repeat(30) + 'end');
    expect(r!.unit.trim()).toBe('rt');
    expect(r!.count).toBeGreaterThanOrEqual(29);
    expect(innerRepetition('a perfectly ordinary sentence without loops')).toBeNull();
  });
});

describe('copy as Markdown', () => {
  const t: AnnotatedTrace = {
    schemaVersion: 1,
    id: 't',
    problemId: 'p1',
    checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
    status: 'complete',
    response: '<think>Check it.</think> \\boxed{2}',
    problem: { schemaVersion: 1, id: 'p1', question: 'What is 1+1?', answer: '2', meta: {} },
    steps: [
      {
        index: 0,
        start: 0,
        end: 24,
        region: 'think',
        behaviors: [{ id: 'verification', confidence: 0.8, cue: { start: 7, end: 12 }, detector: 'rules' }],
      },
      { index: 1, start: 24, end: 35, region: 'answer', behaviors: [] },
    ],
    answer: { extracted: '2', normalized: '2', correct: true },
  };
  it('writes a step with its region and behaviors, and the whole trace with its problem', () => {
    expect(stepMarkdown(t, 0)).toBe('**Step 1** (think; verification)\n\n<think>Check it.</think>\n');
    const md = traceMarkdown(t);
    expect(md).toMatch(/^# p1 — RL/);
    expect(md).toContain('**Answer.** 2 ✓ (reference: 2)');
    expect(md).toContain('**Step 2** (answer)');
  });
});
