// Per-token statistics and seeded sampling, applied to the final logits of each decoding step.
// transformers.js does not return log-probabilities, and its sampler takes no seed, so Cogtrace
// chooses the token here (greedy or temperature/top-p with a seeded RNG) and records its
// log-probability and the entropy of the distribution.

export interface TokenStat {
  id: number;
  logprob: number;
  entropy: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chooses the next token from raw logits; returns its stats. `logits` is not modified. */
export function chooseToken(
  logits: Float32Array,
  opts: { temperature: number; topP: number; rand: () => number },
): TokenStat {
  let max = -Infinity;
  let argmax = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! > max) {
      max = logits[i]!;
      argmax = i;
    }
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const logZ = max + Math.log(sum);
  let entropy = 0;
  for (let i = 0; i < logits.length; i++) {
    const lp = logits[i]! - logZ;
    if (lp > -60) entropy -= Math.exp(lp) * lp;
  }
  let id = argmax;
  if (opts.temperature > 0) {
    const t = opts.temperature;
    const idx: number[] = [];
    const w: number[] = [];
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const x = Math.exp((logits[i]! - max) / t);
      if (x > 1e-12) {
        idx.push(i);
        w.push(x);
        total += x;
      }
    }
    const order = idx.map((_, k) => k).sort((a, b) => w[b]! - w[a]!);
    let keep = order.length;
    if (opts.topP < 1) {
      let acc = 0;
      for (let k = 0; k < order.length; k++) {
        acc += w[order[k]!]! / total;
        if (acc >= opts.topP) {
          keep = k + 1;
          break;
        }
      }
    }
    const kept = order.slice(0, keep);
    const keptTotal = kept.reduce((s, k) => s + w[k]!, 0);
    let r = opts.rand() * keptTotal;
    id = idx[kept[kept.length - 1]!]!;
    for (const k of kept) {
      r -= w[k]!;
      if (r <= 0) {
        id = idx[k]!;
        break;
      }
    }
  }
  return { id, logprob: logits[id]! - logZ, entropy };
}
