// The default detector (rules + the shipped learned model where the rules find nothing), the
// compiled scorer behind it, learned-model files of both versions, and the shipped model being
// exactly what `npm run fit-default` writes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import {
  defaultDetector,
  defaultDetectorFingerprint,
  defaultLearned,
  RulesWithLearned,
} from '../../src/core/behaviors/combined';
import { detectorFromConfig, DetectorFileError } from '../../src/core/behaviors/default';
import { RuleDetector } from '../../src/core/behaviors/detector';
import { fitDetector } from '../../src/core/behaviors/fit';
import {
  calibrated,
  LearnedDetector,
  rawScore,
  reasoningSentences,
  ruleHitsBySentence,
  ruleHitsOf,
  sentenceFeatures,
} from '../../src/core/behaviors/learned';
import { LearnedModel, modelFromFile, modelToFile } from '../../src/core/behaviors/modelFile';
import { loadTraces } from '../../src/core/files/traces';
import { BEHAVIOR_IDS, type Trace } from '../../src/core/schema';
import { segment, segmentWithSentences } from '../../src/core/segment';
import { DEV, SHARED, traceOf } from '../helpers';

const ROOT = join(__dirname, '..', '..');
const shippedFile = () =>
  JSON.parse(readFileSync(join(ROOT, 'src/core/behaviors/default-detector.json'), 'utf8')) as unknown;
const trace = traceOf;

describe('the learned model, compiled for scoring', () => {
  it('scores every sentence of the dev traces exactly as the feature names and weights say', async () => {
    const learned = defaultLearned();
    const rules = new RuleDetector();
    const { items } = await loadTraces(DEV);
    let sentencesSeen = 0;
    for (const t of items) {
      const sentences = reasoningSentences(t.response);
      const hits = ruleHitsOf(rules, t.response);
      const fast = learned.scoreSentences(t.response, sentences, hits);
      const feats = sentenceFeatures(sentences, ruleHitsBySentence(hits, sentences));
      feats.forEach((f, i) =>
        BEHAVIOR_IDS.forEach((b, bi) => {
          const m = learned.model.behaviors[b];
          expect(fast[i]![bi]).toBeCloseTo(calibrated(m, rawScore(m, f)), 9);
        }),
      );
      sentencesSeen += sentences.length;
    }
    expect(sentencesSeen).toBeGreaterThan(500);
  });

  it("annotate's sentences are the sentences the learned model would cut itself", async () => {
    const { items } = await loadTraces(join(SHARED, 'behaviors-dev3.jsonl'));
    for (const t of items) {
      const { sentences } = segmentWithSentences(t.response);
      expect(reasoningSentences(t.response, { sentences })).toEqual(reasoningSentences(t.response));
    }
  });
});

/** A model file written by hand: each named feature alone makes its behavior certain, nothing else. */
const handModel = (name: string, features: Record<string, string>) =>
  modelFromFile(
    LearnedModel.parse({
      version: 2,
      kind: 'linear',
      name,
      trainedOn: 'test',
      behaviors: [...BEHAVIOR_IDS],
      bias: BEHAVIOR_IDS.map(() => -5),
      platt: BEHAVIOR_IDS.map(() => [1, 0]),
      threshold: BEHAVIOR_IDS.map(() => 0.5),
      weights: Object.fromEntries(
        Object.entries(features).map(([f, b]) => [f, BEHAVIOR_IDS.map((x) => (x === b ? 10 : 0))]),
      ),
    }),
  );

describe('the default detector', () => {
  it('keeps every rule hit and adds learned hits only for behaviors the rules found nowhere', async () => {
    const { items } = await loadTraces(join(SHARED, 'behaviors-dev2.jsonl'));
    const rules = new RuleDetector();
    const both = defaultDetector();
    let added = 0;
    for (const t of items) {
      const steps = segment(t.response);
      const r = rules.detect({ response: t.response, steps });
      const d = both.detect({ response: t.response, steps });
      const ruleIds = new Set(r.flat().map((h) => h.id));
      r.forEach((hs, k) => expect(d[k]!.slice(0, hs.length)).toEqual(hs));
      const extra = d.flatMap((hs, k) => hs.slice(r[k]!.length));
      for (const h of extra) {
        expect(ruleIds.has(h.id)).toBe(false);
        expect(h.detector).toBe(`learned:cogtrace-default/${h.id}`);
        expect(h.confidence).toBeGreaterThanOrEqual(0.5);
        expect(h.cue.start).toBeGreaterThanOrEqual(0);
        expect(h.cue.end).toBeLessThanOrEqual(t.response.length);
      }
      // one learned hit per missing behavior at most
      expect(new Set(extra.map((h) => h.id)).size).toBe(extra.length);
      added += extra.length;
    }
    console.log(`dev2: the learned fill added ${added} hits to ${items.length} traces`);
  });

  it("finds a behavior the rules miss from the trace's words, once, and no visual behavior without the image", () => {
    // a hand-made model: "whoa" means backtracking, "split" divide-and-conquer, nothing else counts
    const model = handModel('t', { 'w:whoa': 'backtracking', 'w:split': 'visual_divide_and_conquer' });
    const rules = new RuleDetector();
    const hitsOf = (text: string, imageWords?: null) =>
      annotate(trace(`<think>\nOkay.\n${text}\n</think>\n\\boxed{6}`), {
        detector: new RulesWithLearned(rules, new LearnedDetector(model), 0.5, imageWords),
      }).steps.flatMap((s) => s.behaviors.map((h) => `${h.id} ${h.detector}`));
    const ids = (text: string, imageWords?: null) =>
      hitsOf(text, imageWords).filter((h) => h.includes(' learned:'));
    // the rules find a check here, and nothing else
    const checked = 'Let me double-check the sum: 6 + 6 = 12.';
    const plain = `Whoa, the sum comes to 12.\n\nWhoa, the sum is 12.\n\nThe cost is split evenly, so each pays 6. ${checked}`;
    expect(
      annotate(trace(`<think>\nOkay.\n${plain}\n</think>`), { detector: rules }).steps.flatMap((s) =>
        s.behaviors.map((h) => h.id),
      ),
    ).toEqual(['verification']);
    // one hit for the behavior however many sentences score; the split cost is no visual split
    expect(ids(plain)).toEqual(['backtracking learned:t/backtracking']);
    // without the image test it would be
    expect(ids(plain, null)).toContain('visual_divide_and_conquer learned:t/visual_divide_and_conquer');
    // with the image it is
    expect(
      ids(`In the figure, the square is split into 4 small squares; each has area 6. ${checked}`),
    ).toContain('visual_divide_and_conquer learned:t/visual_divide_and_conquer');
    // a trace in which the rules find no behavior at all gets nothing from the model (a plain
    // answer: the model's best sentence there is noise)
    expect(hitsOf(plain.replace(checked, ''))).toEqual([]);
    // a look at the image is no requirement: "to determine …, I need to zoom in" is no backward chaining
    const chain = handModel('c', { 'w:determine': 'backward_chaining' });
    const chained = (text: string) =>
      annotate(trace(`<think>\nOkay.\n${text}\n</think>`), {
        detector: new RulesWithLearned(rules, new LearnedDetector(chain)),
      })
        .steps.flatMap((s) => s.behaviors.map((h) => h.detector))
        .filter((d) => d.startsWith('learned:'));
    expect(chained(`To determine the colour of the cap, I need to zoom in on the man. ${checked}`)).toEqual(
      [],
    );
    expect(chained(`To determine the speed, the time taken is what matters, 3 hours. ${checked}`)).toEqual([
      'learned:c/backward_chaining',
    ]);
    // where the rules found the behavior, the model adds nothing to it
    const ruled = hitsOf(
      'Whoa, the sum comes to 12.\n\nWait, that is wrong: I added where I should have multiplied. Starting over, 3 × 4 = 12.',
    );
    expect(ruled.filter((h) => h.startsWith('backtracking'))).toEqual([
      expect.stringMatching(/^backtracking rules:/),
    ]);
  });

  it('has a fingerprint for annotation caches, the same on every call', () => {
    const f = defaultDetectorFingerprint();
    expect(f).toMatch(/^[0-9a-f]{8}$/);
    expect(defaultDetectorFingerprint()).toBe(f);
  });

  it('is what annotate uses unless told otherwise', () => {
    const text =
      '<think>\nOkay.\nTo get the area I need the radius, and the radius needs the diameter from the figure.\n</think>\n\\boxed{3}';
    const viaDefault = annotate(trace(text));
    const viaExplicit = annotate(trace(text), { detector: defaultDetector() });
    expect(viaDefault.steps).toEqual(viaExplicit.steps);
  });
});

describe('learned-model files', () => {
  it('writes version 2 (each feature once) and reads both versions to the same model', () => {
    const v1 = modelFromFile(LearnedModel.parse(shippedFile()));
    const v2 = modelToFile(v1);
    expect(LearnedModel.safeParse(v2).success).toBe(true);
    expect(modelFromFile(LearnedModel.parse(v2))).toEqual(v1);
    expect(modelFromFile(LearnedModel.parse(JSON.parse(JSON.stringify(v1))))).toEqual(v1);
    expect(JSON.stringify(v2).length).toBeLessThan(JSON.stringify(v1).length);
  });

  it('names the file and the field of a bad version-2 file', () => {
    const v2 = modelToFile(modelFromFile(LearnedModel.parse(shippedFile())));
    const bad = { ...v2, bias: v2.bias.slice(1), weights: { 'w:wait': [1, 2] } };
    expect(() => detectorFromConfig(bad, 'mine.json')).toThrow(DetectorFileError);
    expect(() => detectorFromConfig(bad, 'mine.json')).toThrow(/mine\.json:1: bias/);
    expect(() => detectorFromConfig(bad, 'mine.json')).toThrow(/weights/);
  });

  it('ships under 1 MB, and exactly what `npm run fit-default` fits on the labelled traces', async () => {
    const raw = readFileSync(join(ROOT, 'src/core/behaviors/default-detector.json'), 'utf8');
    expect(raw.length).toBeLessThan(1_000_000);
    const files = [
      join(SHARED, 'behaviors-dev.jsonl'),
      join(SHARED, 'behaviors-dev2.jsonl'),
      join(SHARED, 'behaviors-dev3.jsonl'),
      join(ROOT, 'test/fixtures/written-traces.labels.jsonl'),
      ...readdirSync(join(ROOT, 'docs/review'))
        .filter((f) => /^real-review\d*\.labels\.jsonl$/.test(f))
        .sort()
        .map((f) => join(ROOT, 'docs/review', f)),
    ];
    const traces: Trace[] = [];
    for (const f of files) traces.push(...(await loadTraces(f)).items.filter((t) => t.labels));
    const fitted = modelToFile(fitDetector(traces, 'cogtrace-default', '', { minCount: 4 }));
    const shipped = JSON.parse(raw) as ReturnType<typeof modelToFile>;
    expect(shipped.name).toBe('cogtrace-default');
    // the rules or the features changed since the model was fitted: run `npm run fit-default`
    expect({ ...fitted, trainedOn: '' }).toEqual({ ...shipped, trainedOn: '' });
  }, 120_000);

  it('a fitted model file loads as that model alone', () => {
    const d = detectorFromConfig(shippedFile(), 'default-detector.json');
    expect(d).toBeInstanceOf(LearnedDetector);
  });
});
