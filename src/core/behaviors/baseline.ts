// The crude baseline people use for "aha moments" (keywords, no context): what `eval` compares
// the rule detector against.
import type { BehaviorHit, BehaviorId } from '../schema';
import type { BehaviorDetector, DetectionInput } from './detector';

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
