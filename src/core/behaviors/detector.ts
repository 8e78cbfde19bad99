// One interface for every behavior detector (rules now, an LLM judge later): it sees the steps of a
// trace and returns hits with the cue span that triggered them.
import { BEHAVIOR_IDS, type BehaviorHit, type BehaviorId, type Problem } from '../schema';
import type { RegionMarker } from '../regions';
import type { StepSpan } from '../segment';
import { KeywordIndex } from './keywords';
import { prefixLiterals, requiredLiterals } from './literals';
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
    // A rule's prefilter: the literals every match starts with (then the regex is tried only where
    // one starts: sticky, at those offsets), else literals every match contains, else the rule
    // file's keywords.
    const anchors = this.rules.map((c) => prefixLiterals(c.pattern.source, 2, 12));
    this.sticky = this.rules.map((c, i) => (anchors[i] ? new RegExp(c.pattern.source, 'imy') : undefined));
    this.keywordIndex = new KeywordIndex(
      this.rules.map((c, i) => anchors[i] ?? requiredLiterals(c.pattern.source, 2, 12) ?? c.rule.keywords),
      anchors.map(Boolean),
    );
  }

  /** Sticky copies of the rules whose matches start with one of their literals. */
  private readonly sticky: (RegExp | undefined)[];

  private readonly keywordIndex: KeywordIndex;
  private readonly bits: number[];
  /** Each rule's hit label (`rules:<set>/<rule id>`). */
  private readonly labels: string[];
  /** The vocabulary regexes that rules require or forbid in a step, each tested once per step. */
  private readonly vocab: RegExp[];
  private readonly requiresIdx: number[][];
  private readonly forbidsIdx: number[][];

  /**
   * Rule `ri`'s leftmost match in `text` that starts at or after `from`: with `offsets` (where its
   * literals start, in response coordinates, sorted), the sticky regex tried there only.
   */
  private matchFrom(
    ri: number,
    text: string,
    from: number,
    offsets: readonly number[] | undefined,
    base: number,
  ): RegExpExecArray | null {
    const sticky = offsets && this.sticky[ri];
    if (!sticky) {
      const re = this.rules[ri]!.pattern;
      re.lastIndex = from;
      return re.exec(text);
    }
    for (let k = 0; k < offsets.length; k++) {
      const at = offsets[k]! - base;
      if (at < from || (k > 0 && offsets[k] === offsets[k - 1])) continue;
      sticky.lastIndex = at;
      const m = sticky.exec(text);
      if (m) return m;
    }
    return null;
  }

  /** The sentence-scoped conditions of rule `ri` around match `m`. */
  private sentenceAllows(ri: number, text: string, m: RegExpExecArray): boolean {
    const c = this.rules[ri]!;
    const sentence = sentenceAround(text, m.index, m.index + m[0].length);
    if (
      c.rule.requiresScope === 'sentence' &&
      this.requiresIdx[ri]!.some((v) => !this.vocab[v]!.test(sentence))
    )
      return false;
    return !(
      c.rule.forbidsScope === 'sentence' && this.forbidsIdx[ri]!.some((v) => this.vocab[v]!.test(sentence))
    );
  }

  detect({ response, steps }: DetectionInput): BehaviorHit[][] {
    // Which rules can match in which step: one pass of the keyword automaton over the response,
    // instead of a regex call per step and rule (that per-call cost dominated on real traces).
    const scan = this.prefilter ? this.keywordIndex.scan(response, steps) : null;
    const candidates = scan?.flags;
    let startsOf: Map<number, number[]> | undefined; // flag index → offsets, built when first needed
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
          const sticky = scan && this.sticky[ri];
          let offsets: number[] | undefined;
          if (sticky) {
            startsOf ??= groupStarts(scan.starts);
            offsets = startsOf.get(si * R + ri) ?? [];
            if (offsets.length > 1) offsets.sort((a, b) => a - b);
          }
          let m = this.matchFrom(ri, text, 0, offsets, step.start);
          if (!m) continue;
          if (c.unless?.test(text)) continue;
          // vocabulary shared by many rules: answered once per step
          // (a sentence-scoped requirement needs the vocabulary somewhere in the step first)
          if (this.requiresIdx[ri]!.some((v) => !has(v, text))) continue;
          if (c.rule.forbidsScope === 'step' && this.forbidsIdx[ri]!.some((v) => has(v, text))) continue;
          if (c.requiresNearby.some((r) => !r.test(text) && !r.test(prevText))) continue;
          if (c.unlessNearby.some((r) => r.test(text) || r.test(prevText))) continue;
          if (c.rule.requiresScope === 'sentence' || c.rule.forbidsScope === 'sentence') {
            // the sentence around a match (and the next) decides; else the next match is tried
            for (let tries = 0; m && !this.sentenceAllows(ri, text, m); tries++)
              m = tries < MAX_TRIES ? this.matchFrom(ri, text, m.index + 1, offsets, step.start) : null;
            if (!m) continue;
          }
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

/** How many later matches a sentence-scoped rule tries in a step when the first one's sentence fails. */
const MAX_TRIES = 16;

/** The sentence of `text` around [from, to): from the previous sentence end or line break to the next. */
function sentenceAround(text: string, from: number, to: number, following = 1): string {
  let a = from;
  while (a > 0 && !isSentenceEnd(text.charCodeAt(a - 1))) a--;
  let b = to;
  for (let n = 0; n <= following && b < text.length; n++) {
    if (n) b++;
    while (b < text.length && !isSentenceEnd(text.charCodeAt(b))) b++;
  }
  return text.slice(a, b + 1);
}
/** Line break, `.`, `!`, `?` and their full-width forms (comparisons: a Set lookup per character cost 4% of detection). */
const isSentenceEnd = (c: number) =>
  c === 46 ||
  c === 10 ||
  c === 33 ||
  c === 63 ||
  (c > 0x3000 && (c === 0x3002 || c === 0xff01 || c === 0xff1f));

/** Pairs (flag index, offset) grouped by flag index. */
function groupStarts(pairs: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < pairs.length; i += 2) {
    const list = out.get(pairs[i]!);
    if (list) list.push(pairs[i + 1]!);
    else out.set(pairs[i]!, [pairs[i + 1]!]);
  }
  return out;
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
