// Rule files: the default detector's knowledge lives in data (default-rules.json) that users can
// replace or extend with `--rules file`. Validated with zod; patterns are compiled once.
import { z } from 'zod';
import { BehaviorId } from '../schema';
import defaultRulesJson from './default-rules.json';

export const Rule = z.object({
  id: z.string().min(1),
  behavior: BehaviorId,
  /** Regex source, matched case-insensitively; `{{name}}` inserts a vocabulary pattern. */
  pattern: z.string().min(1),
  confidence: z.number().min(0).max(1),
  /** Vocabulary patterns that must all occur in the step. */
  requires: z.array(z.string()).default([]),
  /** …that must occur in the step or the one before it. */
  requiresNearby: z.array(z.string()).default([]),
  /** Vocabulary patterns that must not occur in the step (the visual counterpart takes it). */
  forbids: z.array(z.string()).default([]),
  /**
   * Where `forbids` looks: the whole step, or only the sentence the match is in and the one after
   * it (a step that checks arithmetic and later looks at the figure is still a check; "Let me
   * check again. The first emoji has a sun…" is a look at the image).
   */
  forbidsScope: z.enum(['step', 'sentence']).default('step'),
  /** Where `requires` looks (as `forbidsScope`): a check counts as visual when its own sentence names the image. */
  requiresScope: z.enum(['step', 'sentence']).default('step'),
  /** …that must not occur in the step or the one before it. */
  unlessNearby: z.array(z.string()).default([]),
  /**
   * How far into the step `requiresNearby` and `unlessNearby` look (the step before is always
   * read): all of it, up to the match's end (a doubt written after a re-look did not prompt it), or
   * through the two sentences after the match's (a correction that follows the re-look still counts).
   */
  nearbyUntil: z.enum(['step', 'match', 'sentence']).default('step'),
  /** A regex that vetoes the rule when it matches the step. */
  unless: z.string().optional(),
  /**
   * Where `unless` looks: the whole step, or only around the match — the two sentences before its
   * own, its own and the next (a precaution written long before a doubt does not make the re-look
   * that follows the doubt a precaution).
   */
  unlessScope: z.enum(['step', 'around']).default('step'),
  /**
   * The match does not count when its sentence restates the problem's question ("I need to find
   * the height of the tree", 我需要确定滤液E是什么): most of the sentence's words are the question's.
   * A subgoal names something the question does not ask for.
   */
  notQuestion: z.boolean().default(false),
  /**
   * A fast prefilter, used only when the detector cannot work one out from `pattern` itself
   * (literals.ts does for most patterns): the rule runs only on steps whose lower-cased text
   * contains one of these. Every match of `pattern` must contain one of them; empty means the
   * rule always runs.
   */
  keywords: z.array(z.string().min(1)).default([]),
});
export type Rule = z.infer<typeof Rule>;

export const RuleSet = z
  .object({
    version: z.literal(1),
    name: z.string().default('custom'),
    vocab: z.record(z.string(), z.string()).default({}),
    rules: z.array(Rule),
    /** When true, these rules are added to the defaults instead of replacing them. */
    extends: z.boolean().default(false),
  })
  .superRefine((set, ctx) => {
    // a hit names its rule by id, and an extending file replaces a default rule by id: two rules
    // sharing one would be told apart by neither
    const first = new Map<string, number>();
    set.rules.forEach((r, i) => {
      const j = first.get(r.id);
      if (j === undefined) first.set(r.id, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `duplicate rule id "${r.id}" (rules[${j}] has it too)`,
        });
    });
  });
export type RuleSet = z.infer<typeof RuleSet>;

export interface CompiledRule {
  rule: Rule;
  pattern: RegExp;
  requires: RegExp[];
  requiresNearby: RegExp[];
  forbids: RegExp[];
  unlessNearby: RegExp[];
  unless?: RegExp;
}

export class RuleError extends Error {}

export function defaultRuleSet(): RuleSet {
  return RuleSet.parse(defaultRulesJson);
}

/** Merges a user's rule set with the defaults when it `extends` them. */
export function resolveRuleSet(user?: RuleSet): RuleSet {
  if (!user) return defaultRuleSet();
  if (!user.extends) return user;
  const base = defaultRuleSet();
  const ids = new Set(user.rules.map((r) => r.id));
  return {
    ...base,
    name: `${base.name}+${user.name}`,
    vocab: { ...base.vocab, ...user.vocab },
    rules: [...base.rules.filter((r) => !ids.has(r.id)), ...user.rules],
  };
}

/**
 * `src` with each `{{name}}` replaced by that vocabulary entry. An entry may name others (each fact
 * once: a phrase two entries share is its own entry); `seen` holds the names being expanded, so a
 * cycle is an error, not a stack overflow.
 */
export function expandVocab(
  set: Pick<RuleSet, 'vocab'>,
  src: string,
  where: string,
  seen: readonly string[] = [],
): string {
  return src.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = set.vocab[name];
    if (v === undefined) throw new RuleError(`${where}: unknown vocabulary "${name}"`);
    if (seen.includes(name)) throw new RuleError(`${where}: vocabulary "${name}" names itself`);
    return `(?:${expandVocab(set, v, where, [...seen, name])})`;
  });
}

export function compileRules(set: RuleSet): CompiledRule[] {
  const expand = (src: string, where: string) => expandVocab(set, src, where);
  const re = (src: string, where: string, flags = 'im') => {
    try {
      return new RegExp(expand(src, where), flags);
    } catch (e) {
      throw new RuleError(`${where}: invalid regular expression: ${(e as Error).message}`);
    }
  };
  // one RegExp per vocabulary name, shared by the rules that name it (the detector tests each once per step)
  const compiledVocab = new Map<string, RegExp>();
  const vocab = (names: string[], where: string) =>
    names.map((n) => {
      if (set.vocab[n] === undefined) throw new RuleError(`${where}: unknown vocabulary "${n}"`);
      let r = compiledVocab.get(n);
      if (!r) compiledVocab.set(n, (r = re(set.vocab[n]!, `${where}: vocab ${n}`, 'i')));
      return r;
    });
  return set.rules.map((rule, i) => {
    const where = `rules[${i}] (${rule.id})`;
    return {
      rule,
      pattern: re(rule.pattern, `${where}.pattern`, 'gim'),
      requires: vocab(rule.requires, `${where}.requires`),
      requiresNearby: vocab(rule.requiresNearby, `${where}.requiresNearby`),
      forbids: vocab(rule.forbids, `${where}.forbids`),
      unlessNearby: vocab(rule.unlessNearby, `${where}.unlessNearby`),
      unless: rule.unless ? re(rule.unless, `${where}.unless`, 'i') : undefined,
    };
  });
}
