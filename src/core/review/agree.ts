// Agreement between two reviewers' label files of the same traces: per behavior, Cohen's kappa at
// the trace level (has the behavior or not) and at the span level (each paragraph step: labelled
// with the behavior or not), and every disagreement, so reviewers can talk about the real cases.
import { BEHAVIOR_IDS } from '../behaviors/catalog';
import { locateLabels } from '../eval';
import type { Trace } from '../schema';
import { segment } from '../segment';

export interface Kappa {
  kappa: number | null;
  /** Observed agreement and the number of items compared. */
  agreement: number;
  n: number;
}

export interface Disagreement {
  trace: string;
  behavior: string;
  level: 'trace' | 'span';
  /** 1-based paragraph step (span level). */
  step?: number;
  a: boolean;
  b: boolean;
  text?: string;
}

export interface AgreeReport {
  traces: number;
  onlyA: number;
  onlyB: number;
  rows: { behavior: string; trace: Kappa; span: Kappa }[];
  disagreements: Disagreement[];
}

/** Cohen's kappa of paired yes/no judgments; null when chance agreement is total (nothing to say). */
export function cohenKappa(pairs: readonly [boolean, boolean][]): Kappa {
  const n = pairs.length;
  if (!n) return { kappa: null, agreement: 0, n };
  let ya = 0;
  let yb = 0;
  let same = 0;
  for (const [a, b] of pairs) {
    if (a) ya++;
    if (b) yb++;
    if (a === b) same++;
  }
  const po = same / n;
  const pe = (ya / n) * (yb / n) + (1 - ya / n) * (1 - yb / n);
  return { kappa: pe >= 1 ? null : (po - pe) / (1 - pe), agreement: po, n };
}

export function agree(a: readonly Trace[], b: readonly Trace[]): AgreeReport {
  const byId = new Map(b.map((t) => [t.id, t]));
  const common = a.filter((t) => byId.has(t.id));
  const ids = new Set(a.map((t) => t.id));
  const disagreements: Disagreement[] = [];
  const trace = new Map<string, [boolean, boolean][]>(BEHAVIOR_IDS.map((x) => [x, []]));
  const span = new Map<string, [boolean, boolean][]>(BEHAVIOR_IDS.map((x) => [x, []]));
  for (const ta of common) {
    const tb = byId.get(ta.id)!;
    const la = locateLabels(ta);
    const lb = locateLabels(tb);
    const steps = segment(ta.response);
    for (const beh of BEHAVIOR_IDS) {
      const ha = la.some((l) => l.behavior === beh);
      const hb = lb.some((l) => l.behavior === beh);
      trace.get(beh)!.push([ha, hb]);
      if (ha !== hb) disagreements.push({ trace: ta.id, behavior: beh, level: 'trace', a: ha, b: hb });
      steps.forEach((s, i) => {
        const hit = (ls: typeof la) =>
          ls.some((l) => l.behavior === beh && l.start < s.end && s.start < l.end);
        const sa = hit(la);
        const sb = hit(lb);
        span.get(beh)!.push([sa, sb]);
        if (sa !== sb)
          disagreements.push({
            trace: ta.id,
            behavior: beh,
            level: 'span',
            step: i + 1,
            a: sa,
            b: sb,
            text: ta.response.slice(s.start, s.end).trim().slice(0, 160),
          });
      });
    }
  }
  return {
    traces: common.length,
    onlyA: a.length - common.length,
    onlyB: b.filter((t) => !ids.has(t.id)).length,
    rows: BEHAVIOR_IDS.map((beh) => ({
      behavior: beh,
      trace: cohenKappa(trace.get(beh)!),
      span: cohenKappa(span.get(beh)!),
    })),
    disagreements,
  };
}
