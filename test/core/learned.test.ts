// The learned detector: fitting is deterministic, its files load like a rules file, calibrated
// confidences lie in [0, 1], and cross-validated scores (folds by problem) stay above a floor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../src/core/behaviors/cv';
import { LearnedModel } from '../../src/core/behaviors/default';
import { fitDetector } from '../../src/core/behaviors/fit';
import { LearnedDetector, type LearnedModelFile } from '../../src/core/behaviors/learned';
import { main } from '../../src/cli/main';
import { segment } from '../../src/core/segment';
import { Trace } from '../../src/core/schema';
import { captureIo, SHARED, tmpFile } from '../helpers';

function load(name: string): Trace[] {
  return readFileSync(join(SHARED, name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const r = JSON.parse(l);
      return Trace.parse({
        id: r.id,
        problemId: r.problem_id,
        checkpoint: { id: r.checkpoint, label: r.checkpoint, role: r.checkpoint },
        response: r.response,
        labels: r.labels,
        problem: { id: r.problem_id, question: r.problem.question, answer: r.problem.answer },
      });
    });
}

describe('learned detector', () => {
  const dev = load('behaviors-dev.jsonl');
  it('fits deterministically into a valid, small model file', () => {
    const a = fitDetector(dev, 'x', 'dev');
    const b = fitDetector(dev, 'x', 'dev');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(LearnedModel.safeParse(a).success).toBe(true);
    expect(JSON.stringify(a).length).toBeLessThan(1_000_000);
  });

  it('finds behaviors with calibrated confidences and cues inside the response', () => {
    const model = fitDetector(dev, 'x', 'dev') as LearnedModelFile;
    const d = new LearnedDetector(model);
    const t = dev[0]!;
    const steps = segment(t.response);
    const hits = d.detect({ response: t.response, steps }).flat();
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      expect(h.confidence).toBeGreaterThanOrEqual(0);
      expect(h.confidence).toBeLessThanOrEqual(1);
      expect(h.cue.end).toBeLessThanOrEqual(t.response.length);
    }
  });

  it('keeps its cross-validated macro F1 on dev2 above a floor (folds by problem)', () => {
    const r = crossValidate(load('behaviors-dev2.jsonl'), 5);
    console.log(`dev2 CV: trace ${r.macro.trace.f1.toFixed(3)} span ${r.macro.span.f1.toFixed(3)}`);
    expect(r.macro.trace.f1).toBeGreaterThanOrEqual(0.5);
    expect(r.macro.span.f1).toBeGreaterThanOrEqual(0.35);
  }, 60_000);

  it('cogtrace fit writes a model that eval and annotate load with --rules', async () => {
    const out = tmpFile('detector.json', '');
    const a = captureIo();
    expect(
      await main(['fit', '--labels', join(SHARED, 'behaviors-dev.jsonl'), '--out', out, '--cv', '3'], a.io),
    ).toBe(0);
    expect(a.o.out).toContain('before');
    expect(a.o.out).toContain('3-fold CV');
    const b = captureIo();
    expect(await main(['eval', '--labels', join(SHARED, 'behaviors-dev.jsonl'), '--rules', out], b.io)).toBe(
      0,
    );
    expect(b.o.out).toContain('learned:fitted');
    const bad = tmpFile(
      'bad.json',
      JSON.stringify({ version: 1, kind: 'linear', name: 'x', trainedOn: '', behaviors: {} }),
    );
    const c = captureIo();
    expect(await main(['eval', '--labels', join(SHARED, 'behaviors-dev.jsonl'), '--rules', bad], c.io)).toBe(
      2,
    );
    expect(c.o.err).toMatch(/bad\.json:1: behaviors/);
  }, 60_000);
});
