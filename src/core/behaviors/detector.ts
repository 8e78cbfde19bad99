// One interface for every behavior detector (rules now, an LLM judge later): it sees the steps of a
// trace and returns hits with the cue span that triggered them.
import { BEHAVIOR_IDS, type BehaviorHit, type BehaviorId, type Problem } from '../schema';
import type { RegionMarker } from '../regions';
import type { StepSpan } from '../segment';
import { BEHAVIORS } from './catalog';
import { KeywordIndex, SENTENCE_ONLY, StepScan } from './keywords';
import {
  boundaryAnchors,
  prefixLiterals,
  requiredLiteralSets,
  requiredLiterals,
  splitLeadingLookbehinds,
} from './literals';
import { type CompiledRule, compileRules, resolveRuleSet, type RuleSet } from './rules';
import {
  foldApostrophes,
  isSentenceEnd,
  type QuestionWords,
  questionWords,
  restates,
  sentenceAround,
  sentenceBounds,
} from './sentences';

export interface DetectionInput {
  response: string;
  steps: readonly StepSpan[];
  problem?: Pick<Problem, 'question' | 'choices'>;
  markers?: readonly RegionMarker[];
  /** The sentence spans of the response when the caller has them (annotate does): not cut again. */
  sentences?: readonly StepSpan[];
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
    this.answersPrior = this.rules.map((c) => BEHAVIORS[c.rule.behavior].answersPrior);
    this.labels = this.rules.map((c) => `${this.name}/${c.rule.id}`);
    this.vocab = [
      ...new Set(
        this.rules.flatMap((c) => [...c.requires, ...c.forbids, ...c.requiresNearby, ...c.unlessNearby]),
      ),
    ];
    const index = (list: RegExp[]) => list.map((r) => this.vocab.indexOf(r));
    this.requiresIdx = this.rules.map((c) => index(c.requires));
    this.forbidsIdx = this.rules.map((c) => index(c.forbids));
    this.nearbyIdx = this.rules.map((c) => index(c.requiresNearby));
    this.unlessNearbyIdx = this.rules.map((c) => index(c.unlessNearby));
    // A rule's prefilter: the literals every match starts with (then the regex is tried only where
    // one starts: sticky, at those offsets) — or, for a rule some of whose alternatives start at a
    // line or sentence boundary, those literals and the step's boundary positions —, else
    // literals every match contains, else the rule file's keywords.
    const prefixes = this.rules.map((c) => prefixLiterals(c.pattern.source, 2, KW_MAX));
    const bounded = this.rules.map((c, i) =>
      prefixes[i] ? undefined : boundaryAnchors(c.pattern.source, 2, KW_MAX),
    );
    this.boundary = bounded.map((b) => (b ? (b.sentences ? 2 : 1) : 0));
    const anchors = this.rules.map((_, i) => prefixes[i] ?? bounded[i]?.literals);
    this.sticky = this.rules.map((c, i) => (anchors[i] ? new RegExp(c.pattern.source, 'imy') : undefined));
    // a rule searched from a step's start: leading lookbehinds tested only where the rest matches
    this.search = this.rules.map((c, i) => {
      const split = anchors[i] ? undefined : splitLeadingLookbehinds(c.pattern.source);
      return split ? [new RegExp(split[0], 'imy'), new RegExp(split[1], 'gim')] : undefined;
    });
    const keywords = this.rules.map(
      (c, i) => anchors[i] ?? requiredLiterals(c.pattern.source, 2, KW_MAX) ?? c.rule.keywords,
    );
    // Gates: further literal sets every match (of a rule, or of a vocabulary regex) contains, one
    // of each; a step missing one cannot match, and the regex is not run there. Each gate is a slot
    // of the keyword automaton after the rules' own.
    const slots = new Map<string, number>();
    const gateSlots = (source: string, own?: readonly string[]) => {
      const mine = own?.map((k) => k.toLowerCase());
      // a set each of the rule's own literals contains tells nothing more: not a gate
      return requiredLiteralSets(source, GATE_MIN, GATE_MAX)
        .filter((set) => !mine?.every((k) => set.some((g) => k.includes(g))))
        .slice(0, GATES_PER_REGEX)
        .map((set) => {
          const key = set.join('\0');
          if (!slots.has(key)) slots.set(key, this.rules.length + slots.size);
          return slots.get(key)!;
        });
    };
    // (a boundary-anchored rule can match with none of its own literals)
    this.ruleGates = this.rules.map((c, i) =>
      gateSlots(c.pattern.source, this.boundary[i] ? undefined : keywords[i]),
    );
    this.vocabGates = this.vocab.map((v) => gateSlots(v.source));
    this.unlessGates = this.rules.map((c) => (c.unless ? gateSlots(c.unless.source) : []));
    this.keywordIndex = new KeywordIndex(
      [...keywords, ...[...slots.keys()].map((k) => k.split('\0'))],
      anchors.map(Boolean),
      this.boundary.map(Boolean),
    );
    this.everyRule = new Uint32Array(this.keywordIndex.words);
    this.rules.forEach((_, r) => (this.everyRule[r >>> 5]! |= 1 << (r & 31)));
  }

  /**
   * Whether each rule is boundary-anchored (see the constructor), tried at the step's boundary
   * positions too: 0 no, 1 line starts and breaks, 2 those and sentence ends.
   */
  private readonly boundary: number[];
  /** The scan of the step being detected, and the bit set of the one before (reused). */
  private scans?: StepScan;
  private prevBits?: Uint32Array;
  /** The gate slots of each rule and each vocabulary regex (see the constructor). */
  private readonly ruleGates: number[][];
  private readonly vocabGates: number[][];
  /** A rule's `unless` cannot match a step that lacks one of these (then it is not run). */
  private readonly unlessGates: number[][];

  /** Sticky copies of the rules whose matches start with one of their literals. */
  private readonly sticky: (RegExp | undefined)[];

  /** Rules searched without their leading lookbehinds: [the lookbehinds (sticky), the rest]. */
  private readonly search: ([RegExp, RegExp] | undefined)[];

  private readonly keywordIndex: KeywordIndex;
  /** A candidate bit set with every rule (no prefilter). */
  private readonly everyRule: Uint32Array;
  private readonly bits: number[];
  /** Whether each rule's behavior answers something already reasoned (not in the opening sentence). */
  private readonly answersPrior: boolean[];
  /** Each rule's hit label (`rules:<set>/<rule id>`). */
  private readonly labels: string[];
  /** The vocabulary regexes that rules require or forbid in a step, each tested once per step. */
  private readonly vocab: RegExp[];
  private readonly requiresIdx: number[][];
  private readonly forbidsIdx: number[][];
  /** The vocabulary a rule needs in its step or the one before (`requiresNearby`), or must not see there. */
  private readonly nearbyIdx: number[][];
  private readonly unlessNearbyIdx: number[][];

  /**
   * Rule `ri`'s leftmost match in `text` (a step) that starts at or after `from`: with `at` (the
   * step's scan: where the rule's literals start), the sticky regex tried there only.
   */
  private matchFrom(ri: number, text: string, from: number, at?: StepScan): RegExpExecArray | null {
    const sticky = at && this.sticky[ri];
    if (!sticky) {
      const split = this.search[ri];
      if (!split) {
        const re = this.rules[ri]!.pattern;
        re.lastIndex = from;
        return re.exec(text);
      }
      const [guard, rest] = split;
      for (;;) {
        rest.lastIndex = from;
        const m = rest.exec(text);
        if (!m) return null;
        guard.lastIndex = m.index;
        if (guard.test(text)) return m;
        from = m.index + 1;
      }
    }
    // tried in order where its literals start and, for a boundary-anchored rule, at the step's
    // boundary positions (sentence ends only for a rule one of whose alternatives starts on one)
    const starts = at.starts;
    const hi = at.hi(ri);
    const bounds = at.bounds;
    const nb = this.boundary[ri] ? at.nBounds : 0;
    const sentences = this.boundary[ri] === 2;
    let k = at.lo(ri);
    let b = 0;
    let last = -1;
    for (;;) {
      if (!sentences) while (b < nb && bounds[b]! & SENTENCE_ONLY) b++;
      const ko = k < hi ? starts[k]! : Infinity;
      const bo = b < nb ? bounds[b]! & ~SENTENCE_ONLY : Infinity;
      if (ko <= bo) k++;
      else b++;
      const offset = ko <= bo ? ko : bo;
      if (offset === Infinity) return null;
      // (a keyword found twice at one offset, or a literal start that is also a boundary)
      if (offset < from || offset === last) continue;
      last = offset;
      sticky.lastIndex = offset;
      const m = sticky.exec(text);
      if (m) return m;
    }
  }

  /** The sentence-scoped conditions of rule `ri` around match `m`. */
  private sentenceAllows(ri: number, text: string, m: RegExpExecArray, question?: QuestionWords): boolean {
    const c = this.rules[ri]!;
    if (
      c.rule.notQuestion &&
      question &&
      restates(sentenceAround(text, m.index, m.index + m[0].length, 0), question)
    )
      return false;
    if (c.rule.requiresScope !== 'sentence' && c.rule.forbidsScope !== 'sentence') return true;
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

  detect({ response: raw, steps, problem }: DetectionInput): BehaviorHit[][] {
    const response = foldApostrophes(raw);
    const question = problem?.question ? questionWords(problem.question) : undefined;
    // Which rules can match in a step: one pass of the keyword automaton over its text, instead
    // of a regex call per step and rule (that per-call cost dominated on real traces); the scans
    // are kept for the detector's life (reset per step, nothing allocated per step).
    const scan = this.prefilter ? (this.scans ??= new StepScan(this.keywordIndex)) : null;
    const words = this.keywordIndex.words;
    const prevBits = (this.prevBits ??= new Uint32Array(words));
    const ruleWords = Math.ceil(this.rules.length / 32);
    const lastMask = this.rules.length % 32 ? (1 << (this.rules.length % 32)) - 1 : -1;
    // whether every gate slot in `gates` is set in a step's bit set (always, without a scan)
    const open = (gates: readonly number[], bits: Uint32Array | undefined) => {
      if (!bits) return true;
      for (let g = 0; g < gates.length; g++) {
        const slot = gates[g]!;
        if (!((bits[slot >>> 5]! >>> (slot & 31)) & 1)) return false;
      }
      return true;
    };
    const stepBits = scan?.bits;
    let prevBitsSet: Uint32Array | undefined; // the previous detected step's, once there is one
    // per step: 0 not tested, 1 present, 2 absent; the previous detected step's answers are kept
    // for the rules that look one step back (tested there at most once, not once per rule)
    let memo = new Int8Array(this.vocab.length);
    let memoPrev = new Int8Array(this.vocab.length);
    const has = (v: number, text: string) =>
      (memo[v] ||= open(this.vocabGates[v]!, stepBits) && this.vocab[v]!.test(text) ? 1 : 2) === 1;
    const hadBefore = (v: number) =>
      (memoPrev[v] ||= open(this.vocabGates[v]!, prevBitsSet) && this.vocab[v]!.test(prevText) ? 1 : 2) === 1;
    const near = (v: number, text: string) => has(v, text) || hadBefore(v);
    // `near` for a rule that reads only part of its step (nearbyUntil): that part is tested as
    // given, not memoized (few rules)
    const nearIn = (v: number, part: string) => this.vocab[v]!.test(part) || hadBefore(v);
    const out: BehaviorHit[][] = [];
    let prevText = '';
    const opening = openingEnd(response, steps);
    for (let si = 0; si < steps.length; si++) {
      const step = steps[si]!;
      const hits: BehaviorHit[] = [];
      if (DETECTED_REGIONS.has(step.region)) {
        const text = response.slice(step.start, step.end);
        const held = memoPrev; // memo held the previous detected step (prevText)
        memoPrev = memo;
        memo = held;
        memo.fill(0);
        if (scan) this.keywordIndex.scanStep(response, step.start, step.end, scan);
        let seen = 0; // bit per behavior already found in this step
        for (let w = 0; w < ruleWords; w++) {
          // the step's candidate rules, in rule order (the gate slots' bits masked off)
          let set = scan ? scan.bits[w]! : this.everyRule[w]!;
          if (w === ruleWords - 1) set &= lastMask;
          while (set) {
            const low = set & -set;
            set ^= low;
            const ri = w * 32 + 31 - Math.clz32(low);
            const c = this.rules[ri]!;
            const bit = this.bits[ri]!;
            if (seen & bit) continue;
            if (!open(this.ruleGates[ri]!, stepBits)) continue;
            const at = scan && this.sticky[ri] ? scan : undefined;
            // a check or a correction answers something already said: not in the opening sentence
            const from = this.answersPrior[ri] && opening > step.start ? opening - step.start : 0;
            let m = this.matchFrom(ri, text, from, at);
            if (!m) continue;
            // vocabulary shared by many rules: answered once per step, so tested before the rule's
            // own `unless` (a sentence-scoped requirement needs the vocabulary somewhere in the step
            // first); plain loops: a closure per candidate was most of what detection allocated
            if (!allIn(this.requiresIdx[ri]!, has, text)) continue;
            if (c.rule.forbidsScope === 'step' && anyIn(this.forbidsIdx[ri]!, has, text)) continue;
            // the nearby lists read the whole step, or only what was written up to the match (or
            // through the two sentences after it): a doubt written after a re-look did not prompt it
            const until = c.rule.nearbyUntil;
            const nearTest = until === 'step' ? near : nearIn;
            const nearText =
              until === 'step'
                ? text
                : text.slice(
                    0,
                    until === 'match'
                      ? m.index + m[0].length
                      : sentenceBounds(text, m.index, m.index + m[0].length, 2)[1],
                  );
            if (!allIn(this.nearbyIdx[ri]!, nearTest, nearText)) continue;
            if (anyIn(this.unlessNearbyIdx[ri]!, nearTest, nearText)) continue;
            if (c.unless && open(this.unlessGates[ri]!, stepBits) && c.unless.test(unlessText(c, text, m)))
              continue;
            if (
              c.rule.requiresScope === 'sentence' ||
              c.rule.forbidsScope === 'sentence' ||
              (c.rule.notQuestion && question)
            ) {
              // the sentence around a match (and the next) decides; else the next match is tried
              for (let tries = 0; m && !this.sentenceAllows(ri, text, m, question); tries++)
                m = tries < MAX_TRIES ? this.matchFrom(ri, text, m.index + 1, at) : null;
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
        }
        prevText = text;
        if (scan) {
          prevBits.set(scan.bits);
          prevBitsSet = prevBits;
        }
      }
      out.push(hits);
    }
    return out;
  }
}

/** How far the reasoning's opening sentence runs: to its first sentence end (`.`, `!`, `?` before a space, or a line break after some text), at most 300 characters on. */
export function openingEnd(response: string, steps: readonly StepSpan[]): number {
  const first = steps.find((s) => DETECTED_REGIONS.has(s.region));
  if (!first) return 0;
  const limit = Math.min(first.end, first.start + OPENING_MAX);
  let text = false;
  for (let i = first.start; i < limit; i++) {
    const c = response.charCodeAt(i);
    if (!isSentenceEnd(c)) {
      if (c !== 32 && c !== 9 && c !== 13) text = true;
    } else if (c === 10) {
      if (text) return i;
    } else {
      // a full-width end always ends it; `.`, `!`, `?` only before white space (not in "2.5")
      const next = response.charCodeAt(i + 1);
      if (c > 0x3000 || i + 1 >= response.length || next === 32 || next === 10 || next === 9) return i + 1;
    }
  }
  return limit;
}
const OPENING_MAX = 300;

/** The text a rule's `unless` reads: the step, or the sentences around the match (`unlessScope`). */
function unlessText(c: CompiledRule, text: string, m: RegExpExecArray): string {
  if (c.rule.unlessScope === 'step') return text;
  const [a, b] = sentenceBounds(text, m.index, m.index + m[0].length, 1, 2);
  return text.slice(a, b);
}
/** Every vocabulary entry in `idx` is in `text` (`has` answers from the step's memo). */
function allIn(idx: readonly number[], has: (v: number, text: string) => boolean, text: string): boolean {
  for (let i = 0; i < idx.length; i++) if (!has(idx[i]!, text)) return false;
  return true;
}
function anyIn(idx: readonly number[], has: (v: number, text: string) => boolean, text: string): boolean {
  for (let i = 0; i < idx.length; i++) if (has(idx[i]!, text)) return true;
  return false;
}
/** How many later matches a sentence-scoped rule tries in a step when the first one's sentence fails. */
const MAX_TRIES = 16;
/**
 * The prefilter's literals: a rule's own cut to KW_MAX characters (longer ones, fewer false
 * starts, cost a larger automaton for no measurable gain); a gate's shortest literal weighs at
 * least GATE_MIN (see literals.ts) and is cut to GATE_MAX (it only has to be present); a regex
 * gets at most GATES_PER_REGEX gates. Measured on the bench corpus: gates halve the regex calls.
 */
const KW_MAX = 12;
export const GATE_MIN = 3;
export const GATE_MAX = 8;
const GATES_PER_REGEX = 2;

const BEHAVIOR_BIT = Object.fromEntries(BEHAVIOR_IDS.map((b, i) => [b, i])) as Record<BehaviorId, number>;
