// The built-in detector's lexical model: the fast scorer against the reference features, the
// shipped weights (valid, small, reproducible), and what the model may and may not change.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { LearnedModel } from '../../src/core/behaviors/default';
import { RuleDetector } from '../../src/core/behaviors/detector';
import { builtInDetector, HybridDetector } from '../../src/core/behaviors/hybrid';
import {
  calibrated,
  type LearnedModelFile,
  rawScore,
  reasoningSentences,
  sentenceFeatures,
} from '../../src/core/behaviors/learned';
import { LexicalScorer } from '../../src/core/behaviors/lexical';
import { evaluate } from '../../src/core/eval';
import { loadTraces } from '../../src/core/files/traces';
import { BEHAVIOR_IDS, type Trace } from '../../src/core/schema';
import { segment } from '../../src/core/segment';
import { SHARED } from '../helpers';
import { fitDefaultModel } from '../support/fit-default-model';
import { heldOutTraces } from '../support/splits';

const MODEL_FILE = join(__dirname, '..', '..', 'src', 'core', 'behaviors', 'default-model.json');
const model = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as LearnedModelFile;

const sharedTraces = async () =>
  (
    await Promise.all(
      ['behaviors-dev.jsonl', 'behaviors-dev2.jsonl', 'behaviors-dev3.jsonl', 'real/traces-real.jsonl'].map(
        (f) => loadTraces(join(SHARED, f)),
      ),
    )
  ).flatMap((r) => r.items);

/** Every sentence's probabilities the slow way: feature names, then weights by name. */
function reference(m: LearnedModelFile, response: string): number[][] {
  const s = reasoningSentences(response);
  return sentenceFeatures(
    s,
    s.map(() => []),
  ).map((f) => BEHAVIOR_IDS.map((b) => calibrated(m.behaviors[b], rawScore(m.behaviors[b], f))));
}

function expectSameScores(m: LearnedModelFile, scorer: LexicalScorer, response: string) {
  const ref = reference(m, response);
  const fast = scorer.scores(response, reasoningSentences(response));
  expect(fast.length).toBe(ref.length * BEHAVIOR_IDS.length);
  ref.forEach((row, i) =>
    row.forEach((p, bi) => expect(fast[i * BEHAVIOR_IDS.length + bi]).toBeCloseTo(p, 9)),
  );
}

describe('lexical model beside the rules', () => {
  it('scores every sentence of the shared traces as the reference features do', async () => {
    const scorer = new LexicalScorer(model);
    for (const t of await sharedTraces()) expectSameScores(model, scorer, t.response);
  });

  it('tokenizes awkward text as the reference does', () => {
    const scorer = new LexicalScorer(model);
    const words = Object.keys(model.behaviors.verification.weights)
      .filter((f) => f.startsWith('w:'))
      .slice(0, 400)
      .map((f) => f.slice(2));
    const long = Array.from({ length: 900 }, (_, i) => words[(i * 7) % words.length]).join(' ');
    for (const text of [
      "Wait, DON'T double-count: 3.14 ≠ 3. Let me CHECK the image again? ✓ = ✗",
      'The KELVIN sign \u212A and a dotted \u0130STANBUL, then Istanbul. Let me check it again.',
      '等等，我再看一下图。左边的柱子是30。Let me verify: 30 + 20 = 50.',
      `${long}.`,
      "students' answers; 'quoted' words; o'clock; rock'n'roll; 1.5.6; .5 and 5.",
      '',
    ])
      expectSameScores(model, scorer, `<think>${text}\n\nSo the answer is 5.</think>`);
  });

  it('ships valid weights under 1 MB, fitted without the rule hits as features', () => {
    expect(statSync(MODEL_FILE).size).toBeLessThan(1_000_000);
    expect(LearnedModel.safeParse(model).success).toBe(true);
    expect(model.ruleFeatures).toBe(false);
    expect(model.unionMinConfidence).toBe(0.9);
  });

  it('reproduces the shipped weights from the tuning traces (deterministic fit)', async () => {
    expect(await fitDefaultModel(SHARED)).toEqual(model);
  });

  it('keeps every rule hit and adds only confident model hits where the rules found none', async () => {
    const rules = new RuleDetector();
    const hybrid = builtInDetector();
    for (const t of (await sharedTraces()).slice(0, 120)) {
      const steps = segment(t.response);
      const r = rules.detect({ response: t.response, steps });
      const h = hybrid.detect({ response: t.response, steps });
      h.forEach((hits, k) => {
        expect(hits.slice(0, r[k]!.length)).toEqual(r[k]);
        for (const x of hits.slice(r[k]!.length)) {
          expect(x.detector).toMatch(/^learned:cogtrace-lexical\//);
          expect(x.confidence).toBeGreaterThanOrEqual(0.9);
          expect(r[k]!.some((y) => y.id === x.id)).toBe(false);
          expect(x.cue.start).toBeGreaterThanOrEqual(steps[k]!.start);
          expect(x.cue.end).toBeLessThanOrEqual(steps[k]!.end);
        }
      });
    }
  });

  it("gives the same hits with annotate's sentences as when it segments them itself", async () => {
    const hybrid = builtInDetector();
    for (const t of (await sharedTraces()).slice(0, 80)) {
      const a = annotate(t as Trace);
      const own = hybrid.detect({ response: t.response, steps: a.steps });
      expect(a.steps.map((s) => s.behaviors)).toEqual(own);
    }
  });

  it('refuses a model fitted with rule features', () => {
    expect(() => new HybridDetector(new RuleDetector(), { ...model, ruleFeatures: true })).toThrow(
      /rule features/,
    );
  });

  it('keeps its figures on the quarter of dev3 nobody tuned on', async () => {
    const held = await heldOutTraces(SHARED);
    const hybrid = evaluate(builtInDetector(), held);
    const rules = evaluate(new RuleDetector(), held);
    console.log(
      `dev3 held-out quarter: built-in trace ${hybrid.macro.trace.f1.toFixed(3)} span ${hybrid.macro.span.f1.toFixed(3)}; rules alone ${rules.macro.trace.f1.toFixed(3)} / ${rules.macro.span.f1.toFixed(3)}`,
    );
    expect(hybrid.macro.trace.f1).toBeGreaterThanOrEqual(0.78);
    expect(hybrid.macro.span.f1).toBeGreaterThanOrEqual(0.59);
    expect(hybrid.macro.span.f1).toBeGreaterThan(rules.macro.span.f1);
  });
});
