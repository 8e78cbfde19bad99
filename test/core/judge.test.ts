// The LLM-judge detector against a loopback server scripted to answer as a judge: parsing of
// answers (missing and truncated tags), quotes placed back in the response (exact, normalized,
// approximate, not found), the prompts file, the cache (a second run makes no call), retries on 429
// with Retry-After and on a slow answer, a malformed answer kept as a failure, and the CLI:
// annotate --detector judge, eval --detector both (confusion, kappa), distillation through fit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { loadTraces } from '../../src/core/files/traces';
import { evaluate } from '../../src/core/eval';
import { JudgmentCache } from '../../src/core/judge/cache';
import { JudgeClient } from '../../src/core/judge/client';
import { counterpartConfusion } from '../../src/core/judge/compare';
import { JudgeDetector } from '../../src/core/judge/detector';
import { parseJudgment, placeQuote } from '../../src/core/judge/parse';
import { DEFAULT_PROMPTS, loadPrompts, renderPrompt } from '../../src/core/judge/prompts';
import type { Trace } from '../../src/core/schema';
import { segment } from '../../src/core/segment';
import { startJudgeServer, type JudgeServer } from '../support/fake-model/judge-server';
import { captureIo, DEV, tmpDir, tmpFile } from '../helpers';
import { writeFakeQwen25VL } from '../support/fake-model/build';

describe('a judge answer', () => {
  it('reads the count and the quoted instances; missing tags mean 0', () => {
    const j = parseJudgment(
      'Here:\n<instance>Wait, that is wrong.</instance>\n<instance> Let me redo it. </instance>\n<count>2</count>',
    );
    expect(j).toEqual({ count: 2, instances: ['Wait, that is wrong.', 'Let me redo it.'], notes: [] });
    expect(parseJudgment('It backtracks twice.').count).toBe(0);
    expect(parseJudgment('It backtracks twice.').notes[0]).toMatch(/no <count>/);
    // a truncated answer: the open instance is dropped, no count → 0
    const cut = parseJudgment('<instance>Wait, that is wrong.</instance>\n<instance>Let me re');
    expect(cut.count).toBe(0);
    expect(cut.notes.join()).toMatch(/unterminated/);
    // the last count wins (a judge that corrects itself)
    expect(parseJudgment('<count>3</count> no, <count>1</count>').count).toBe(1);
    expect(parseJudgment('<count>0</count><instance>x</instance>').instances).toEqual([]);
  });

  it('places quotes verbatim, normalized, approximately, or not at all', () => {
    const r =
      'First, find the radius.\n\nWait, that **is** wrong — the radius is 4, not 3.\n\nSo the area is 16π.';
    expect(placeQuote(r, 'the radius is 4')).toMatchObject({
      start: r.indexOf('the radius is 4'),
      match: 'exact',
    });
    const n = placeQuote(r, 'wait, that is  WRONG')!;
    expect(n.match).toBe('normalized');
    expect(r.slice(n.start, n.end)).toBe('Wait, that **is** wrong');
    const a = placeQuote(r, 'the radius is 5 not 3')!;
    expect(a.match).toBe('approximate');
    expect(r.slice(a.start, a.end)).toContain('radius is 4');
    expect(placeQuote(r, 'the triangle has three equal sides')).toBeUndefined();
    const twice = 'Check: 2+2=4. Check: 2+2=4.';
    expect(placeQuote(twice, 'Check: 2+2=4.', 1)!.start).toBe(14);
  });
});

describe('the judge prompts', () => {
  it('renders one prompt per behavior with the definition, examples and reasoning', () => {
    const [sys, user] = renderPrompt(
      DEFAULT_PROMPTS,
      'visual_reflection',
      'I see {{definition}} here.',
      'Q?',
    );
    expect(sys!.role).toBe('system');
    expect(user!.content).toContain(DEFAULT_PROMPTS.behaviors.visual_reflection.definition);
    expect(user!.content).toContain('<count>');
    // a placeholder written by the model stays as written
    expect(user!.content).toContain('I see {{definition}} here.');
  });

  it('reports a bad prompts file with its name and field', () => {
    const bad = tmpFile(
      'prompts.json',
      JSON.stringify({ ...DEFAULT_PROMPTS, behaviors: { backtracking: {} } }),
    );
    expect(() => loadPrompts(bad)).toThrow(/prompts\.json:1: behaviors/);
    expect(loadPrompts(tmpFile('p2.json', JSON.stringify(DEFAULT_PROMPTS))).version).toBe('cogtrace-judge-1');
  });
});

describe('the judge detector against a scripted server', () => {
  let server: JudgeServer;
  let dev: Trace[];
  beforeAll(async () => {
    dev = (await loadTraces(DEV)).items;
    server = await startJudgeServer(new Map(dev.map((t) => [t.response, t.labels ?? []])));
  });
  afterAll(() => server.close());
  const judgeOf = async (cacheDir = tmpDir(), timeoutMs?: number) =>
    new JudgeDetector(
      new JudgeClient({ baseUrl: server.url, model: 'judge-m', timeoutMs, backoffMs: 20 }),
      DEFAULT_PROMPTS,
      await JudgmentCache.open(cacheDir),
    );

  it('judges the dev set, places instances on steps, and caches every answer', async () => {
    const cache = tmpDir();
    const judge = await judgeOf(cache);
    expect(judge.estimate(dev).calls).toBe(dev.length * 8);
    const before = server.requests;
    await judge.judgeAll(dev, { concurrency: 6 });
    expect(server.requests - before).toBe(dev.length * 8);
    expect(judge.failures).toEqual([]);
    expect(judge.counters).toMatchObject({ calls: 240, cached: 0, failures: 0 });
    expect(judge.counters.promptTokens).toBeGreaterThan(0);
    const r = evaluate(judge, dev);
    // the scripted judge answers from the labels with noise: high, not perfect
    expect(r.macro.trace.f1).toBeGreaterThan(0.8);
    expect(r.macro.trace.f1).toBeLessThan(1);
    expect(r.macro.span.f1).toBeGreaterThan(0.75);
    const t = dev[0]!;
    const hits = judge
      .detect({ response: t.response, steps: segment(t.response), problem: t.problem })
      .flat();
    expect(hits.every((h) => h.detector.startsWith('judge:judge-m/cogtrace-judge-1/'))).toBe(true);
    // a second detector on the same cache asks nothing
    const again = await judgeOf(cache);
    expect(again.estimate(dev)).toMatchObject({ calls: 0, cached: 240 });
    const n = server.requests;
    await again.judgeAll(dev);
    expect(server.requests).toBe(n);
    expect(evaluate(again, dev).macro).toEqual(r.macro);
    // the confusion table counts every visual and linguistic label once
    const conf = counterpartConfusion(judge, dev);
    for (const row of conf) expect(row.asGold + row.asCounterpart + row.missed).toBe(row.labels);
  });

  it('retries a 429 after its Retry-After, and a slow answer past the time limit', async () => {
    const judge = await judgeOf(tmpDir(), 250);
    server.queue('429');
    const t0 = Date.now();
    await judge.judgeAll([dev[1]!], { concurrency: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(judge.counters.retries).toBe(1);
    expect(judge.failures).toEqual([]);
    server.slowMs = 600;
    server.queue('slow');
    const slow = await judgeOf(tmpDir(), 250);
    await slow.judgeAll([dev[2]!], { concurrency: 1 });
    expect(slow.counters.retries).toBe(1);
    expect(slow.failures).toEqual([]);
  });

  it('keeps a malformed answer as a failure and reads truncated or tagless answers as 0', async () => {
    const judge = await judgeOf();
    server.queue('malformed', 'truncated', 'no-tags');
    const t = dev.find((x) => (x.labels?.length ?? 0) > 2)!;
    await judge.judgeAll([t], { concurrency: 1 });
    expect(judge.failures).toHaveLength(1);
    expect(judge.failures[0]!.message).toMatch(/not JSON/);
    expect(judge.judgment(t, 'verification')).toMatchObject({ count: 0 });
    expect(judge.judgment(t, 'subgoal_setting')?.notes.join()).toMatch(/no <count>/);
    // the failed judgment was not cached: a rerun asks again
    expect(judge.estimate([t]).calls).toBe(1);
  });

  it('annotates with the judge from the CLI, distils it into a fitted detector, and compares detectors', async () => {
    const dir = tmpDir();
    const flags = [
      '--judge-url',
      server.url,
      '--judge-model',
      'judge-m',
      '--judge-cache',
      join(dir, 'cache'),
    ];
    // more than 200 calls need --yes
    const refused = captureIo();
    expect(
      await main(['annotate', DEV, '--detector', 'judge', '--judge-price', '2,8', ...flags], refused.io),
    ).toBe(1);
    expect(refused.o.err).toMatch(/240 call\(s\) to make.*tokens, ≈ \$\d+\.\d\d.*\n.*--yes/);
    const labelsOut = join(dir, 'judged.labels.jsonl');
    const a = captureIo();
    expect(
      await main(
        ['annotate', DEV, '--detector', 'judge', '--as-labels', '--out', labelsOut, '--yes', ...flags],
        a.io,
      ),
    ).toBe(0);
    expect(a.o.err).toMatch(/judge: 240 call\(s\), 0 from the cache/);
    const judged = readFileSync(labelsOut, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(judged).toHaveLength(30);
    expect(judged.flatMap((r) => r.labels).length).toBeGreaterThan(30);
    // distillation: fit on the judge's labels, then the fitted detector agrees with the judge more
    const fitted = join(dir, 'distilled.json');
    const f = captureIo();
    expect(await main(['fit', '--labels', labelsOut, '--out', fitted, '--cv', '3'], f.io)).toBe(0);
    const before = captureIo();
    await main(['eval', '--labels', labelsOut, '--json'], before.io);
    const after = captureIo();
    await main(['eval', '--labels', labelsOut, '--rules', fitted, '--json'], after.io);
    const f1 = (o: string) => JSON.parse(o)[0].macro.trace.f1 as number;
    expect(f1(after.o.out)).toBeGreaterThan(f1(before.o.out));
    // both detectors against the gold labels (all answers cached now), the confusion table, kappa
    const b = captureIo();
    expect(await main(['eval', '--labels', DEV, '--detector', 'both', ...flags], b.io)).toBe(0);
    expect(b.o.err).toMatch(/0 call\(s\) to make, 240 cached/);
    expect(b.o.out).toContain('rules:cogtrace-rules');
    expect(b.o.out).toContain('judge:judge-m/cogtrace-judge-1');
    expect(b.o.out).toMatch(/visual_verification \(vs verification\)/);
    expect(b.o.out).toMatch(
      /agreement between rules:cogtrace-rules\+learned:cogtrace-default \(a\) and judge/,
    );
    const j = captureIo();
    await main(['eval', '--labels', DEV, '--detector', 'both', '--json', ...flags], j.io);
    const rep = JSON.parse(j.o.out);
    expect(rep.reports).toHaveLength(2);
    expect(rep.agreement.rows).toHaveLength(8);
    // annotate --json with both: every behavior says which detector found it
    const c = captureIo();
    await main(['annotate', DEV, '--detector', 'both', '--json', ...flags], c.io);
    const dets = c.o.out
      .trim()
      .split('\n')
      .flatMap((l) => JSON.parse(l).steps.flatMap((s: { behaviors: { detector: string }[] }) => s.behaviors))
      .map((x: { detector: string }) => x.detector.split(':')[0]);
    // the default detector's hits come from its rules or, where they found a behavior nowhere, its learned model
    expect(new Set(dets)).toEqual(new Set(['rules', 'learned', 'judge']));
  });

  it('refuses a judge without a server; a local ONNX checkpoint judges in a runner child', async () => {
    const o = captureIo();
    expect(await main(['annotate', DEV, '--detector', 'judge'], o.io)).toBe(2);
    expect(o.o.err).toMatch(/--judge-url/);
    const dir = tmpDir();
    writeFakeQwen25VL(join(dir, 'tiny-judge'));
    const cks = join(dir, 'cks.json');
    writeFileSync(
      cks,
      JSON.stringify([{ id: 'local', config: { backend: 'onnx', model: 'tiny-judge', device: 'cpu' } }]),
    );
    const one = tmpFile('one.jsonl', readFileSync(DEV, 'utf8').split('\n')[0] + '\n');
    const pick = ['--judge-behaviors', 'backtracking,visual_reflection'];
    const p = captureIo();
    const flags = [
      '--judge-checkpoint',
      'local',
      '--checkpoints',
      cks,
      '--judge-cache',
      join(dir, 'c'),
      '--judge-max-tokens',
      '8',
    ];
    expect(await main(['annotate', one, '--detector', 'judge', '--json', ...pick, ...flags], p.io)).toBe(0);
    // the tiny random model writes no tags: every judgment is 0, nothing failed, 2 local calls
    expect(p.o.err).toMatch(
      /judge: 2 call\(s\), 0 from the cache, 0 retries, 0 failed, 0 prompt \+ \d+ completion tokens/,
    );
    const lines = p.o.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines.flatMap((l) => l.steps.flatMap((st: { behaviors: unknown[] }) => st.behaviors))).toEqual([]);
    writeFileSync(
      cks,
      JSON.stringify([{ id: 'j', config: { backend: 'openai', baseUrl: server.url, model: 'judge-m' } }]),
    );
    const q = captureIo();
    const cache = tmpDir();
    expect(
      await main(
        [
          'eval',
          '--labels',
          DEV,
          '--detector',
          'judge',
          '--judge-checkpoint',
          'j',
          '--checkpoints',
          cks,
          '--judge-cache',
          cache,
          '--yes',
        ],
        q.io,
      ),
    ).toBe(0);
    expect(q.o.out).toContain('judge:judge-m/cogtrace-judge-1');
  });
});
