// The default detector: the rules, and beside them the shipped lexical model (`default-model.json`,
// words and word pairs of each sentence and its neighbours, no rule features). The model adds a
// behavior to a step only where the rules found none of it there and one of the step's sentences
// scores at least `minConfidence` (0.9: chosen by 5-fold cross-validation by problem on the traces
// the rules were tuned on; see docs/architecture.md). Every rule hit stays as it was, so a user
// still sees each cue; a model hit's cue is its whole sentence and its confidence the model's
// calibrated probability.
import { BEHAVIOR_IDS, type BehaviorHit } from '../schema';
import { segment, type StepSpan } from '../segment';
import { type BehaviorDetector, type DetectionInput, DETECTED_REGIONS, RuleDetector } from './detector';
import type { LearnedModelFile } from './learned';
import DEFAULT_MODEL from './default-model.json';
import { LexicalScorer } from './lexical';

export const DEFAULT_MIN_CONFIDENCE = 0.9;

export class HybridDetector implements BehaviorDetector {
  readonly name: string;
  private readonly scorer: LexicalScorer;
  private readonly thresholds: number[];

  constructor(
    private readonly rules: RuleDetector,
    readonly model: LearnedModelFile,
    private readonly minConfidence = model.unionMinConfidence ?? DEFAULT_MIN_CONFIDENCE,
  ) {
    if (model.ruleFeatures !== false)
      throw new Error(`model ${model.name} uses rule features; the hybrid detector takes a lexical model`);
    this.name = `${rules.name}+learned:${model.name}`;
    this.scorer = new LexicalScorer(model);
    this.thresholds = BEHAVIOR_IDS.map((b) => Math.max(model.behaviors[b].threshold, this.minConfidence));
  }

  detect(input: DetectionInput): BehaviorHit[][] {
    const out = this.rules.detect(input);
    const { response, steps } = input;
    const sentences: StepSpan[] = [];
    for (const s of input.sentences ?? segment(response, { mode: 'sentence', markers: input.markers }))
      if (DETECTED_REGIONS.has(s.region)) sentences.push(s);
    if (!sentences.length) return out;
    const p = this.scorer.scores(response, sentences);
    const B = BEHAVIOR_IDS.length;
    let k = 0;
    sentences.forEach((s, i) => {
      while (k < steps.length - 1 && steps[k]!.end <= s.start) k++;
      const step: StepSpan | undefined = steps[k];
      if (!step || step.start > s.start || !DETECTED_REGIONS.has(step.region)) return;
      const hits = out[k]!;
      for (let bi = 0; bi < B; bi++) {
        const prob = p[i * B + bi]!;
        if (prob < this.thresholds[bi]!) continue;
        const id = BEHAVIOR_IDS[bi]!;
        const had = hits.find((h) => h.id === id);
        if (had && !had.detector.startsWith('learned:')) continue; // the rules found it: their cue stays
        // a sentence that runs past its step (steps merge short pieces differently) is cut at it
        const end = Math.min(step.end, s.start + response.slice(s.start, s.end).trimEnd().length);
        const hit: BehaviorHit = {
          id,
          confidence: Math.round(prob * 1000) / 1000,
          cue: { start: s.start, end: end > s.start ? end : Math.min(step.end, s.end) },
          detector: `learned:${this.model.name}/${id}`,
        };
        if (!had) hits.push(hit);
        else if (had.confidence < hit.confidence) Object.assign(had, hit);
      }
    });
    return out;
  }
}

let builtIn: HybridDetector | undefined;

/** The built-in detector (the default rules and the shipped lexical model), made once. */
export function builtInDetector(): HybridDetector {
  return (builtIn ??= new HybridDetector(new RuleDetector(), DEFAULT_MODEL as unknown as LearnedModelFile));
}
