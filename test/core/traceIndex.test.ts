// The index's pure parts: cutting long strings out of a line, splitting chunks into lines, the
// columnar store's filter and sort (the trace list's words), and the cache's round trip.
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { lightSummary, scanLines, stripLongStrings, summaryOf } from '../../src/core/files/traceIndex';
import { decodeStore, encodeStore } from '../../src/core/summaryCache';
import { behaviorNamed, type ListSort, SummaryStore } from '../../src/core/summaryStore';
import { BEHAVIOR_IDS } from '../../src/core/behaviors/catalog';

const strip = (o: unknown) => {
  const b = Buffer.from(JSON.stringify(o));
  const out = Buffer.alloc(b.length * 2);
  return JSON.parse(out.toString('utf8', 0, stripLongStrings(b, out)));
};

describe('long strings cut from a line', () => {
  it('keeps short fields and structure, empties long strings, honours escapes', () => {
    const long = 'a "quoted" \\ path\\\\ ' + 'é'.repeat(200) + '\\"';
    const o = { id: 'x\\"y', response: long, nested: { q: 'short "one"', big: [long, 'ok'] }, n: 3 };
    expect(strip(o)).toEqual({
      id: 'x\\"y',
      response: '',
      nested: { q: 'short "one"', big: ['', 'ok'] },
      n: 3,
    });
  });

  it('reads the short fields of a trace line and names what is wrong with a bad one', () => {
    const line = JSON.stringify({
      id: 't1',
      problemId: 'p1',
      checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
      response: 'x'.repeat(5000),
    });
    expect(lightSummary(Buffer.from(line), 'f.jsonl', 3)).toMatchObject({
      id: 't1',
      problemId: 'p1',
      checkpoint: { label: 'RL' },
      steps: -1,
    });
    const bad = lightSummary(Buffer.from('{"id": "t2", "resp'), 'f.jsonl', 4);
    expect(bad.steps).toBe(-2);
    expect(bad.issue).toMatch(/^f\.jsonl:4: invalid JSON/);
    expect(lightSummary(Buffer.from('{"id": "t3"}'), 'f.jsonl', 5).issue).toMatch(/response/);
  });
});

describe('lines of a chunk', () => {
  it('numbers every line, skips blank ones, strips CR and a BOM, keeps an unfinished line', () => {
    const text = '\ufeff{"a":1}\r\n\n  \n{"b":2}\n{"c":';
    const got: [number, number, string][] = [];
    const r = scanLines(Buffer.from(text), 0, 1, (l, b) => got.push([l.line, l.offset, b.toString()]));
    expect(got).toEqual([
      [1, 3, '{"a":1}'],
      [4, 16, '{"b":2}'],
    ]);
    expect(r).toEqual({ consumed: 24, lines: 4 });
  });
});

/** A store of traces (problem, checkpoint, correct, steps, backtracking count). */
function store(rows: [string, string, boolean | null, number, number, number?][]) {
  const s = new SummaryStore();
  rows.forEach(([problemId, ckpt, correct, steps, back, low], i) =>
    s.add(
      { line: i + 1, offset: i * 100, length: 99 },
      {
        id: `${problemId}/${ckpt}`,
        problemId,
        checkpoint: { id: ckpt.toLowerCase(), label: ckpt, role: ckpt === 'RL' ? 'rl' : 'cold-start' },
        status: 'complete',
        correct,
        steps,
        counts: BEHAVIOR_IDS.map((b) => (b === 'backtracking' ? back : 0)),
        ...(low === undefined ? {} : { minConfidence: low }),
      },
    ),
  );
  return s;
}

describe('the list query over summaries', () => {
  const s = store([
    ['clock-01', 'RL', true, 12, 0],
    ['clock-01', 'Cold', false, 30, 2, 0.7],
    ['maze', 'RL', null, 7, 1, 0.55],
  ]);
  const q = (text: string, sort: ListSort = 'file', descending = false) =>
    Array.from(s.query({ text, sort, descending }));

  it('keeps every word of the old filter: problem, checkpoint, role, id and verdict', () => {
    expect(q('')).toEqual([0, 1, 2]);
    expect(q('clock wrong')).toEqual([1]);
    expect(q(' rl ')).toEqual([0, 2]);
    expect(q('correct clock')).toEqual([0]);
    expect(q('incorrect')).toEqual([1]);
    expect(q('maze/rl')).toEqual([2]);
  });

  it('filters on a behavior present or absent, by id, prefix or label', () => {
    expect(behaviorNamed('backtrack')).toBe(0);
    expect(behaviorNamed('visual-reflection')).toBe(BEHAVIOR_IDS.indexOf('visual_reflection'));
    expect(behaviorNamed('xy')).toBe(-1);
    expect(q('+backtracking')).toEqual([1, 2]);
    expect(q('has:backtrack rl')).toEqual([2]);
    expect(q('-backtracking')).toEqual([0]);
    expect(q('no:backtracking wrong')).toEqual([]);
  });

  it('sorts by steps, behaviors and verdict, either way, ties in file order', () => {
    expect(q('', 'steps')).toEqual([2, 0, 1]);
    expect(q('', 'steps', true)).toEqual([1, 0, 2]);
    expect(q('', 'behaviors', true)).toEqual([1, 2, 0]);
    expect(q('', 'verdict', true)).toEqual([0, 1, 2]);
    expect(q('', 'file', true)).toEqual([2, 1, 0]);
  });

  it('sorts least sure first: the lowest detection confidence, traces without detections last', () => {
    expect(q('', 'confidence')).toEqual([2, 1, 0]);
    expect(q('rl', 'confidence')).toEqual([2, 0]);
    const t = store([['a', 'RL', null, 3, 1, 0.8]]);
    // the annotated trace's weakest hit decides, across its steps
    const a = annotate({
      schemaVersion: 1,
      id: 't',
      problemId: 'p',
      checkpoint: { id: 'rl', label: 'rl', role: 'rl' },
      response:
        'First, I need to find the radius.\n\nWait, that is wrong. Let me re-examine the image.\n\nLet me verify: 3 + 4 = 7. \\boxed{7}',
      status: 'complete',
    });
    const all = a.steps.flatMap((st) => st.behaviors.map((h) => h.confidence));
    expect(all.length).toBeGreaterThan(1);
    expect(summaryOf(a).minConfidence).toBe(Math.min(...all));
    expect(
      summaryOf({ ...a, steps: a.steps.map((st) => ({ ...st, behaviors: [] })) }).minConfidence,
    ).toBeUndefined();
    expect(t.lowConf[0]).toBe(80);
  });

  it('does not count a row that is not summarized as having or lacking a behavior', () => {
    const t = store([['a', 'RL', null, 3, 1]]);
    t.add({ line: 2, offset: 100, length: 10 }, {
      ...t.item(0),
      checkpoint: t.checkpointOf(0),
      status: 'complete',
      steps: -1,
      counts: [],
    } as never);
    expect(t.summarized).toBe(1);
    expect(Array.from(t.query({ text: '-backtracking', sort: 'file', descending: false }))).toEqual([]);
    expect(t.rowOfLine(2)).toBe(1);
    expect(t.rowOfLine(5)).toBe(-1);
  });

  it('round-trips through the cache format', () => {
    s.issues.set(2, 'f:3: bad');
    const key = { path: '/f', indexed: 300, indexedLines: 3, size: 300, mtimeMs: 5, detector: 'd' };
    const d = decodeStore(encodeStore(s, key))!;
    expect(d.key).toEqual(key);
    expect([0, 1, 2].map((r) => d.store.item(r))).toEqual([0, 1, 2].map((r) => s.item(r)));
    expect(Array.from(d.store.offset)).toEqual([0, 100, 200]);
    expect(d.store.summarized).toBe(3);
    expect(Array.from(d.store.lowConf.subarray(0, 3))).toEqual(Array.from(s.lowConf.subarray(0, 3)));
    // it keeps growing after being read back
    d.store.add({ line: 4, offset: 300, length: 5 }, {
      ...s.item(0),
      checkpoint: s.checkpointOf(0),
      status: 'complete',
      counts: [],
    } as never);
    expect(d.store.count).toBe(4);
    expect(decodeStore(Buffer.from('not a cache'))).toBeUndefined();
  });
});

describe('the scan on real model output', () => {
  it('reads the same id, problem and checkpoint from every real trace as the full import does', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { traceFromLine } = await import('../../src/core/files/traces');
    const file = join(__dirname, '..', '..', '..', 'shared', 'data', 'real', 'traces-real.jsonl');
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(40);
    lines.forEach((l, i) => {
      const light = lightSummary(Buffer.from(l), file, i + 1);
      const full = traceFromLine({ line: i + 1, text: l }, file).trace!;
      expect([light.id, light.problemId, light.checkpoint.id], `line ${i + 1}`).toEqual([
        full.id,
        full.problemId,
        full.checkpoint.id,
      ]);
    });
  });
});
