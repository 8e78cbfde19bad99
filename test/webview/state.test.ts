// The trace view's model without a DOM: rows under filters and collapsed loops, search matches,
// cursor moves, reveal, and the step-mode switch keeping behaviors.
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { countBehaviors } from '../../src/core/behaviors/catalog';
import * as S from '../../src/webview/state';

// a paragraph long enough to be a step of its own, repeated as a looping model does
const loopParagraph =
  'I am not sure whether the shaded part covers two squares or three, so I will count the squares along the bottom edge of the grid once more before going on.';
const loopResponse =
  '<think>First, let me find the area of the red region in the image.\n\n' +
  'Wait, I misread the scale. Let me look at the image again: the ruler says 2 cm.\n\n' +
  `${loopParagraph}\n\n`.repeat(4) +
  'Let me verify: 2 × 3 = 6, which checks out.</think>\n\\boxed{6}';

const open = () =>
  S.openTrace(
    {
      index: 0,
      trace: annotate({
        schemaVersion: 1,
        id: 't',
        problemId: 'p',
        checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
        status: 'complete',
        response: loopResponse,
      }),
      code: [],
    },
    'paragraph',
  );

describe('trace view model', () => {
  it('collapses a run of repeated steps behind a loop row, and expands it on request', () => {
    const o = open();
    expect(o.runs).toHaveLength(1);
    const [first, last] = o.runs[0]!;
    expect(last - first).toBeGreaterThanOrEqual(2);
    const rows = S.buildRows(o, { filters: [], expanded: [], forceShow: new Set() });
    expect(rows).toContainEqual({ kind: 'loop', from: first + 1, to: last });
    expect(rows.filter((r) => r.kind === 'step')).toHaveLength(o.trace.steps.length - (last - first));
    const open2 = S.buildRows(o, { filters: [], expanded: [first], forceShow: new Set() });
    expect(open2.every((r) => r.kind === 'step')).toBe(true);
    expect(open2).toHaveLength(o.trace.steps.length);
  });

  it('filters rows by behavior, forced steps stay visible', () => {
    const o = open();
    const counts = countBehaviors(o.trace.steps);
    expect(counts.visual_reflection + counts.backtracking).toBeGreaterThan(0);
    const id = counts.visual_reflection ? 'visual_reflection' : 'backtracking';
    const rows = S.buildRows(o, { filters: [id], expanded: [], forceShow: new Set() });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.kind).toBe('step');
      if (r.kind === 'step') expect(o.trace.steps[r.step]!.behaviors.some((h) => h.id === id)).toBe(true);
    }
    const last = o.trace.steps.length - 1;
    const forced = S.buildRows(o, { filters: [id], expanded: [], forceShow: new Set([last]) });
    expect(forced).toContainEqual({ kind: 'step', step: last });
  });

  it('finds every match, also in collapsed steps, and reveals the loop that hides one', () => {
    const o = open();
    const matches = S.findMatches(o.trace, 'NOT SURE');
    expect(matches).toHaveLength(4);
    // the last match sits in a step the loop row hides
    for (const m of matches) expect(loopResponse.slice(m.start, m.end).toLowerCase()).toBe('not sure');
    const hidden = matches.find((m) => m.step > o.runs[0]![0] && m.step <= o.runs[0]![1])!;
    const s = o.trace.steps[hidden.step]!;
    expect(hidden.start).toBeGreaterThanOrEqual(s.start);
    expect(hidden.end).toBeLessThanOrEqual(s.end);
    expect(S.expansionsToReveal(o, [], hidden.step)).toEqual([o.runs[0]![0]]);
    expect(S.findMatches(o.trace, '')).toEqual([]);
  });

  it('moves the cursor over visible steps only, clamped, and finds the next behavior', () => {
    const rows: S.Row[] = [
      { kind: 'step', step: 0 },
      { kind: 'step', step: 2 },
      { kind: 'loop', from: 3, to: 5 },
      { kind: 'step', step: 7 },
    ];
    expect(S.moveCursor(rows, 0, 1)).toBe(2);
    expect(S.moveCursor(rows, 2, 1)).toBe(7);
    expect(S.moveCursor(rows, 7, 1)).toBe(7);
    expect(S.moveCursor(rows, 0, -1)).toBe(0);
    expect(S.moveCursor([], 0, 1)).toBeUndefined();
    const o = open();
    const withBehavior = o.trace.steps.flatMap((s, i) => (s.behaviors.length ? [i] : []));
    expect(S.nextBehaviorStep(o.trace, -1, [])).toBe(withBehavior[0]);
    // wraps around
    expect(S.nextBehaviorStep(o.trace, withBehavior.at(-1)!, [])).toBe(withBehavior[0]);
  });

  it('keeps behaviors and the cursor position across the sentence switch', () => {
    const o = open();
    const s = S.withSteps(o, o.trace.response, o.hostSteps, 'sentence');
    expect(s.trace.steps.length).toBeGreaterThan(o.trace.steps.length);
    const before = countBehaviors(o.trace.steps);
    const after = countBehaviors(s.trace.steps);
    expect(after).toEqual(before);
    const at = o.trace.steps[1]!.start;
    const k = S.stepAtOffset(s.trace.steps, at);
    expect(s.trace.steps[k]!.end).toBeGreaterThan(at);
    const back = S.withSteps(s, s.trace.response, s.hostSteps, 'paragraph');
    expect(back.trace.steps).toEqual(o.trace.steps);
  });

  it('computes token offsets', () => {
    expect(S.tokenOffsets([{ text: 'ab' }, { text: 'c' }, { text: 'def' }])).toEqual([0, 2, 3]);
    expect(S.tokenOffsets(undefined)).toEqual([]);
  });
});
