// The learned model, compiled for scoring: its weights are keyed by feature names ("w:wait",
// "b:let_me", "p:image"…) for training and for the file a user reads, but building those strings
// for every sentence, then looking each up once per behavior, cost more than the rules themselves.
// Here the weights are grouped by token (a token's word, opening, previous-sentence and next-opening
// features live together), pairs by their first token, and each entry holds all eight behaviors'
// weights, so a sentence is scored from its tokens with no string built and one lookup per feature.
// It computes exactly what `sentenceFeatures` + `rawScore` compute (a test holds the two equal).
import { BEHAVIOR_IDS, type BehaviorId } from '../schema';
import { type BehaviorModel, isCjk, type LearnedModelFile, type Sentence, tokens } from './learned';

const NB = BEHAVIOR_IDS.length;

/** All behaviors' weights of one feature; `stamp` counts the feature once per sentence. */
interface Entry {
  w: Float64Array;
  stamp: number;
}

interface TokenEntries {
  w?: Entry;
  s?: Entry;
  p?: Entry;
  ps?: Entry;
  ns?: Entry;
  /** Pairs with this token first: anywhere ("b:"), and as the sentence's opening ("s2:"). */
  pair?: Map<string, Entry>;
  openPair?: Map<string, Entry>;
}

const UNI = new Set(['w', 's', 'p', 'ps', 'ns']);

export class CompiledModel {
  private readonly bias = new Float64Array(NB);
  private readonly platt: BehaviorModel['platt'][];
  private readonly uni = new Map<string, TokenEntries>();
  private readonly cjk = new Map<string, Entry>();
  private readonly misc = new Map<string, Entry>();
  private readonly rule: (Entry | undefined)[];
  private readonly prevRule: (Entry | undefined)[];
  private readonly pos: (Entry | undefined)[];
  private readonly len: (Entry | undefined)[];
  private readonly first: Entry | undefined;
  private epoch = 0;

  constructor(model: LearnedModelFile) {
    const newEntry = (): Entry => ({ w: new Float64Array(NB), stamp: -1 });
    const entry = (map: Map<string, Entry>, key: string) => {
      let e = map.get(key);
      if (!e) map.set(key, (e = newEntry()));
      return e;
    };
    const tokenEntries = (t: string) => {
      let x = this.uni.get(t);
      if (!x) this.uni.set(t, (x = {}));
      return x;
    };
    BEHAVIOR_IDS.forEach((b, bi) => {
      const m = model.behaviors[b];
      this.bias[bi] = m.bias;
      for (const [name, v] of Object.entries(m.weights)) {
        const colon = name.indexOf(':');
        const kind = colon < 0 ? name : name.slice(0, colon);
        const rest = name.slice(colon + 1);
        let e: Entry;
        if (UNI.has(kind)) e = tokenEntries(rest)[kind as 'w' | 's' | 'p' | 'ps' | 'ns'] ??= newEntry();
        else if (kind === 'b' || kind === 's2') {
          const cut = rest.indexOf('_');
          const t = tokenEntries(rest.slice(0, cut));
          e = entry(kind === 'b' ? (t.pair ??= new Map()) : (t.openPair ??= new Map()), rest.slice(cut + 1));
        } else if (kind === 'c') e = entry(this.cjk, rest);
        else e = entry(this.misc, name);
        e.w[bi] = v;
      }
    });
    this.platt = BEHAVIOR_IDS.map((b) => model.behaviors[b].platt);
    const of = (names: string[]) => names.map((n) => this.misc.get(n));
    this.rule = of(BEHAVIOR_IDS.map((b) => `r:${b}`));
    this.prevRule = of(BEHAVIOR_IDS.map((b) => `pr:${b}`));
    this.pos = of([0, 1, 2, 3, 4].map((k) => `pos:${k}`));
    this.len = of([0, 1, 2, 3].map((k) => `len:${k}`));
    this.first = this.misc.get('first');
  }

  /** Calibrated probability per sentence, one value per behavior (BEHAVIOR_IDS order). */
  score(sentences: readonly Sentence[], ruleHits: readonly BehaviorId[][]): Float64Array[] {
    const n = sentences.length;
    const toks = sentences.map((s) => tokens(s.text));
    const ents = toks.map((t) => t.map((a) => this.uni.get(a)));
    const out: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const z = Float64Array.from(this.bias);
      const stamp = ++this.epoch;
      const t = toks[i]!;
      const te = ents[i]!;
      for (let k = 0; k < t.length; k++) {
        const a = t[k]!;
        const b = t[k + 1];
        if (isCjk(a)) {
          if (b !== undefined && isCjk(b)) add(z, this.cjk.get(a + b), stamp);
          continue;
        }
        const u = te[k];
        if (!u) continue;
        add(z, u.w, stamp);
        if (k < 3) add(z, u.s, stamp);
        if (b !== undefined && u.pair && !isCjk(b)) add(z, u.pair.get(b), stamp);
      }
      if (t.length >= 2) add(z, te[0]?.openPair?.get(t[1]!), stamp);
      if (i > 0) {
        const prev = toks[i - 1]!;
        const pe = ents[i - 1]!;
        for (let k = 0; k < prev.length; k++) {
          const e = pe[k]?.p;
          if (e && !isCjk(prev[k]!)) add(z, e, stamp);
        }
        if (prev.length) add(z, pe[0]?.ps, stamp);
      } else add(z, this.first, stamp);
      if (i + 1 < n && toks[i + 1]!.length) add(z, ents[i + 1]![0]?.ns, stamp);
      for (const r of ruleHits[i] ?? []) add(z, this.rule[BEHAVIOR_IDS.indexOf(r)], stamp);
      for (const r of ruleHits[i - 1] ?? []) add(z, this.prevRule[BEHAVIOR_IDS.indexOf(r)], stamp);
      add(z, this.pos[Math.min(4, Math.floor((5 * i) / Math.max(1, n)))], stamp);
      add(z, this.len[t.length < 6 ? 0 : t.length < 15 ? 1 : t.length < 30 ? 2 : 3], stamp);
      for (let k = 0; k < NB; k++) {
        const [a, b] = this.platt[k]!;
        z[k] = 1 / (1 + Math.exp(-(a * z[k]! + b)));
      }
      out.push(z);
    }
    return out;
  }
}

/** Adds a feature's weights to the scores once per sentence (`stamp` names the sentence). */
function add(z: Float64Array, e: Entry | undefined, stamp: number): void {
  if (!e || e.stamp === stamp) return;
  e.stamp = stamp;
  const w = e.w;
  for (let k = 0; k < NB; k++) z[k] = z[k]! + w[k]!;
}
