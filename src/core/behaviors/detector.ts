// One interface for every behavior detector (rules now, an LLM judge later): it sees the steps of a
// trace and returns hits with the cue span that triggered them.
import { BEHAVIOR_IDS, type BehaviorHit, type BehaviorId, type Problem } from '../schema';
import type { RegionMarker } from '../regions';
import type { StepSpan } from '../segment';
import { KeywordIndex } from './keywords';
import { requiredLiterals } from './literals';
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
    this.bits = this.rules.map((c) => 1 << BEHAVIOR_BIT[c.rule.behavior]);
    this.labels = this.rules.map((c) => `${this.name}/${c.rule.id}`);
    this.vocab = [...new Set(this.rules.flatMap((c) => [...c.requires, ...c.forbids]))];
    const index = (list: RegExp[]) => list.map((r) => this.vocab.indexOf(r));
    this.requiresIdx = this.rules.map((c) => index(c.requires));
    this.forbidsIdx = this.rules.map((c) => index(c.forbids));
    // a rule's prefilter: the literals its regex cannot match without, else the rule file's keywords
    this.keywordIndex = new KeywordIndex(
      this.rules.map((c) => requiredLiterals(c.pattern.source, 2, 12) ?? c.rule.keywords),
    );
  }

  private readonly keywordIndex: KeywordIndex;
  private readonly bits: number[];
  /** Each rule's hit label (`rules:<set>/<rule id>`). */
  private readonly labels: string[];
  /** The vocabulary regexes that rules require or forbid in a step, each tested once per step. */
  private readonly vocab: RegExp[];
  private readonly requiresIdx: number[][];
  private readonly forbidsIdx: number[][];

  detect({ response, steps }: DetectionInput): BehaviorHit[][] {
    // Which rules can match in which step: one pass of the keyword automaton over the response,
    // instead of a regex call per step and rule (that per-call cost dominated on real traces).
    const candidates = this.prefilter ? this.keywordIndex.flags(response, steps) : null;
    const R = this.rules.length;
    const withKeywords = this.keywordIndex.hasKeywords;
    const memo = new Int8Array(this.vocab.length); // per step: 0 not tested, 1 present, 2 absent
    const has = (v: number, text: string) => (memo[v] ||= this.vocab[v]!.test(text) ? 1 : 2) === 1;
    const out: BehaviorHit[][] = [];
    let prevText = '';
    for (let si = 0; si < steps.length; si++) {
      const step = steps[si]!;
      const hits: BehaviorHit[] = [];
      if (DETECTED_REGIONS.has(step.region)) {
        const text = response.slice(step.start, step.end);
        memo.fill(0);
        let seen = 0; // bit per behavior already found in this step
        for (let ri = 0; ri < R; ri++) {
          const c = this.rules[ri]!;
          const bit = this.bits[ri]!;
          if (seen & bit) continue;
          if (candidates && withKeywords[ri] && !candidates[si * R + ri]) continue;
          c.pattern.lastIndex = 0;
          const m = c.pattern.exec(text);
          if (!m) continue;
          if (c.unless?.test(text)) continue;
          // vocabulary shared by many rules: answered once per step
          if (this.requiresIdx[ri]!.some((v) => !has(v, text))) continue;
          if (this.forbidsIdx[ri]!.some((v) => has(v, text))) continue;
          if (c.requiresNearby.some((r) => !r.test(text) && !r.test(prevText))) continue;
          if (c.unlessNearby.some((r) => r.test(text) || r.test(prevText))) continue;
          seen |= bit;
          const start = step.start + m.index;
          hits.push({
            id: c.rule.behavior,
            confidence: c.rule.confidence,
            cue: { start, end: start + Math.max(1, m[0].length) },
            detector: this.labels[ri]!,
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
