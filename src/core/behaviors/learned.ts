// The learned behavior detector: per behavior, a logistic model over the features of each sentence
// the model wrote (words and word pairs, its opening words, Chinese character pairs, the previous
// sentence's words, the rules that fire on it, its position) — so a behavior is found from what
// it says, not from one phrasing. Sentence scores are calibrated (Platt scaling on held-out folds:
// a hit at 0.8 is right about 80% of the time) and a step carries a behavior when one of its
// sentences clears that behavior's threshold. Weights are data (`cogtrace fit` writes them; the
// defaults ship as default-detector.json), deterministic, small, and loaded like a rules file.
import { BEHAVIOR_IDS, type BehaviorHit, type BehaviorId } from '../schema';
import { segment, type StepSpan } from '../segment';
import { type BehaviorDetector, type DetectionInput, DETECTED_REGIONS, RuleDetector } from './detector';
import { CompiledModel } from './score';

export interface BehaviorModel {
  bias: number;
  weights: Record<string, number>;
  /** Platt scaling of the raw score: p = σ(a·z + b). */
  platt: [number, number];
  /** Calibrated probability at or above which a sentence has the behavior. */
  threshold: number;
}

export interface LearnedModelFile {
  version: 1;
  kind: 'linear';
  name: string;
  /** Where the weights came from: files, traces, labels. */
  trainedOn: string;
  behaviors: Record<BehaviorId, BehaviorModel>;
}

export interface Sentence extends StepSpan {
  text: string;
}

const TOKEN = /[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?|[\u4e00-\u9fff]|[✓✗?=]/g;

export function tokens(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(lower); m; m = TOKEN.exec(lower)) {
    const t = m[0];
    out.push(t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57 ? '0' : t);
  }
  return out;
}

export const isCjk = (t: string) => t.length === 1 && t.charCodeAt(0) >= 0x4e00;

/** The sentences of a response that the model wrote as reasoning. */
export function reasoningSentences(
  response: string,
  input?: Pick<DetectionInput, 'markers' | 'sentences'>,
): Sentence[] {
  return (input?.sentences ?? segment(response, { mode: 'sentence', markers: input?.markers }))
    .filter((s) => DETECTED_REGIONS.has(s.region))
    .map((s) => ({ ...s, text: response.slice(s.start, s.end) }));
}

/** Feature names of each sentence. `ruleHits[i]` lists the behaviors the rules find in sentence i. */
export function sentenceFeatures(
  sentences: readonly Sentence[],
  ruleHits: readonly BehaviorId[][],
): string[][] {
  const toks = sentences.map((s) => tokens(s.text));
  const n = sentences.length;
  return sentences.map((_, i) => {
    const t = toks[i]!;
    const f = new Set<string>(['bias']);
    for (let k = 0; k < t.length; k++) {
      const a = t[k]!;
      const b = t[k + 1];
      if (isCjk(a)) {
        if (b && isCjk(b)) f.add(`c:${a}${b}`);
        continue;
      }
      f.add(`w:${a}`);
      if (b && !isCjk(b)) f.add(`b:${a}_${b}`);
      if (k < 3) f.add(`s:${a}`);
    }
    if (t.length >= 2) f.add(`s2:${t[0]}_${t[1]}`);
    const prev = toks[i - 1];
    if (prev) {
      for (const a of prev) if (!isCjk(a)) f.add(`p:${a}`);
      if (prev[0]) f.add(`ps:${prev[0]}`);
    } else f.add('first');
    const next = toks[i + 1];
    if (next?.[0]) f.add(`ns:${next[0]}`);
    for (const r of ruleHits[i] ?? []) f.add(`r:${r}`);
    for (const r of ruleHits[i - 1] ?? []) f.add(`pr:${r}`);
    f.add(`pos:${Math.min(4, Math.floor((5 * i) / Math.max(1, n)))}`);
    f.add(`len:${t.length < 6 ? 0 : t.length < 15 ? 1 : t.length < 30 ? 2 : 3}`);
    return [...f];
  });
}

/**
 * The rules' behaviors per sentence (a feature: the model learns how far to trust each rule). The
 * rules run once on the steps; a hit belongs to the sentence its cue starts in.
 */
export function ruleHitsBySentence(
  hits: readonly (readonly BehaviorHit[])[],
  sentences: readonly Sentence[],
): BehaviorId[][] {
  const out = sentences.map((): BehaviorId[] => []);
  for (const step of hits)
    for (const h of step) {
      const i = spanAt(sentences, h.cue.start);
      if (i >= 0 && !out[i]!.includes(h.id)) out[i]!.push(h.id);
    }
  return out;
}

/** The rule detector's step hits on the response (the steps of the default segmentation). */
export const ruleHitsOf = (rules: RuleDetector, response: string, input?: Partial<DetectionInput>) =>
  rules.detect({ response, steps: input?.steps ?? segment(response, { markers: input?.markers }), ...input });

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function rawScore(m: BehaviorModel, feats: readonly string[]): number {
  let z = m.bias;
  for (const f of feats) z += m.weights[f] ?? 0;
  return z;
}

export const calibrated = (m: BehaviorModel, z: number) => sigmoid(m.platt[0] * z + m.platt[1]);

export class LearnedDetector implements BehaviorDetector {
  readonly name: string;
  /** Built on first need: inside the default detector the rules' hits are handed in. */
  private ownRules?: RuleDetector;
  private readonly scorer: CompiledModel;

  constructor(readonly model: LearnedModelFile) {
    this.name = `learned:${model.name}`;
    this.scorer = new CompiledModel(model);
  }

  /**
   * Calibrated probability per sentence and behavior; `ruleHits` are the rules' step hits on the
   * same response when the caller has them (the rules then do not run twice).
   */
  scoreSentences(
    response: string,
    sentences: readonly Sentence[],
    ruleHits?: readonly (readonly BehaviorHit[])[],
  ): Float64Array[] {
    const hits = ruleHits ?? ruleHitsOf(this.rules(), response);
    return this.scorer.score(sentences, ruleHitsBySentence(hits, sentences));
  }

  private rules(): RuleDetector {
    return (this.ownRules ??= new RuleDetector());
  }

  detect(input: DetectionInput): BehaviorHit[][] {
    const { response, steps } = input;
    const sentences = reasoningSentences(response, input);
    const probs = this.scoreSentences(response, sentences, this.rules().detect(input));
    const out: BehaviorHit[][] = steps.map(() => []);
    sentences.forEach((s, i) => {
      const k = stepOf(steps, s.start);
      if (k < 0) return;
      BEHAVIOR_IDS.forEach((b, bi) => {
        const p = probs[i]![bi]!;
        if (p < this.model.behaviors[b].threshold) return;
        const hits = out[k]!;
        const had = hits.find((h) => h.id === b);
        const hit = learnedHit(this.name, b, p, s);
        if (!had) hits.push(hit);
        else if (had.confidence < hit.confidence) Object.assign(had, hit);
      });
    });
    return out;
  }
}

/** The index of the span (ordered, not overlapping) that holds offset `at`, or -1. */
function spanAt(spans: readonly StepSpan[], at: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  const s = spans[lo];
  return s && s.start <= at && at < s.end ? lo : -1;
}

/** The index of the detected step that holds offset `at`, or -1. */
export function stepOf(steps: readonly StepSpan[], at: number): number {
  const k = spanAt(steps, at);
  return k >= 0 && DETECTED_REGIONS.has(steps[k]!.region) ? k : -1;
}

/** A learned hit: its cue is the sentence (trailing space trimmed). */
export const learnedHit = (name: string, b: BehaviorId, p: number, s: Sentence): BehaviorHit => ({
  id: b,
  confidence: Math.round(p * 1000) / 1000,
  cue: { start: s.start, end: s.start + s.text.trimEnd().length || s.end },
  detector: `${name}/${b}`,
});
