// The statistics view's pure parts on the sample's 15 problems × 2 checkpoints: per-problem rows,
// outcome and behavior filters that agree with the paired table, sorting, free text, CSV.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { computeStats, problemRows, summarize } from '../../src/core/stats';
import type { Trace } from '../../src/core/schema';
import * as S from '../../src/webview/stats/state';

const traces = readFileSync(join(__dirname, '..', '..', 'sample', 'ovr-sample.trace.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => annotate(JSON.parse(l) as Trace));
const summaries = traces.map((a) => ({ ...summarize(a), steps: a.steps.length }));
const report = computeStats(summaries);
const stats = { checkpoints: report.checkpoints, problems: problemRows(summaries) };
const view = { filter: 'all', text: '', sort: 'problem', descending: false };

describe('statistics table', () => {
  it('has one row per problem with both checkpoints', () => {
    expect(stats.problems).toHaveLength(15);
    for (const r of stats.problems) expect(Object.keys(r.byCheckpoint).sort()).toEqual(['cold-start', 'rl']);
    expect(S.comparedPair(stats)).toEqual(['cold-start', 'rl']);
  });

  it('outcome filters agree with the paired table', () => {
    const p = report.paired[0]!;
    expect(S.tableRows(stats, { ...view, filter: 'only-a' })).toHaveLength(p.onlyA);
    expect(S.tableRows(stats, { ...view, filter: 'only-b' })).toHaveLength(p.onlyB);
    expect(S.tableRows(stats, { ...view, filter: 'both-right' })).toHaveLength(p.bothRight);
    expect(S.tableRows(stats, { ...view, filter: 'both-wrong' })).toHaveLength(p.bothWrong);
    expect(p.onlyA + p.onlyB + p.bothRight + p.bothWrong).toBe(15);
  });

  it('gained and lost filters follow the counts', () => {
    for (const id of ['visual_reflection', 'verification'] as const) {
      const gained = S.tableRows(stats, { ...view, filter: `gained:${id}` });
      for (const r of gained) {
        expect(r.byCheckpoint['cold-start']!.counts[id]).toBe(0);
        expect(r.byCheckpoint.rl!.counts[id]).toBeGreaterThan(0);
      }
      const lost = S.tableRows(stats, { ...view, filter: `lost:${id}` });
      for (const r of lost) expect(r.byCheckpoint['cold-start']!.counts[id]).toBeGreaterThan(0);
    }
    expect(S.filterOptions(stats).map((o) => o.id)).toContain('gained:visual_reflection');
  });

  it('sorts by a column both ways and filters by text', () => {
    const bySteps = S.tableRows(stats, { ...view, sort: 'rl:steps' }).map((r) => r.byCheckpoint.rl!.steps);
    expect(bySteps).toEqual([...bySteps].sort((a, b) => a - b));
    const desc = S.tableRows(stats, { ...view, sort: 'rl:steps', descending: true }).map(
      (r) => r.byCheckpoint.rl!.steps,
    );
    expect(desc).toEqual([...bySteps].reverse());
    expect(S.tableRows(stats, { ...view, text: 'CLOCK' }).map((r) => r.problemId)).toEqual(['clock-01']);
  });

  it('exports CSV with a header and safe cells', () => {
    const rows = S.tableRows(stats, view);
    const csv = S.tableCsv(stats, rows).trim().split('\n');
    expect(csv).toHaveLength(16);
    expect(csv[0]!.split(',').slice(0, 3)).toEqual(['problem', 'cold-start:correct', 'cold-start:steps']);
    const hostile = [{ problemId: '=HYPERLINK("x")', byCheckpoint: {} }];
    expect(S.tableCsv(stats, hostile).split('\n')[1]!.startsWith(`"'=HYPERLINK(""x"")"`)).toBe(true);
  });
});
