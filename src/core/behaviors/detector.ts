// One interface for every behavior detector (rules now, an LLM judge later): it sees the steps of a
// trace and returns hits with the cue span that triggered them.
import type { BehaviorHit, BehaviorId, Problem } from '../schema';
import type { StepSpan } from '../segment';
import { type CompiledRule, compileRules, resolveRuleSet, type RuleSet } from './rules';

export interface DetectionInput {
  response: string;
  steps: readonly StepSpan[];
  problem?: Pick<Problem, 'question' | 'choices'>;
}

export interface BehaviorDetector {
  readonly name: string;
  /** Returns, for each step, its hits (cue spans are offsets into `response`). */
  detect(input: DetectionInput): BehaviorHit[][];
}

/** The default detector: data-driven rules with vocabulary and context constraints. */
export class RuleDetector implements BehaviorDetector {
  readonly name: string;
  private readonly rules: CompiledRule[];

  constructor(set?: RuleSet) {
    const resolved = resolveRuleSet(set);
    this.name = `rules:${resolved.name}`;
    this.rules = compileRules(resolved);
  }

  detect({ response, steps }: DetectionInput): BehaviorHit[][] {
    const out: BehaviorHit[][] = [];
    let prevText = '';
    for (const step of steps) {
      const hits: BehaviorHit[] = [];
      if (step.region === 'think' || step.region === 'other') {
        const text = response.slice(step.start, step.end);
        const seen = new Set<BehaviorId>();
        for (const c of this.rules) {
          if (seen.has(c.rule.behavior)) continue;
          c.pattern.lastIndex = 0;
          const m = c.pattern.exec(text);
          if (!m) continue;
          if (c.unless?.test(text)) continue;
          if (c.requires.some((r) => !r.test(text))) continue;
          if (c.forbids.some((r) => r.test(text))) continue;
          if (c.requiresNearby.some((r) => !r.test(text) && !r.test(prevText))) continue;
          if (c.unlessNearby.some((r) => r.test(text) || r.test(prevText))) continue;
          seen.add(c.rule.behavior);
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
