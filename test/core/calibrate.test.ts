// Calibration of confidences: eval's reliability table, and rule confidences set from labels
// (calibrateRules and `cogtrace calibrate`).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrateRules } from '../../src/core/behaviors/calibrate';
import { RuleDetector } from '../../src/core/behaviors/detector';
import { calibrationError, evaluate } from '../../src/core/eval';
import { loadTraces } from '../../src/core/files/traces';
import { main } from '../../src/cli/main';
import { captureIo, DEV, SHARED, tmpFile } from '../helpers';

describe('calibration', () => {
  it('eval counts every detection once in a confidence bin, right when a gold label of it overlaps', async () => {
    const { items } = await loadTraces(DEV);
    const r = evaluate(new RuleDetector(), items);
    const n = r.calibration.reduce((a, b) => a + b.n, 0);
    const spanDetections = r.rows.reduce((a, x) => a + x.span.tp + x.span.fp, 0);
    expect(n).toBe(spanDetections);
    expect(r.calibration.reduce((a, b) => a + b.right, 0)).toBe(r.rows.reduce((a, x) => a + x.span.tp, 0));
    for (const b of r.calibration) if (b.n) expect(b.confidenceSum / b.n).toBeGreaterThanOrEqual(b.from);
  });

  it('sets each rule to its share of right hits, shrunk toward the old confidence', async () => {
    const { items } = await loadTraces(DEV);
    const { set, rules } = calibrateRules(undefined, items, 4);
    expect(set.extends).toBe(false);
    const hit = rules.find((r) => r.hits >= 5)!;
    expect(hit.after).toBeCloseTo((hit.right + 4 * hit.before) / (hit.hits + 4), 2);
    for (const r of rules.filter((x) => x.hits === 0)) expect(r.after).toBe(Math.round(r.before * 100) / 100);
    const before = calibrationError(evaluate(new RuleDetector(), items).calibration);
    const after = calibrationError(evaluate(new RuleDetector(set), items).calibration);
    expect(after).toBeLessThan(before); // on the traces it was calibrated on
  });

  it('cogtrace calibrate writes a rules file that eval loads, and refuses a learned model', async () => {
    const out = tmpFile('calibrated.json', '');
    const a = captureIo();
    expect(
      await main(['calibrate', '--labels', join(SHARED, 'behaviors-dev.jsonl'), '--out', out], a.io),
    ).toBe(0);
    expect(a.o.out).toMatch(
      /before[\s\S]*calibration \(span level; expected calibration error [\d.]+\)[\s\S]*after/,
    );
    expect(JSON.parse(readFileSync(out, 'utf8')).rules.length).toBeGreaterThan(10);
    const b = captureIo();
    expect(await main(['eval', '--labels', DEV, '--rules', out], b.io)).toBe(0);
    expect(b.o.out).toContain('confidence');
    const learned = tmpFile(
      'model.json',
      JSON.stringify({ version: 1, kind: 'linear', name: 'x', trainedOn: '', behaviors: {} }),
    );
    const c = captureIo();
    expect(await main(['calibrate', '--labels', DEV, '--rules', learned, '--out', out], c.io)).toBe(2);
    expect(c.o.err).toMatch(/learned model/);
  }, 60_000);
});
