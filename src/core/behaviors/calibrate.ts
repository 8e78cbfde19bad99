// Calibrates a rule set's confidences on labelled traces: each rule's confidence becomes the share
// of its hits that a gold label of its behavior overlaps (span level, as `eval` scores it), shrunk
// toward the rule's current confidence when the rule has few hits. A hit at 0.8 then means "right
// about 80% of the time on data like this" — on data like the labels: calibrated on the traces the
// rules were tuned on, confidences come out too high for new data, so calibrate on labels the
// rules were not written from. `cogtrace calibrate` runs it on a user's labels.
import { locateLabels, overlaps } from '../eval';
import type { Trace } from '../schema';
import { segment } from '../segment';
import { RuleDetector } from './detector';
import { resolveRuleSet, type RuleSet } from './rules';

export interface RuleCalibration {
  id: string;
  hits: number;
  right: number;
  before: number;
  after: number;
}

/**
 * The set with calibrated confidences (complete: `extends` resolved) and the tally per rule.
 * `priorWeight` is how many hits the old confidence counts for.
 */
export function calibrateRules(
  set: RuleSet | undefined,
  traces: readonly Trace[],
  priorWeight = 4,
): { set: RuleSet; rules: RuleCalibration[] } {
  const resolved = resolveRuleSet(set);
  const detector = new RuleDetector(resolved);
  const tally = new Map(resolved.rules.map((r) => [r.id, { hits: 0, right: 0 }]));
  for (const t of traces) {
    const steps = segment(t.response);
    const hits = detector.detect({ response: t.response, steps, problem: t.problem });
    const gold = locateLabels(t);
    steps.forEach((s, i) => {
      for (const h of hits[i] ?? []) {
        const id = h.detector.slice(h.detector.indexOf('/') + 1);
        const c = tally.get(id);
        if (!c) continue;
        c.hits++;
        if (gold.some((g) => g.behavior === h.id && overlaps(s, g))) c.right++;
      }
    });
  }
  const rules: RuleCalibration[] = [];
  const calibrated = resolved.rules.map((r) => {
    const c = tally.get(r.id)!;
    const p = (c.right + priorWeight * r.confidence) / (c.hits + priorWeight);
    const after = Math.round(Math.min(0.99, Math.max(0.05, p)) * 100) / 100;
    rules.push({ id: r.id, hits: c.hits, right: c.right, before: r.confidence, after });
    return { ...r, confidence: after };
  });
  return { set: { ...resolved, extends: false, rules: calibrated }, rules };
}
