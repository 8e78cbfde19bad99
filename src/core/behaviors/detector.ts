// One interface for every behavior detector (rules now, an LLM judge later): it sees the steps of a
// trace and returns hits with the cue span that triggered them.
import { BEHAVIOR_IDS, type BehaviorHit, type BehaviorId, type Problem } from '../schema';
import type { RegionMarker } from '../regions';
import type { StepSpan } from '../segment';
import { type CompiledRule, compileRules, resolveRuleSet, type RuleSet } from './rules';

export interface DetectionInput {
  response: string;
  steps: readonly StepSpan[];
  problem?: Pick<Problem, 'question' | 'choices'>;
  markers?: readonly RegionMarker[];
}

/** Regions whose text the model wrote as reasoning: behaviors are looked for there only. */
export const DETECTED_REGIONS: ReadonlySet<string> = new Set(['think', 'other']);

export interface BehaviorDetector {
  readonly name: string;
  /** Returns, for each step, its hits (cue spans are offsets into `response`). */
  detect(input: DetectionInput): BehaviorHit[][];
}

/** The default detector: data-driven rules with vocabulary and context constraints. */
export class RuleDetector implements BehaviorDetector {
  readonly name: string;
  private readonly rules: CompiledRule[];

  /** `prefilter: false` runs every rule on every step (used to check that keywords lose nothing). */
  constructor(
    set?: RuleSet,
    private readonly prefilter = true,
  ) {
    const resolved = resolveRuleSet(set);
    this.name = `rules:${resolved.name}`;
    this.rules = compileRules(resolved);
    this.keywordIndex = new KeywordIndex(this.rules);
  }

  private readonly keywordIndex: KeywordIndex;

  detect({ response, steps }: DetectionInput): BehaviorHit[][] {
    // Which steps can match each rule: one scan of the whole response per rule for its keywords,
    // instead of a regex call per step and rule (that per-call cost dominated on real traces).
    const candidates = this.prefilter ? this.keywordIndex.stepsByRule(response, steps) : null;
    const out: BehaviorHit[][] = [];
    let prevText = '';
    for (let si = 0; si < steps.length; si++) {
      const step = steps[si]!;
      const hits: BehaviorHit[] = [];
      if (DETECTED_REGIONS.has(step.region)) {
        const text = response.slice(step.start, step.end);
        let seen = 0; // bit per behavior already found in this step
        for (let ri = 0; ri < this.rules.length; ri++) {
          const c = this.rules[ri]!;
          const bit = 1 << BEHAVIOR_BIT[c.rule.behavior];
          if (seen & bit) continue;
          if (candidates && this.keywordIndex.hasKeywords[ri] && !candidates[ri]![si]) continue;
          c.pattern.lastIndex = 0;
          const m = c.pattern.exec(text);
          if (!m) continue;
          if (c.unless?.test(text)) continue;
          if (c.requires.some((r) => !r.test(text))) continue;
          if (c.forbids.some((r) => r.test(text))) continue;
          if (c.requiresNearby.some((r) => !r.test(text) && !r.test(prevText))) continue;
          if (c.unlessNearby.some((r) => r.test(text) || r.test(prevText))) continue;
          seen |= bit;
          const start = step.start + m.index;
          hits.push({
            id: c.rule.behavior,
            confidence: c.rule.confidence,
            cue: { start, end: start + Math.max(1, m[0].length) },
            detector: `${this.name}/${c.rule.id}`,
          });
        }
        prevText = text;
      }
      out.push(hits);
    }
    return out;
  }
}

const BEHAVIOR_BIT = Object.fromEntries(BEHAVIOR_IDS.map((b, i) => [b, i])) as Record<BehaviorId, number>;

/**
 * All rules' keywords in one case-insensitive alternation (longest first), scanned once per response.
 * Every start position with a keyword is visited (the scan resumes one character after each match),
 * and the keywords that are prefixes of the matched one are credited too, so no occurrence is missed.
 */
class KeywordIndex {
  readonly hasKeywords: boolean[];
  private readonly union?: RegExp;
  /** For each keyword, the rules of every keyword that is a prefix of it (itself included). */
  private readonly rulesOf = new Map<string, number[]>();

  constructor(rules: readonly CompiledRule[]) {
    this.hasKeywords = rules.map((r) => r.rule.keywords.length > 0);
    const own = new Map<string, number[]>();
    rules.forEach((r, i) => {
      for (const k of r.rule.keywords) {
        const key = k.toLowerCase();
        own.set(key, [...(own.get(key) ?? []), i]);
      }
    });
    const sorted = [...own.keys()].sort((a, b) => b.length - a.length);
    for (const k of sorted)
      this.rulesOf.set(k, [...new Set(sorted.filter((p) => k.startsWith(p)).flatMap((p) => own.get(p)!))]);
    if (sorted.length)
      this.union = new RegExp(sorted.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'gi');
  }

  /** For each rule, a flag per step: does the step contain one of the rule's keywords? */
  stepsByRule(response: string, steps: readonly StepSpan[]): Uint8Array[] {
    const flags = this.hasKeywords.map(() => new Uint8Array(steps.length));
    const re = this.union;
    if (!re || !steps.length) return flags;
    re.lastIndex = 0;
    let si = 0;
    for (let m = re.exec(response); m; m = re.exec(response)) {
      while (si < steps.length - 1 && steps[si]!.end <= m.index) si++;
      for (const r of this.rulesOf.get(m[0].toLowerCase()) ?? []) flags[r]![si] = 1;
      re.lastIndex = m.index + 1;
    }
    return flags;
  }
}

/** The crude baseline people use for "aha moments": keywords, no context. */
export class KeywordDetector implements BehaviorDetector {
  readonly name = 'keywords';
  private static readonly MAP: [RegExp, BehaviorId][] = [
    [/\bwait\b/i, 'backtracking'],
    [/\b(?:check|verify)\b/i, 'verification'],
    [/\blet me look\b/i, 'visual_reflection'],
    [/\bfirst\b/i, 'subgoal_setting'],
  ];
  detect({ response, steps }: DetectionInput): BehaviorHit[][] {
    return steps.map((s) => {
      const text = response.slice(s.start, s.end);
      return KeywordDetector.MAP.flatMap(([re, id]) => {
        const m = re.exec(text);
        return m
          ? [
              {
                id,
                confidence: 0.5,
                cue: { start: s.start + m.index, end: s.start + m.index + m[0].length },
                detector: this.name,
              },
            ]
          : [];
      });
    });
  }
}
