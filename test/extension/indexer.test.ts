// The index of a trace file end to end on disk: scan, full summaries on worker threads (equal to
// annotating each trace), bad lines kept as rows with their issue, the cache (a second open reads
// no trace), appends picked up from the old end, a rewritten file indexed again.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { defaultDetector } from '../../src/core/behaviors/default';
import { summaryOf } from '../../src/core/files/traceIndex';
import { TraceFileIndex } from '../../src/extension/indexer';

const repo = join(__dirname, '..', '..');
beforeAll(() => {
  // summaries run in dist/cli-worker.js, as in the packaged extension
  execSync('node esbuild.config.mjs', { cwd: repo, stdio: 'ignore' });
});

const detector = defaultDetector();
const RESPONSES = [
  '<think>\nThe image shows a clock. Wait, let me look again: the hour hand is past 3.\n\nSo it is 3:15.\n</think>\n\\boxed{3:15}',
  '<think>\nFirst, find the radius. To get the area I need the radius, which needs the diameter.\n\nLet me verify: 2*3=6.\n</think>\n\\boxed{6}',
];
const line = (i: number) =>
  JSON.stringify({
    id: `t${i}`,
    problemId: `p${i % 7}`,
    checkpoint: {
      id: i % 2 ? 'rl' : 'cold',
      label: i % 2 ? 'RL' : 'Cold',
      role: i % 2 ? 'rl' : 'cold-start',
    },
    problem: { id: `p${i % 7}`, question: 'q', answer: i % 3 ? '6' : '3:15' },
    response: RESPONSES[i % 2],
  });

function makeFile(n: number, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'cogtrace-index-'));
  const file = join(dir, 'big.trace.jsonl');
  const lines = Array.from({ length: n }, (_, i) => line(i));
  lines.splice(5, 0, '{"id": "broken", "respo'); // a truncated line
  lines.splice(9, 0, ''); // a blank line
  writeFileSync(file, lines.join('\n') + '\n' + extra);
  return file;
}

const open = async (file: string, cacheDir?: string) => {
  const ix = new TraceFileIndex(file, { detector, detectorKey: 'default', cacheDir, jobs: 2 });
  await ix.ready;
  return ix;
};

describe('trace file index', () => {
  it('summarizes every trace as annotating it would, and keeps a bad line as a row with its issue', async () => {
    const file = makeFile(300);
    const ix = await open(file);
    const s = ix.store;
    expect(ix.phase).toBe('ready');
    expect(s.count).toBe(301);
    expect(s.summarized).toBe(301);
    expect(s.item(5)).toMatchObject({ steps: -2, id: 'line 6' });
    expect(s.item(5).issue).toMatch(/big\.trace\.jsonl:6: .*JSON/);
    // rows after the blank line keep their file line numbers
    expect(s.line[9]).toBe(11);
    for (const r of [0, 1, 4, 6, 150, 300]) {
      const t = ix.read(r).trace!;
      const want = summaryOf(annotate(t, { detector }));
      expect(s.item(r)).toMatchObject({
        id: want.id,
        problemId: want.problemId,
        steps: want.steps,
        correct: want.correct,
      });
      expect(Array.from(s.counts.subarray(r * 8, r * 8 + 8))).toEqual(want.counts);
    }
    ix.dispose();
  });

  it('opens again from its cache, and extends the cache when the file grew meanwhile', async () => {
    const file = makeFile(120);
    const cache = mkdtempSync(join(tmpdir(), 'cogtrace-cache-'));
    (await open(file, cache)).dispose();
    const again = await open(file, cache);
    expect(again.fromCache).toBe('exact');
    expect(again.store.count).toBe(121);
    again.dispose();
    appendFileSync(file, [120, 121, 122].map(line).join('\n') + '\n');
    const grown = await open(file, cache);
    expect(grown.fromCache).toBe('prefix');
    expect(grown.store.count).toBe(124);
    expect(grown.store.summarized).toBe(124);
    expect(grown.store.item(123).id).toBe('t122');
    grown.dispose();
  });

  it('picks up appends while open, waits for an unfinished last line, and re-indexes a rewritten file', async () => {
    const file = makeFile(40, '{"id": "t-half", "response": "unfin');
    const ix = await open(file);
    expect(ix.store.count).toBe(41);
    appendFileSync(file, 'ished"}\n' + line(40) + '\n');
    await ix.checkGrowth();
    await ix.settled();
    expect(ix.store.count).toBe(43);
    expect(ix.store.item(41).id).toBe('t-half');
    expect(ix.store.item(42)).toMatchObject({ id: 't40', steps: expect.any(Number) });
    expect(ix.store.summarized).toBe(43);
    const resets: boolean[] = [];
    ix.onChange((_p, reset) => resets.push(reset));
    writeFileSync(file, [line(0), line(1)].join('\n') + '\n');
    await ix.checkGrowth();
    await ix.settled();
    expect(resets).toContain(true);
    expect(ix.store.count).toBe(2);
    ix.dispose();
  });

  it('reads whole-file JSON and text traces into the same kind of store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cogtrace-index-'));
    const file = join(dir, 'rl.md');
    writeFileSync(file, RESPONSES[0]!);
    const ix = await open(file);
    expect(ix.store.count).toBe(1);
    expect(ix.read(0).trace!.response).toBe(RESPONSES[0]);
    expect(ix.store.item(0).steps).toBeGreaterThan(0);
    ix.dispose();
  });
});
