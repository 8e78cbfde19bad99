// The review label store: decisions → labels in the labelled format (read back by eval's importer),
// undo, atomic writes, resuming from the file, two panels (two copies of the store) deciding on the
// same file without overwriting each other, and a corrupted line reported and kept.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { defaultDetector } from '../../src/core/behaviors/default';
import { importTraceRecord } from '../../src/core/files/imports';
import { labelsPathFor, LabelFile } from '../../src/core/review/labelFile';
import {
  addedKey,
  detectionKey,
  newRecord,
  reviewAgreement,
  type ReviewDecision,
} from '../../src/core/review/labels';
import type { Trace } from '../../src/core/schema';

const response =
  '<think>\nThe image shows a clock at 3:40.\n\nWait, let me look at the hour hand again: it is past the 3.\n\nLet me verify: 40 × 6 = 240.\n</think>\n\\boxed{130}';
const trace: Trace = {
  schemaVersion: 1,
  id: 'clock/rl',
  problemId: 'clock',
  checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
  response,
  status: 'complete',
  problem: { schemaVersion: 1, id: 'clock', question: 'Angle?', answer: '130', meta: {} },
};
const a = annotate(trace, { detector: defaultDetector() });
const base = () => newRecord(a, 'ana');
const span = (text: string) => [response.indexOf(text), response.indexOf(text) + text.length] as const;
const decision = (
  over: Partial<ReviewDecision> & Pick<ReviewDecision, 'behavior' | 'decision'>,
  at: number,
) => {
  const [start, end] = span('Let me verify: 40 × 6 = 240.');
  return {
    key: detectionKey(over.from ?? over.behavior, start, end),
    start,
    end,
    reviewer: 'ana',
    at,
    ...over,
  };
};

describe('review labels', () => {
  it('names the labels file after the trace file', () => {
    expect(labelsPathFor('/w/runs/rl.trace.jsonl')).toBe('/w/runs/rl.labels.jsonl');
    expect(labelsPathFor('/w/dump.jsonl')).toBe('/w/dump.labels.jsonl');
  });

  it('turns decisions into labels eval reads unchanged, and undoes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cogtrace-review-'));
    const f = new LabelFile(join(dir, 'rl.labels.jsonl'));
    f.decide(
      'clock/rl',
      base,
      decision({ behavior: 'verification', from: 'verification', decision: 'accepted' }, 1),
    );
    const [hs, he] = span('let me look at the hour hand again');
    f.decide('clock/rl', base, {
      key: addedKey('visual_reflection', hs, he),
      behavior: 'visual_reflection',
      start: hs,
      end: he,
      decision: 'added',
      reviewer: 'ana',
      at: 2,
    });
    const line = readFileSync(f.path, 'utf8').trim();
    const imported = importTraceRecord(JSON.parse(line), { file: f.path, line: 1, defaultCheckpoint: 'x' });
    expect(imported.issues ?? []).toEqual([]);
    expect(imported.trace!.labels).toEqual([
      { behavior: 'visual_reflection', quote: 'let me look at the hour hand again' },
      { behavior: 'verification', quote: 'Let me verify: 40 × 6 = 240.' },
    ]);
    expect(imported.trace!.answerCorrect).toBe(true);
    // undo: the decision goes back to pending, its label goes away
    f.decide(
      'clock/rl',
      base,
      decision({ behavior: 'verification', from: 'verification', decision: 'pending' }, 3),
    );
    expect(f.get('clock/rl')!.labels.map((l) => l.behavior)).toEqual(['visual_reflection']);
    // nothing but the file itself is left behind (the temporary file was renamed)
    expect(readdirSync(dir)).toEqual(['rl.labels.jsonl']);
  });

  it('resumes from the file and merges two panels deciding on the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cogtrace-review-'));
    const path = join(dir, 'rl.labels.jsonl');
    const one = new LabelFile(path);
    const two = new LabelFile(path);
    one.decide(
      'clock/rl',
      base,
      decision({ behavior: 'verification', from: 'verification', decision: 'accepted' }, 10),
    );
    const [hs, he] = span('The image shows a clock at 3:40.');
    two.decide('clock/rl', base, {
      key: addedKey('goal_driven_visual_tracing', hs, he),
      behavior: 'goal_driven_visual_tracing',
      start: hs,
      end: he,
      decision: 'added',
      reviewer: 'ben',
      at: 11,
    });
    // two did not lose one's decision: it re-read the file before writing
    const resumed = new LabelFile(path);
    expect(
      resumed
        .get('clock/rl')!
        .review.decisions.map((d) => d.decision)
        .sort(),
    ).toEqual(['accepted', 'added']);
    // the later decision on one annotation wins, whichever panel wrote last
    two.decide(
      'clock/rl',
      base,
      decision({ behavior: 'backtracking', from: 'verification', decision: 'relabelled' }, 30),
    );
    one.decide(
      'clock/rl',
      base,
      decision({ behavior: 'verification', from: 'verification', decision: 'rejected' }, 20),
    );
    const after = new LabelFile(path).get('clock/rl')!;
    expect(after.review.decisions.find((d) => d.from === 'verification')!.decision).toBe('relabelled');
    expect(after.labels.map((l) => l.behavior)).toEqual(['goal_driven_visual_tracing', 'backtracking']);
    one.setDone('clock/rl', base, true, 'ana');
    expect(new LabelFile(path).get('clock/rl')!.review.done).toBe(true);
    expect(reviewAgreement([after])).toEqual({ precision: 0, recall: 0, decided: 3 });
  });

  it('reports a corrupted line with its number and keeps it and the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cogtrace-review-'));
    const path = join(dir, 'rl.labels.jsonl');
    const f = new LabelFile(path);
    f.decide(
      'clock/rl',
      base,
      decision({ behavior: 'verification', from: 'verification', decision: 'accepted' }, 1),
    );
    appendFileSync(path, '{"id": "broken", "resp\n{"id": "x", "labels": 3}\n');
    writeFileSync(path, readFileSync(path, 'utf8'));
    const g = new LabelFile(path);
    expect(g.issues[0]).toMatchObject({ file: path, line: 2, field: '(line)' });
    expect(g.issues.some((i) => i.line === 3)).toBe(true);
    expect(g.get('clock/rl')!.labels).toHaveLength(1);
    g.decide(
      'clock/rl',
      base,
      decision({ behavior: 'verification', from: 'verification', decision: 'rejected' }, 2),
    );
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('{"id": "broken", "resp');
    expect(text).toContain('{"id": "x", "labels": 3}');
  });
});

describe('improving the detector from reviews', () => {
  it('turns reviewed records back into labelled traces and measures a fitted detector on held-out folds', async () => {
    const { loadTraces } = await import('../../src/core/files/traces');
    const { locateLabels } = await import('../../src/core/eval');
    const { applyDecision } = await import('../../src/core/review/labels');
    const { improveFromReviews, reviewedTraces } = await import('../../src/core/review/improve');
    const dev = (await loadTraces(join(__dirname, '..', '..', '..', 'shared', 'data', 'behaviors-dev.jsonl')))
      .items;
    // each labelled trace reviewed as a user would: every label added by selection
    const records = dev.map((t) => {
      let r = newRecord(annotate(t, { detector: defaultDetector() }), 'ana');
      for (const l of locateLabels(t))
        r = applyDecision(r, {
          key: addedKey(l.behavior, l.start, l.end),
          behavior: l.behavior,
          start: l.start,
          end: l.end,
          decision: 'added',
          reviewer: 'ana',
          at: 1,
        });
      return r;
    });
    const traces = reviewedTraces(records, 'dev.labels.jsonl');
    expect(traces).toHaveLength(dev.length);
    expect(traces[0]!.labels).toEqual(
      [...dev[0]!.labels!].sort(
        (a, b) => dev[0]!.response.indexOf(a.quote) - dev[0]!.response.indexOf(b.quote),
      ),
    );
    const r = improveFromReviews(traces, defaultDetector(), 'dev')!;
    expect(r.k).toBe(5);
    expect(r.n).toBe(30);
    expect(r.before.rows).toHaveLength(8);
    expect(r.after.rows.some((x) => x.trace.f1 > 0)).toBe(true);
    expect(r.model.behaviors).toBeDefined();
    expect(improveFromReviews(traces.slice(0, 1), defaultDetector(), 'one')).toBeUndefined();
  });
});
