import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignSteps, diffTraces } from '../../src/core/diff';
import { annotate } from '../../src/core/annotate';
import { computeStats, mcnemarExact, summarize, wilson } from '../../src/core/stats';
import { loadTraces } from '../../src/core/files/traces';
import { DEV } from '../helpers';

describe('alignSteps', () => {
  it('uses every step of each side exactly once, in order', () => {
    const step = fc.constantFrom(
      'a b c',
      'the slope is two',
      'wait that is wrong',
      'x = 5',
      'let me check',
      'done',
      '',
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(step, { maxLength: 40 }), (l, r) => {
        const rows = alignSteps(l, r);
        expect(rows.filter((x) => x.left !== undefined).map((x) => x.left)).toEqual(l.map((_, i) => i));
        expect(rows.filter((x) => x.right !== undefined).map((x) => x.right)).toEqual(r.map((_, i) => i));
      }),
      { numRuns: 300 },
    );
  });
  it('also holds for long traces aligned in a band', () => {
    const l = Array.from({ length: 700 }, (_, i) => `step ${i} computes value ${i * 3}`);
    const r = [
      ...l.slice(0, 300),
      'an inserted step about something else',
      ...l.slice(300, 650).map((s) => s + ' again'),
    ];
    const rows = alignSteps(l, r);
    expect(rows.filter((x) => x.left !== undefined).map((x) => x.left)).toEqual(l.map((_, i) => i));
    expect(rows.filter((x) => x.right !== undefined).map((x) => x.right)).toEqual(r.map((_, i) => i));
    expect(rows.filter((x) => x.kind === 'same')).toHaveLength(300);
  });
  it('marks identical, edited, removed and added steps', () => {
    const rows = alignSteps(
      ['first we add the two numbers', 'the sum is 12', 'so the answer is 12'],
      [
        'first we add the two numbers',
        'the sum is 12 exactly here',
        'wait let me check again',
        'so the answer is 12',
      ],
    );
    expect(rows.map((r) => r.kind)).toEqual(['same', 'changed', 'right-only', 'same']);
  });
});

describe('diff and stats on the dev set', async () => {
  const { items } = await loadTraces(DEV);
  const ann = items.map((t) => annotate(t));
  it('diffs the two checkpoints of a problem with answer and behavior deltas', () => {
    const [l, r] = ann.filter((t) => t.problemId === 'pie-11');
    const d = diffTraces(l!, r!);
    expect(d.left.answer).toEqual({ extracted: '52', correct: false });
    expect(d.right.answer).toEqual({ extracted: '40', correct: true });
    expect(d.answerChanged).toBe(true);
    expect(d.deltas.steps).toBe(r!.steps.length - l!.steps.length);
    const sum = Object.values(d.behaviorDeltas).reduce((a, b) => a + b, 0);
    const count = (t: typeof l) => t!.steps.reduce((a, s) => a + s.behaviors.length, 0);
    expect(sum).toBe(count(r) - count(l));
  });
  it('computes per-checkpoint rates, accuracy and the paired table', () => {
    const s = computeStats(ann.map(summarize));
    expect(s.checkpoints.map((c) => c.checkpoint.id)).toEqual(['cold-start', 'rl']);
    const cold = s.checkpoints[0]!;
    expect(cold.traces).toBe(15);
    const p = s.paired[0]!;
    expect(p.bothRight + p.onlyA + p.onlyB + p.bothWrong).toBe(15);
    expect(cold.accuracy.k).toBe(
      items.filter((t) => t.checkpoint.id === 'cold-start' && t.answerCorrect).length,
    );
  });
});

describe('statistics', () => {
  it('Wilson interval matches known values', () => {
    const w = wilson(8, 10);
    expect(w.low).toBeCloseTo(0.4902, 3);
    expect(w.high).toBeCloseTo(0.9433, 3);
    expect(wilson(0, 0)).toMatchObject({ low: 0, high: 1 });
  });
  it("McNemar's exact p matches the binomial test", () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(2, 4)).toBeCloseTo(0.6875, 6);
    expect(mcnemarExact(0, 10)).toBeCloseTo(2 / 1024, 8);
    expect(mcnemarExact(500, 520)).toBeGreaterThan(0.5);
  });
});
