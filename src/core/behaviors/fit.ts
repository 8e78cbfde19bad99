// `cogtrace fit`: trains the learned detector on labelled traces (the labelled format of
// shared/data/README.md, a reviewer's labels file, or judge output). Logistic regression per
// behavior, AdaGrad with L2 over sentences in a fixed order (deterministic: same labels, same
// weights); calibration and thresholds come from out-of-fold scores (folds by problem), so the
// confidence a user sees is measured on traces the weights never saw.
import { locateLabels } from '../eval';
import { BEHAVIOR_IDS, type BehaviorId, type Trace } from '../schema';
import { segmentWithSentences } from '../segment';
import { RuleDetector } from './detector';
import {
  type BehaviorModel,
  type LearnedModelFile,
  reasoningSentences,
  ruleHitsBySentence,
  sentenceFeatures,
} from './learned';

export interface Example {
  trace: number;
  group: string;
  feats: string[];
  /** Bit per behavior (BEHAVIOR_IDS order). */
  y: number;
}

export function buildExamples(traces: readonly Trace[]): Example[] {
  const rules = new RuleDetector();
  const out: Example[] = [];
  traces.forEach((t, ti) => {
    // one boundary scan gives the steps the rules read and the sentences the model reads
    const { steps, sentences: spans } = segmentWithSentences(t.response);
    const sentences = reasoningSentences(t.response, { sentences: spans });
    const hits = rules.detect({ response: t.response, steps });
    const feats = sentenceFeatures(sentences, ruleHitsBySentence(hits, sentences));
    const gold = locateLabels(t);
    sentences.forEach((s, i) => {
      let y = 0;
      for (const g of gold)
        if (g.start < s.end && s.start < g.end) y |= 1 << BEHAVIOR_IDS.indexOf(g.behavior);
      out.push({ trace: ti, group: t.problemId, feats: feats[i]!, y });
    });
  });
  return out;
}

export interface FitOptions {
  epochs?: number;
  l2?: number;
  lr?: number;
  folds?: number;
  minCount?: number;
  /** Weights smaller than this are dropped from the file (they barely move a score). */
  minWeight?: number;
}

/** Raw (uncalibrated) weights per behavior. */
function train(
  ex: readonly Example[],
  o: Required<FitOptions>,
): Record<BehaviorId, Omit<BehaviorModel, 'platt' | 'threshold'>> {
  const count = new Map<string, number>();
  for (const e of ex) for (const f of e.feats) count.set(f, (count.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, c] of count) if (c >= o.minCount || f === 'bias') index.set(f, index.size);
  const rows = ex.map((e) => Int32Array.from(e.feats.map((f) => index.get(f) ?? -1).filter((i) => i >= 0)));
  const names = [...index.keys()];
  const out = {} as Record<BehaviorId, Omit<BehaviorModel, 'platt' | 'threshold'>>;
  BEHAVIOR_IDS.forEach((b, bi) => {
    const bit = 1 << bi;
    const pos = ex.reduce((n, e) => n + ((e.y & bit) !== 0 ? 1 : 0), 0);
    const posWeight = Math.min(6, Math.sqrt(Math.max(1, ex.length - pos) / Math.max(1, pos)));
    const w = new Float64Array(names.length);
    const g2 = new Float64Array(names.length).fill(1e-6);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        let z = 0;
        for (let k = 0; k < r.length; k++) z += w[r[k]!]!;
        const y = (ex[i]!.y & bit) !== 0 ? 1 : 0;
        const g = (1 / (1 + Math.exp(-z)) - y) * (y ? posWeight : 1);
        for (let k = 0; k < r.length; k++) {
          const j = r[k]!;
          const grad = g + o.l2 * w[j]!;
          g2[j] = g2[j]! + grad * grad;
          w[j] = w[j]! - (o.lr * grad) / Math.sqrt(g2[j]!);
        }
      }
    }
    const weights: Record<string, number> = {};
    let bias = 0;
    names.forEach((f, j) => {
      const v = round3(w[j]!);
      if (f === 'bias') bias = v;
      else if (Math.abs(v) >= o.minWeight) weights[f] = v;
    });
    out[b] = { bias, weights };
  });
  return out;
}

const score = (m: { bias: number; weights: Record<string, number> }, feats: readonly string[]) => {
  let z = m.bias;
  for (const f of feats) z += m.weights[f] ?? 0;
  return z;
};

/** Platt scaling: a, b minimising log-loss of σ(a·z + b) against y (plain gradient descent). */
function platt(z: readonly number[], y: readonly number[]): [number, number] {
  let a = 1;
  let b = 0;
  for (let it = 0; it < 300; it++) {
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < z.length; i++) {
      const d = 1 / (1 + Math.exp(-(a * z[i]! + b))) - y[i]!;
      ga += d * z[i]!;
      gb += d;
    }
    a -= (0.5 * ga) / z.length;
    b -= (0.5 * gb) / z.length;
  }
  return [round3(a), round3(b)];
}

/**
 * Three decimals, and never -0: a weight that rounds to -0 is written as 0 by JSON, so a model read
 * back from its file would differ from the one fitted in memory.
 */
const round3 = (x: number) => Math.round(x * 1000) / 1000 + 0;

const f1 = (tp: number, fp: number, fn: number) => (tp ? (2 * tp) / (2 * tp + fp + fn) : 0);

/** The threshold that best balances trace-level and sentence-level F1 on held-out probabilities. */
function bestThreshold(p: readonly number[], y: readonly number[], trace: readonly number[]): number {
  let best = 0.5;
  let bestScore = -1;
  for (let t = 0.1; t <= 0.9001; t += 0.025) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const has = new Map<number, [boolean, boolean]>();
    for (let i = 0; i < p.length; i++) {
      const hit = p[i]! >= t;
      if (hit && y[i]) tp++;
      else if (hit) fp++;
      else if (y[i]) fn++;
      const h = has.get(trace[i]!) ?? [false, false];
      has.set(trace[i]!, [h[0] || hit, h[1] || !!y[i]]);
    }
    let ttp = 0;
    let tfp = 0;
    let tfn = 0;
    for (const [d, g] of has.values()) {
      if (d && g) ttp++;
      else if (d) tfp++;
      else if (g) tfn++;
    }
    const s = (f1(tp, fp, fn) + f1(ttp, tfp, tfn)) / 2;
    if (s > bestScore + 1e-9) {
      bestScore = s;
      best = t;
    }
  }
  return round3(best);
}

/** Problem ids to folds, deterministically (sorted ids dealt round-robin). */
export function foldsByGroup(groups: readonly string[], k: number): Map<string, number> {
  const ids = [...new Set(groups)].sort();
  return new Map(ids.map((g, i) => [g, i % k]));
}

export function fitExamples(
  ex: readonly Example[],
  name: string,
  trainedOn: string,
  opts: FitOptions = {},
): LearnedModelFile {
  const o: Required<FitOptions> = {
    epochs: 15,
    l2: 1e-3,
    lr: 0.5,
    folds: 5,
    minCount: 2,
    minWeight: 0.05,
    ...opts,
  };
  const fold = foldsByGroup(
    ex.map((e) => e.group),
    o.folds,
  );
  // out-of-fold raw scores for calibration
  const oof: number[][] = BEHAVIOR_IDS.map(() => new Array<number>(ex.length).fill(0));
  for (let f = 0; f < o.folds; f++) {
    const trainSet = ex.filter((e) => fold.get(e.group) !== f);
    if (trainSet.length === ex.length) continue;
    const m = train(trainSet, o);
    ex.forEach((e, i) => {
      if (fold.get(e.group) === f) BEHAVIOR_IDS.forEach((b, bi) => (oof[bi]![i] = score(m[b], e.feats)));
    });
  }
  const final = train(ex, o);
  const behaviors = {} as Record<BehaviorId, BehaviorModel>;
  BEHAVIOR_IDS.forEach((b, bi) => {
    const y = ex.map((e) => ((e.y >> bi) & 1) as number);
    const pl = platt(oof[bi]!, y);
    const p = oof[bi]!.map((z) => 1 / (1 + Math.exp(-(pl[0] * z + pl[1]))));
    behaviors[b] = {
      ...final[b],
      platt: pl,
      threshold: bestThreshold(
        p,
        y,
        ex.map((e) => e.trace),
      ),
    };
  });
  return { version: 1, kind: 'linear', name, trainedOn, behaviors };
}

export function fitDetector(
  traces: readonly Trace[],
  name = 'custom',
  trainedOn = '',
  opts: FitOptions = {},
): LearnedModelFile {
  const labels = traces.reduce((n, t) => n + (t.labels?.length ?? 0), 0);
  return fitExamples(
    buildExamples(traces),
    name,
    trainedOn || `${traces.length} traces, ${labels} labels`,
    opts,
  );
}
