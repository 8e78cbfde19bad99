// The diff view's pure parts: word-level changes, pairing by problem and side order, and the diff
// model (swap, differences, behavior changes) on the sample's cold-start and RL traces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { diffTraces } from '../../src/core/diff';
import { comparableProblems, sideOrder } from '../../src/core/pairs';
import { wordDiff } from '../../src/core/wordDiff';
import type { Trace } from '../../src/core/schema';
import * as D from '../../src/webview/diff/state';

const sample = readFileSync(join(__dirname, '..', '..', 'sample', 'ovr-sample.trace.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Trace);

describe('word diff', () => {
  it('marks the words outside the common subsequence on each side, as ranges', () => {
    const a = 'The hour hand points at 3 and the minute hand at 12.';
    const b = 'The hour hand points at 4 and the minute hand points at 12.';
    const d = wordDiff(a, b);
    expect(d.left.map(([s, e]) => a.slice(s, e))).toEqual(['3']);
    expect(d.right.map(([s, e]) => b.slice(s, e))).toEqual(['4', 'points']);
    expect(d.similarity).toBeGreaterThan(0.8);
  });

  it('joins adjacent changed words, ignores case, and handles empty and identical texts', () => {
    const d = wordDiff('so the answer is B', 'So the final result is C');
    expect(d.right.map(([s, e]) => 'So the final result is C'.slice(s, e))).toEqual(['final result', 'C']);
    expect(wordDiff('same text', 'same text')).toEqual({ left: [], right: [], similarity: 1 });
    expect(wordDiff('', 'new words').right).toEqual([[0, 9]]);
  });

  it('falls back to prefix and suffix on huge steps', () => {
    const a = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const b = a.replace('w1000', 'changed');
    const d = wordDiff(a, b, 1000);
    expect(d.right.map(([s, e]) => b.slice(s, e))).toEqual(['changed']);
  });
});

describe('pairing', () => {
  it('groups the traces of a problem, cold-start left of RL', () => {
    const reversed = [...sample].reverse();
    const groups = comparableProblems(reversed);
    expect(groups.size).toBe(15);
    for (const list of groups.values())
      expect(list.map((t) => t.checkpoint.role)).toEqual(['cold-start', 'rl']);
    const only = comparableProblems(sample.filter((t) => t.checkpoint.role === 'rl'));
    expect(only.size).toBe(0);
    expect(
      sideOrder(
        { problemId: 'p', checkpoint: { id: 'a', label: '', role: 'rl', step: 200 } },
        { problemId: 'p', checkpoint: { id: 'b', label: '', role: 'rl', step: 100 } },
      ),
    ).toBeGreaterThan(0);
  });
});

describe('diff model', () => {
  const [l, r] = comparableProblems(sample)
    .get('clock-01')!
    .map((t) => annotate(t));
  const d = diffTraces(l!, r!);
  const side = (t: typeof l) => ({ trace: t!, code: [], file: 'ovr-sample.trace.jsonl', index: 0 });
  const model: D.DiffModel = { left: side(l), right: side(r), rows: d.rows, swapped: false };

  it('finds differences and behavior changes, wrapping around', () => {
    const diffs = model.rows.flatMap((row, i) => (D.isDifference(row) ? [i] : []));
    expect(diffs.length).toBeGreaterThan(0);
    expect(D.nextRow(model.rows, -1, 1, (i) => D.isDifference(model.rows[i]!))).toBe(diffs[0]);
    expect(D.nextRow(model.rows, diffs[0]!, -1, (i) => D.isDifference(model.rows[i]!))).toBe(diffs.at(-1));
    // rows partition both sides' steps, so a behavior the right side has more of is gained on some row
    const gained = new Set<string>();
    const lost = new Set<string>();
    for (let i = 0; i < model.rows.length; i++) {
      const c = D.rowBehaviorChange(model, i);
      c.gained.forEach((b) => gained.add(b));
      c.lost.forEach((b) => lost.add(b));
    }
    const deltas = Object.entries(d.behaviorDeltas);
    expect(deltas.some(([, n]) => n !== 0)).toBe(true);
    for (const [b, n] of deltas) {
      if (n > 0) expect(gained.has(b), b).toBe(true);
      if (n < 0) expect(lost.has(b), b).toBe(true);
    }
    const facts = [D.sideFacts(l!), D.sideFacts(r!)];
    expect(facts[1]!.steps).toBe(r!.steps.length);
    expect(facts[1]!.behaviors).toEqual(d.right.behaviors);
  });

  it('swaps sides: one-sided rows flip, changes invert, twice is the identity', () => {
    const s = D.swapModel(model);
    expect(s.left.trace.id).toBe(r!.id);
    for (let i = 0; i < model.rows.length; i++) {
      const a = model.rows[i]!;
      const b = s.rows[i]!;
      expect(b.left).toBe(a.right);
      if (a.kind === 'left-only') expect(b.kind).toBe('right-only');
      expect(D.rowBehaviorChange(s, i)).toEqual({
        gained: D.rowBehaviorChange(model, i).lost,
        lost: D.rowBehaviorChange(model, i).gained,
      });
    }
    expect(D.swapModel(s)).toEqual(model);
  });

  it('word-diffs only changed rows', () => {
    const changed = model.rows.findIndex((x) => x.kind === 'changed');
    const same = model.rows.findIndex((x) => x.kind === 'same');
    if (changed >= 0)
      expect(
        D.rowWordDiff(model, changed)!.left.length + D.rowWordDiff(model, changed)!.right.length,
      ).toBeGreaterThan(0);
    if (same >= 0) expect(D.rowWordDiff(model, same)).toBeUndefined();
    expect(changed >= 0 || same >= 0).toBe(true);
  });
});
