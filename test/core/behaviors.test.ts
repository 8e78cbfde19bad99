import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { KeywordDetector } from '../../src/core/behaviors/baseline';
import { openingEnd, RuleDetector } from '../../src/core/behaviors/detector';
import { compileRules, defaultRuleSet, RuleError, RuleSet } from '../../src/core/behaviors/rules';
import { evaluate } from '../../src/core/eval';
import { loadTraces } from '../../src/core/files/traces';
import { DEV, MID_TRACE_OPENER, SHARED, traceOf } from '../helpers';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { segment } from '../../src/core/segment';

const trace = traceOf;
/** These tests are about the rules (the default detector adds learned hits: combined.test.ts). */
const RULES = new RuleDetector();
const foundRaw = (response: string) =>
  new Set(annotate(trace(response), { detector: RULES }).steps.flatMap((s) => s.behaviors.map((b) => b.id)));
/** The sentences these tests write come from the middle of a trace: MID_TRACE_OPENER goes first. */
const found = (response: string) => foundRaw(response.replace(/^<think>\n?/, `<think>\n${MID_TRACE_OPENER}`));

describe('rule detector', () => {
  it('meets the dev-set targets and beats the keyword baseline', async () => {
    const { items } = await loadTraces(DEV);
    const r = evaluate(new RuleDetector(), items);
    const k = evaluate(new KeywordDetector(), items);
    console.log(
      `dev eval: rules trace F1 ${r.macro.trace.f1.toFixed(3)} span F1 ${r.macro.span.f1.toFixed(3)}; keywords ${k.macro.trace.f1.toFixed(3)} / ${k.macro.span.f1.toFixed(3)}`,
    );
    expect(r.macro.trace.f1).toBeGreaterThanOrEqual(0.85);
    expect(r.macro.span.f1).toBeGreaterThanOrEqual(0.7);
    expect(r.macro.trace.f1).toBeGreaterThan(k.macro.trace.f1 + 0.3);
  });

  it('keeps its figures on the quarter of dev3 the rules were never tuned on (problems split by hash)', async () => {
    // session 6 tuned on the problems whose sha1 starts with an even byte; session 7 on the odd ones
    // whose second byte is even; the rest (26 traces) nobody tuned on
    const byte = (p: string, i: number) => createHash('sha1').update(p).digest()[i]! % 2;
    const held = (await loadTraces(join(SHARED, 'behaviors-dev3.jsonl'))).items.filter(
      (t) => byte(t.problemId, 0) === 1 && byte(t.problemId, 1) === 1,
    );
    const r = evaluate(new RuleDetector(), held);
    console.log(
      `dev3 held-out quarter (${held.length}): trace ${r.macro.trace.f1.toFixed(3)} span ${r.macro.span.f1.toFixed(3)}`,
    );
    expect(held.length).toBe(26);
    expect(r.macro.trace.f1).toBeGreaterThanOrEqual(0.85);
    expect(r.macro.span.f1).toBeGreaterThanOrEqual(0.68);
  });

  it('keeps its figures on traces written for it in sessions 14 to 16 (measured before rules: 0.875 / 0.642, 0.744 / 0.683, 0.683 / 0.537, 0.725 / 0.707, 0.635 / 0.531, 0.565 / 0.552, 0.815 / 0.815, 0.558 / 0.558, 0.738 / 0.759, 0.571 / 0.571, then in session 15 0.840 / 0.829, 0.458 / 0.458, 0.383 / 0.365, 0.350 / 0.313, 0.503 / 0.461, 0.633 / 0.588, 0.780 / 0.771, 0.750 / 0.750, 0.625 / 0.613, 0.711 / 0.700, 0.792 / 0.792, 0.871 / 0.871, 0.767 / 0.649, 0.521 / 0.521, 0.521 / 0.521, 0.688 / 0.667, 0.475 / 0.475, 0.667 / 0.667, 0.625 / 0.625, 0.583 / 0.583, then in session 16 0.642 / 0.642, 0.642 / 0.642, 0.683 / 0.667, 0.771 / 0.750, 0.458 / 0.458, 0.308 / 0.308, 0.600 / 0.600, 0.583 / 0.600, 0.683 / 0.662, 0.458 / 0.417, 0.642 / 0.642, 0.833 / 0.833, 0.558 / 0.558, 0.750 / 0.708, 0.467 / 0.467, 0.750 / 0.750, 0.508 / 0.467, 0.313 / 0.313, 0.438 / 0.438, 0.708 / 0.708, 0.833 / 0.833, 0.625 / 0.625, 0.550 / 0.550, then in session 21 0.649 / 0.642, 0.365 / 0.333, 0.729 / 0.719, 0.448 / 0.454, 0.637 / 0.625, 0.662 / 0.662, 0.708 / 0.708, 0.454 / 0.433, 0.250 / 0.250, 0.592 / 0.571, 0.437 / 0.437, 0.675 / 0.675, 0.583 / 0.583, 0.533 / 0.533, then in session 22 0.602 / 0.580, 0.850 / 0.850, 0.479 / 0.479, 0.792 / 0.792, 0.412 / 0.400, 0.313 / 0.313, 0.708 / 0.708, 0.315 / 0.315, 0.500 / 0.500 (0.577 / 0.571 pooled over their 71 traces with the rules from before them, the default detector, rules plus learned fill, 0.629 / 0.623 with a model fitted before them; six phrases came from them, no other rule: 0.617 / 0.612 and 0.655 / 0.651 with them), then in session 23 0.629 / 0.605, 0.511 / 0.518, 0.517 / 0.496, 0.677 / 0.627 and 0.542 / 0.542 (8 traces each, in the formats of real models; with the rules written from them 0.848 / 0.823, 0.599 / 0.599, 0.725 / 0.733, 0.843 / 0.810 and 0.729 / 0.729; the fifth batch 0.417 / 0.417 before one label was dropped to follow the dev sets, where splitting a figure to find each area is divide-and-conquer, not a plan), and a sixth with the final rules, no rule written from it, 0.683 / 0.683 (the default detector 0.871 / 0.871), then in session 24 0.711 / 0.670, 0.571 / 0.551, 0.237 / 0.188, 0.655 / 0.646, 0.750 / 0.750, 0.383 / 0.258, 0.655 / 0.655, 0.446 / 0.446, 0.763 / 0.763 and 0.375 / 0.375 (default 0.711 / 0.670, 0.696 / 0.676, 0.229 / 0.188, 0.677 / 0.667, 0.875 / 0.875, 0.383 / 0.258, 0.677 / 0.677, 0.446 / 0.446, 0.763 / 0.763, 0.375 / 0.375; all ten pooled with the rules and model the session started with 0.602 / 0.571, default 0.635 / 0.604; an eleventh scored with the final rules of the session and written into no rule, 0.608 / 0.608, default 0.692 / 0.692; the third has no plan, so one false plan scores 0 for subgoal setting, then in session 25 0.618 / 0.585 (default 0.635 / 0.601), 0.571 / 0.551 (default 0.613 / 0.592), 0.558 / 0.542 (default 0.558 / 0.542), 0.708 / 0.708 (default 0.708 / 0.708), 0.729 / 0.688 (default 0.729 / 0.688), 0.696 / 0.654 (default 0.696 / 0.654), 0.534 / 0.524 (default 0.534 / 0.524), 0.854 / 0.854 (default 0.854 / 0.854; one label (the distance as the area under the speed-time graph, as a plan) dropped after scoring: a method, not a goal), 0.475 / 0.475 (default 0.558 / 0.558), 0.917 / 0.875 (default 0.917 / 0.875), 0.690 / 0.690 (default 0.690 / 0.690), 0.646 / 0.583 (default 0.646 / 0.583), 0.458 / 0.458 (default 0.508 / 0.508), 0.683 / 0.683 (default 0.683 / 0.683), 0.808 / 0.808 (default 0.683 / 0.683), 0.750 / 0.750, 0.683 / 0.649 (the default not measured before their rules), 0.771 / 0.771 (default 0.729 / 0.729), 0.683 / 0.662 (default 0.642 / 0.637), 0.583 / 0.583 (default 0.583 / 0.583), and a last batch scored with the final rules and model of the session and written into no rule, 0.583 / 0.583 (default 0.607 / 0.607)); look-alikes only: 2 false hits, and in session 15 2 false hits and 1 miss)', async () => {
    // test/fixtures/written-traces.labels.jsonl: 761 traces in dev3's and real models' styles,
    // labelled by the conventions, each batch scored before any rule was written from it; rules
    // followed, so these floors guard the rules now, they no longer estimate generalization
    const { items } = await loadTraces(join(__dirname, '..', 'fixtures', 'written-traces.labels.jsonl'));
    const r = evaluate(new RuleDetector(), items);
    expect(items.length).toBe(761);
    // (0.870 / 0.849 with session 21's batches, whose last ones stay at 0.66–0.79 after their rules)
    // session 22's 71 traces prompted only six phrases: the rules' floor fell 0.03 with them
    expect(r.macro.trace.f1).toBeGreaterThanOrEqual(0.83);
    expect(r.macro.span.f1).toBeGreaterThanOrEqual(0.81);
  });

  it.each([
    ['real-review.labels.jsonl', 12, 0.64, 0.58],
    ['real-review2.labels.jsonl', 10, 0.8, 0.65],
    ['real-review3.labels.jsonl', 4, 0.9, 0.8],
    ['real-review4.labels.jsonl', 2, 0.7, 0.55],
    ['real-review5.labels.jsonl', 2, 0.9, 0.8],
    ['real-review6.labels.jsonl', 2, 0.75, 0.75],
    ['real-review7.labels.jsonl', 2, 0.9, 0.9],
    ['real-review8.labels.jsonl', 2, 0.9, 0.9],
    ['real-review9.labels.jsonl', 2, 0.9, 0.9],
    // 0.71: real-39's subgoal was found at trace level only through a wrong step ('I can break it
    // down step by step', a generic opener, no longer a plan since session 17)
    ['real-review10.labels.jsonl', 5, 0.71, 0.58],
  ])('keeps its figures on real traces reviewed by hand (docs/review/%s)', async (name, n, trace, span) => {
    const file = join(__dirname, '..', '..', 'docs', 'review', name);
    const real = (await loadTraces(file)).items.filter((t) => t.labels);
    const r = evaluate(new RuleDetector(), real);
    console.log(
      `${name} (${real.length}): trace ${r.macro.trace.f1.toFixed(3)} span ${r.macro.span.f1.toFixed(3)}`,
    );
    expect(real.length).toBe(n);
    expect(r.macro.trace.f1).toBeGreaterThanOrEqual(trace);
    expect(r.macro.span.f1).toBeGreaterThanOrEqual(span);
  });

  /** The behaviors found in `response` when the problem asks `question`. */
  const withQuestion = (response: string) => {
    const det = new RuleDetector();
    const steps = segment(response);
    return (question: string) =>
      det
        .detect({ response, steps, problem: { question } })
        .flat()
        .map((h) => h.id);
  };

  it('does not take a restatement of the question for a subgoal (rules marked notQuestion)', () => {
    const ids = withQuestion('我需要确定滤液E是什么化学物质。');
    expect(ids('图片中的滤液E是什么化学物质?')).not.toContain('subgoal_setting');
    expect(ids('求粗铜的质量')).toContain('subgoal_setting');
  });

  it('does not take the question restated beside the image for a targeted look', () => {
    const ids = withQuestion('We need the value of f(0) for the quadratic in the graph.');
    expect(ids('What is the value of f(0) for the quadratic shown in the graph?')).not.toContain(
      'goal_driven_visual_tracing',
    );
    expect(ids('Which month had the most rain?')).toContain('goal_driven_visual_tracing');
  });

  it('reads typographic apostrophes as plain ones, with the same cue offsets', () => {
    const plain =
      "<think>\nThe bar reaches 40.\nHmm, that doesn't fit the total. Let's look at the chart again: it's 30, not 40.\n</think>";
    const curly = plain.replace(/'/g, '\u2019');
    const det = new RuleDetector();
    const hits = (response: string) => det.detect({ response, steps: segment(response) });
    const want = hits(plain);
    expect(want.flat().map((h) => h.id)).toContain('visual_reflection');
    expect(hits(curly)).toEqual(want);
  });

  it('gives every hit a cue span inside its step, a confidence and the rule name', () => {
    const a = annotate(trace('<think>The result is 12. Let me double-check the sum: 5 + 7 = 12.</think>'));
    const hits = a.steps.flatMap((s) => s.behaviors.map((b) => ({ s, b })));
    expect(hits.length).toBeGreaterThan(0);
    for (const { s, b } of hits) {
      expect(b.cue.start).toBeGreaterThanOrEqual(s.start);
      expect(b.cue.end).toBeLessThanOrEqual(s.end);
      expect(b.detector).toMatch(/^rules:/);
    }
  });

  it('keeps visual behaviors apart from their linguistic counterparts', () => {
    expect(found('<think>Let me verify the arithmetic: 3 × 4 = 12.</think>')).toContain('verification');
    const v = found(
      '<think>Let me verify this against the figure: the bar for 2019 in the chart indeed reaches 12.</think>',
    );
    expect(v).toContain('visual_verification');
    expect(v).not.toContain('verification');
    const d = found('<think>Let me go through the diagram region by region, starting at the top.</think>');
    expect(d).toContain('visual_divide_and_conquer');
    expect(d).not.toContain('subgoal_setting');
  });

  it('decides visual or not from the sentence of the check, trying later checks in the step', () => {
    // one step: the figure is named in its first sentence, the check is plain arithmetic later
    const plain = found(
      '<think>The figure shows a right triangle with legs 6 and 8, so the hypotenuse is 10. Then the perimeter is 24. Let me verify: 6 + 8 + 10 = 24.</think>',
    );
    expect(plain).toContain('verification');
    expect(plain).not.toContain('visual_verification');
    // the first check in the step looks at the figure; a later one is arithmetic: both are found
    const both = found(
      '<think>Let me check the figure again: the side labelled 8 is the base. The area is 8 × 5 / 2 = 20. Let me check the arithmetic: 8 × 5 = 40 and 40 / 2 = 20.</think>',
    );
    expect(both).toContain('visual_verification');
    expect(both).toContain('verification');
  });

  it('reads a list item on its own: the next bullet naming the image does not make a check visual', () => {
    const bullets = (second: string) =>
      found(`<think>## Checks\n- Counting by size instead: 6 per level, 12 in total ✓\n${second}</think>`);
    // a bullet that looks at the drawing is its own (visual) check; the arithmetic one stays plain
    const listed = bullets('- Looking at the drawing once more to be sure: no triangle hides below UV.');
    expect(listed).toContain('verification');
    expect(listed).toContain('visual_verification');
    // the same sentence run on, without a new list item, reads as one visual check
    const runOn = found(
      '<think>Counting by size instead: 6 per level, 12 in total ✓ Looking at the drawing once more to be sure: no triangle hides below UV.</think>',
    );
    expect(runOn).not.toContain('verification');
  });

  it('ignores "check" as a noun and a first plain description of the image', () => {
    expect(found('<think>The image shows a bar chart with four bars labelled A to D.</think>').size).toBe(0);
    expect(found('<think>She writes a check for $30 to the store owner.</think>')).not.toContain(
      'verification',
    );
  });

  it('finds no check or correction in the opening sentence of the reasoning (real RL output opens with a first reading)', () => {
    const reading = 'the dog in the image appears to be smaller than the chair, which matches a beagle.';
    expect(foundRaw(`<think>The dog${reading.slice(7)} So B.</think>`)).not.toContain('visual_verification');
    expect(foundRaw(`<think>I pick B, a beagle.\nIn ${reading}</think>`)).toContain('visual_verification');
    const fix = 'Wait, I misread the legend: the blue bars are 2022, not 2021.';
    expect(foundRaw(`<think>${fix}</think>`)).not.toContain('visual_reflection');
    expect(foundRaw(`<think>Okay.\n${fix}</think>`)).toContain('visual_reflection');
    // the opening ends at a sentence end or a line break, not at a decimal point, and within 300 characters
    const steps = (r: string) => segment(r);
    const r1 = '<think>The value is 2.5 here. Then more.</think>';
    expect(r1.slice(0, openingEnd(r1, steps(r1)))).toBe('<think>The value is 2.5 here.');
    const r2 = `<think>${'word '.repeat(100)}</think>`;
    expect(openingEnd(r2, steps(r2))).toBe('<think>'.length + 300);
  });

  it('rejects a rules file with an unknown vocabulary name or a bad regex, naming the rule', () => {
    const set = defaultRuleSet();
    expect(() => compileRules({ ...set, rules: [{ ...set.rules[0]!, pattern: '(' }] })).toThrow(RuleError);
    expect(() => compileRules({ ...set, rules: [{ ...set.rules[0]!, requires: ['nope'] }] })).toThrow(
      /rules\[0\].*nope/,
    );
  });

  it('expands a vocabulary entry that names another, and rejects one that names itself', () => {
    const rule = { id: 'mine.a', behavior: 'backtracking', pattern: '{{outer}}', confidence: 0.5 };
    const set = (vocab: Record<string, string>) => RuleSet.parse({ version: 1, vocab, rules: [rule] });
    const [c] = compileRules(set({ outer: 'redo (?!{{inner}})', inner: 'it later\\b' }));
    expect(c!.pattern.test('I will redo this.')).toBe(true);
    c!.pattern.lastIndex = 0;
    expect(c!.pattern.test('I will redo it later.')).toBe(false);
    expect(() => compileRules(set({ outer: 'a{{inner}}', inner: 'b{{outer}}' }))).toThrow(/names itself/);
  });

  /** The behaviors one custom rule finds in a think block opened by a sentence about a chart. */
  const oneRuleHits = (rule: Record<string, unknown>, text: string, vocab: Record<string, string> = {}) =>
    annotate(trace(`<think>The chart has bars.\n${text}</think>`), {
      detector: new RuleDetector(
        RuleSet.parse({
          version: 1,
          name: 'mine',
          vocab,
          rules: [{ id: 'mine.relook', pattern: '\\blook again\\b', confidence: 0.6, ...rule }],
        }),
      ),
    }).steps.flatMap((s) => s.behaviors.map((b) => b.id));

  it('with nearbyUntil, reads requiresNearby and unlessNearby only so far into the step', () => {
    const hits = (nearbyUntil: string, text: string) =>
      oneRuleHits({ behavior: 'visual_verification', unlessNearby: ['doubt'], nearbyUntil }, text, {
        doubt: '\\bmight\\b',
      });
    // a doubt written after the re-look did not prompt it: 'match' keeps the check; 'sentence'
    // reads the two sentences after the match's too (a correction right after a re-look)
    const after = 'Let me look again. It is 12. The first bar is 10. The last bar might be 13.';
    expect(hits('step', after)).toEqual([]);
    expect(hits('match', after)).toEqual(['visual_verification']);
    expect(hits('sentence', after)).toEqual(['visual_verification']);
    expect(hits('sentence', 'Let me look again. It might be 13.')).toEqual([]);
    // a doubt before it still vetoes it
    expect(hits('match', 'The last bar might be 13. Let me look again. It is 12.')).toEqual([]);
  });

  it('with unlessScope around, reads unless only in the sentences around the match', () => {
    const hits = (unlessScope: string, text: string) =>
      oneRuleHits({ behavior: 'visual_reflection', unless: '\\bto be sure\\b', unlessScope }, text);
    // a precaution four sentences back did not prompt the re-look that follows a doubt
    const far = 'To be sure, add them. The sum is 30. Then 40. That is odd, so I look again.';
    expect(hits('step', far)).toEqual([]);
    expect(hits('around', far)).toEqual(['visual_reflection']);
    // one two sentences back, or in the match's own or next sentence, still vetoes it
    expect(hits('around', 'To be sure, add them. The sum is 30, so I look again.')).toEqual([]);
    expect(hits('around', 'So I look again. To be sure, add them.')).toEqual([]);
  });

  it('rejects a rules file with two rules of one id, naming both', () => {
    const rule = { id: 'mine.a', behavior: 'backtracking', pattern: 'x', confidence: 0.5 };
    const r = RuleSet.safeParse({ version: 1, rules: [rule, { ...rule, pattern: 'y' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['rules', 1, 'id'],
      message: 'duplicate rule id "mine.a" (rules[0] has it too)',
    });
  });

  it('lets a user rules file extend the defaults', () => {
    const det = new RuleDetector(
      RuleSet.parse({
        version: 1,
        name: 'mine',
        extends: true,
        rules: [{ id: 'mine.eureka', behavior: 'backtracking', pattern: '\\beureka\\b', confidence: 0.9 }],
      }),
    );
    const a = annotate(trace('<think>Okay.\nEureka, a new idea appears to me here.</think>'), {
      detector: det,
    });
    expect(a.steps[0]!.behaviors[0]).toMatchObject({
      id: 'backtracking',
      detector: 'rules:cogtrace-rules+mine/mine.eureka',
    });
  });
});

describe('keyword prefilter', () => {
  it('changes no detection on the dev set and on a generated corpus', async () => {
    const { makeCorpus } = await import('../../bench/corpus');
    const { segment } = await import('../../src/core/segment');
    const { items } = await loadTraces(DEV);
    const c = makeCorpus(3);
    const responses = [...items.map((t) => t.response), ...Array.from({ length: 300 }, () => c.response(30))];
    const fast = new RuleDetector();
    const full = new RuleDetector(undefined, false);
    let hits = 0;
    for (const response of responses) {
      const steps = segment(response);
      const a = fast.detect({ response, steps });
      expect(a).toEqual(full.detect({ response, steps }));
      hits += a.flat().length;
    }
    expect(hits).toBeGreaterThan(1000);
  });
});

describe('general phrasings (beyond the dev set)', () => {
  const cases: [string, string][] = [
    [
      'backtracking',
      'So the total is 14. Hmm, that cannot be right, since the bars only add to 12. Let me try again.',
    ],
    ['backtracking', 'That gives 7, but none of the options is 7, so I must have slipped somewhere.'],
    ['backtracking', 'The 2.4 is wrong; I have to redo the subtraction with the right widths.'],
    ['verification', 'Let me recompute the total from the three parts: 3 + 4 + 5 = 12, as before.'],
    [
      'verification',
      'Cross-check by subtraction: 12 × 9 − 20 = 88. Good. After that, the notch also looks right in the drawing.',
    ],
    ['visual_reflection', 'Looking at the legend instead: the dashed line is the 2020 series, not 2019.'],
    ['visual_divide_and_conquer', '图里的方块我按行来数：第一行有3个，第二行有4个，第三行有2个。'],
    [
      'visual_divide_and_conquer',
      'Starting with image 1: it is a floor plan with a dome. Image 2 then shows the interior with a pulpit.',
    ],
    [
      'visual_verification',
      'Let me double-check the arrow in the figure once more: its head is at the left end, so it points left.',
    ],
    [
      'subgoal_setting',
      'So first I should find the side of the square, and after that the diagonal follows.',
    ],
    ['subgoal_setting', 'Let me start by finding the radius, and after that the area of the ring.'],
    ['backward_chaining', 'In order to find the speed, I need both the distance and the time.'],
    ['backward_chaining', 'Working backwards from the target sum of 20, the last step must add 5.'],
    [
      'visual_reflection',
      'But the sum is off by two. On closer inspection, the second bar in the chart stops at 30, not 32.',
    ],
    [
      'visual_verification',
      'I will check this against the figure: the shaded region covers three of the eight cells.',
    ],
    [
      'visual_divide_and_conquer',
      'Let me examine each panel of the figure, starting with the top-left panel.',
    ],
    ['goal_driven_visual_tracing', 'To get the slope I follow the line in the graph from x = 0 to x = 4.'],
    // the generic forms of the definitions (written for these tests, in no dev file)
    [
      'visual_divide_and_conquer',
      'Going column by column through the table, Monday has three ticks and Tuesday two.',
    ],
    ['visual_divide_and_conquer', 'I will read the legend entries in the chart one entry at a time.'],
    [
      'visual_divide_and_conquer',
      'The shaded shape in the figure can be split into two rectangles along the dashed line.',
    ],
    [
      'goal_driven_visual_tracing',
      'What we need from the diagram is the length of the hypotenuse, nothing else.',
    ],
    [
      'goal_driven_visual_tracing',
      'Only the red bar matters here, so I look for it in the chart: it reaches 45.',
    ],
    [
      'backward_chaining',
      'The perimeter needs the missing side, which in turn needs the Pythagorean theorem.',
    ],
    ['backward_chaining', 'To get the volume we first need the base area of the prism.'],
    // written for the detector's second round (session 6), in no dev file
    ['backtracking', 'The total came out as 57, which is wrong, so I drop that split and redo it by rows.'],
    ['backtracking', '这个结果不对，换一个思路：用面积法来求高。'],
    [
      'visual_reflection',
      'I might be misreading the small label on the left axis, so let me zoom in on it again.',
    ],
    [
      'goal_driven_visual_tracing',
      'The price is printed in tiny digits, so I will zoom in on the lower tag.',
    ],
    ['goal_driven_visual_tracing', 'Looking for blue cylinders: there is one behind the red cube.'],
    ['backward_chaining', 'To decide which tank fills first, I need the inflow rate of each pipe.'],
    ['backward_chaining', '要求梯形的面积，需要先知道它的高。'],
    ['subgoal_setting', 'There are three things to find: the base, the height, and then the area.'],
    ['subgoal_setting', '我先求出长方形的面积，再减去圆的面积。'],
    ['verification', '算完之后，我再核对一下每一步的乘法。'],
    ['verification', 'Let me redo the division in a different way to be sure: 84 / 7 = 12.'],
    ['backtracking', 'Wait, this is getting complicated. Maybe I should look at it differently.'],
    ['verification', 'Let me look at the other options: 15 would need a base of 10, which we do not have.'],
    ['visual_verification', '我再看一眼第三根柱子，它的顶端正好在20那条网格线上。'],
    ['visual_verification', 'One more look at the legend of the chart: the dashed line is the 2020 series.'],
    [
      'visual_divide_and_conquer',
      'The curve in the graph changes slope twice, so I take the area in three pieces.',
    ],
    ['goal_driven_visual_tracing', 'The sign is far away, so let me crop the top right corner to read it.'],
    [
      'visual_divide_and_conquer',
      'Looking at the image, I will go through the four curves one by one and note where each peaks.',
    ],
    ['backward_chaining', 'Before I can pick an option, I need to know the length of the shadow.'],
    ['backward_chaining', 'That reduces the problem to finding the slope of line m.'],
    ['backward_chaining', 'If we know the width, we can get the perimeter from the length.'],
    ['backward_chaining', 'The volume depends on the radius, and the radius comes from the circumference.'],
    ['backward_chaining', 'We want the ratio of the areas. Both are triangles, so we need their heights.'],
    ['backward_chaining', 'So it all comes down to finding the length of the shadow.'],
    [
      'backward_chaining',
      'The final step is a division by 3, and before that I need the sum of the three bars.',
    ],
    ['visual_reflection', 'That gives 140%, which is impossible. The pie chart actually shows 14% for rent.'],
    ['visual_reflection', 'I must have misread the axis; the top tick is 50, not 40.'],
    [
      'visual_reflection',
      'I misread the legend earlier: the dashed line in the chart is 2019, so the peak is 30.',
    ],
    ['visual_verification', 'Looking at the bottom row again, the fourth cell is empty, as I had it.'],
    ['visual_verification', 'Let me make sure the reading of the tick marks is right: 0, 5, 10, so 7.5.'],
    ['verification', 'Area once more: 6 × 4 / 2 = 12.'],
    [
      'visual_verification',
      'In the photo the left tower is visibly taller than the right one, as the 40 m I used says.',
    ],
    ['verification', 'Difference: 18 − 11 = 7. Check: 11 + 7 = 18.'],
    [
      'verification',
      'Substituting it back into the first equation to test the solution: 3(2) − 1 = 5, it works.',
    ],
    ['verification', 'Now we verify that the total is right: 14 + 26 = 40.'],
    ['verification', '验证：12 ÷ 4 = 3，没有问题。'],
    ['backtracking', 'Hmm, this is incorrect: I added the two lengths instead of multiplying them.'],
    ['backtracking', 'Never mind, that substitution goes nowhere useful; back to the ratio.'],
    ['backtracking', '等等，我看错了，第二个数是7。'],
    ['subgoal_setting', 'We can do this in two steps: find the rate, then the time.'],
    ['subgoal_setting', 'Firstly, compute the mean; secondly, compare each score with it.'],
    [
      'visual_reflection',
      'Hmm, a speed of 300 km/h conflicts with a bicycle. Glancing back at the graph, the axis is in m/min.',
    ],
    ['visual_reflection', 'I probably misidentified the vertex; on the figure, D is the lower one.'],
    [
      'visual_reflection',
      'That sum is not possible for dice. The photo suggests otherwise: the second die shows a 2.',
    ],
    ['goal_driven_visual_tracing', 'The relevant row is the one for Lisbon, which lists 18 °C in May.'],
    [
      'goal_driven_visual_tracing',
      "I'm searching for the exit sign in the hallway, and it is above the far door.",
    ],
    [
      'goal_driven_visual_tracing',
      'Let me pick out the rainfall bars for spring in the chart: March 40, April 55, May 60.',
    ],
    ['backtracking', 'Oops, that used the perimeter instead of the area. Starting again with 6 × 4.'],
    ['subgoal_setting', 'My plan is to count the red tiles, then the blue ones, then compare.'],
    [
      'visual_divide_and_conquer',
      'Taking each panel of the figure in turn: panel 1 has two circles, panel 2 has three.',
    ],
    ['backward_chaining', 'What do I need for the average speed? Total distance and total time.'],
    ['backward_chaining', 'If I want the angle at C, I need the other two angles, since they sum to 180.'],
    ['backward_chaining', 'The unknown here is the height; it follows from the area once I know the base.'],
    ['backward_chaining', 'I can get the total only if I know both parts, so the missing part is the key.'],
    ['backward_chaining', '为了求出平均数，我需要先知道总和和个数。'],
    ['visual_reflection', 'On closer inspection of the photo, the sign reads "Oak St", not "Oak Ave".'],
    [
      'visual_reflection',
      'Rechecking the picture, there are actually four cats, one hidden behind the sofa.',
    ],
    ['visual_reflection', 'I previously said the point is at (2, 3), but the figure places it at (3, 2).'],
    ['visual_reflection', 'Hmm, is that really a 7? Zooming in on the label, it is a 1 with a serif.'],
    ['visual_reflection', '我看错了坐标轴，纵轴的单位是千元。'],
    ['goal_driven_visual_tracing', 'To answer, I should find where the two lines cross on the graph.'],
    ['goal_driven_visual_tracing', 'I\'m looking for the row labelled "Tuesday" in the table.'],
    ['goal_driven_visual_tracing', 'Next I track the arrow from A to see where it ends.'],
    ['goal_driven_visual_tracing', 'Let me identify which of the shapes is shaded.'],
    ['goal_driven_visual_tracing', 'In the chart, I locate the month with the lowest temperature.'],
    ['goal_driven_visual_tracing', 'The key detail is the number on the bus, so I focus on the bus.'],
    ['goal_driven_visual_tracing', '我需要找到图中标着“A”的点。'],
    ['subgoal_setting', 'Strategy — read the values, convert to percent, then compare.'],
    ['subgoal_setting', 'Before answering, I want to establish the scale of the map.'],
    ['subgoal_setting', "We'll proceed in three stages: read, compute, check."],
    ['subgoal_setting', 'My first goal is the value of x; after that y follows.'],
    ['subgoal_setting', '首先求出半径，然后计算面积。'],
    ['backtracking', "No, that's backwards: the larger gear turns slower."],
    ['backtracking', 'I need to correct myself: the radius is 3, not 6.'],
    ['backtracking', 'Wait, wait. The speed is per hour, not per minute. Redo: 60 km/h × 2 h = 120 km.'],
    ['verification', 'Sanity: a speed of 300 km/h for a bicycle is absurd, so something is off.'],
    ['verification', 'Going the other way: 72 / 9 = 8, which is what I started with.'],
    ['verification', 'The units work out: metres per second times seconds gives metres.'],
    ['verification', 'Quick test with n = 1: the formula gives 1, and there is 1 dot.'],
    ['verification', 'Re-deriving from scratch gives the same 3/4.'],
    ['visual_verification', 'The top of the 2019 bar lines up with the 35 tick, so 35 is right.'],
    ['visual_verification', 'Counting the dots in the figure again gives 12, same as before.'],
    ['visual_verification', 'The label next to the angle reads 40°, which is the value I used.'],
    ['visual_verification', 'A second glance at the map shows the river is north of the town.'],
    ['visual_verification', 'Verifying the reading: the needle points just past 60, so 62 is reasonable.'],
    [
      'visual_divide_and_conquer',
      'Splitting the figure into a rectangle and a triangle: the rectangle is 6 × 4, the triangle ½ × 6 × 3.',
    ],
    ['visual_divide_and_conquer', 'Let me handle each of the four panels separately.'],
    ['visual_divide_and_conquer', 'Sub-image 1 shows the left part of the sign; sub-image 2 the right part.'],
    ['visual_divide_and_conquer', '把图形分成三个部分，分别计算面积。'],
    [
      'goal_driven_visual_tracing',
      'First, I need to figure out which objects are considered "balls" in the image.',
    ],
    [
      'visual_verification',
      'Let me check the key elements again. The first emoji has a sun and a palm tree.',
    ],
    // options ruled out in a listing of image options; the paper on the page is the image
    ['verification', "(image4): Points all along the w-axis, so l is constant? That can't be right."],
    ['verification', 'So image4 and image5 can be eliminated because they have points on one axis.'],
    [
      'visual_reflection',
      'But that 60k was for inference, right? Wait, let me check again. The paper says: "The RL phase costs 60k GPU hours."',
    ],
    ['backward_chaining', "To find its location, I'll need to read the text on the signs more closely."],
    [
      'verification',
      "A. Abd al-Malik: He built the Dome of the Rock. The floor plan described here doesn't match it.",
    ],
    [
      'visual_verification',
      'Wait, but image 2\'s description says "former cathedral," which aligns with its history.',
    ],
    ['backtracking', "It might mean each tangent separately. That doesn't sound right."],
    ['verification', 'Is that correct? When y = r, x^2 + r^2 = r^2 gives x = 0, so yes.'],
    ['verification', 'But perhaps to be more rigorous, I should actually compute the integrals.'],
    ['backward_chaining', 'Need: area. Area needs r. r from the diameter 10, so r = 5.'],
    ['backward_chaining', 'Which quantity do I actually need? Only the height.'],
    ['backward_chaining', "Without the scale, I can't convert, so the scale comes first."],
    ['backward_chaining', 'To decide between B and C, the deciding factor is the sign of the slope.'],
    ['backward_chaining', '要判断谁更高，先要知道两人的身高。'],
    ['backward_chaining', 'To read the thermometer I need where the top of the liquid sits on the scale.'],
    ['goal_driven_visual_tracing', 'Find the coffee cup: white cup with a saucer at the front.'],
    ['goal_driven_visual_tracing', "I need to find the KNO₃ curve first; it's the steep one."],
    [
      'visual_verification',
      'The book icon on the map meets column 1 and row 2, so the Library reading was right.',
    ],
    [
      'visual_verification',
      'Am I on the right curve at 20 °C, though? In the graph the steep one is lowest there.',
    ],
    ['verification', 'As a consistency test, the percentages should sum to 100: 40 + 35 + 25 = 100.'],
    ['verification', 'Computing from the 8-point gap directly gives the same $20,000.'],
    ['verification', 'Step 7: Check: 8:30 + 40 minutes = 9:10.'],
    ['visual_divide_and_conquer', "Hmm, let's break these emojis down one by one: a UFO, a city, a sun."],
    ['visual_verification', 'Let me list the figures out again to make sure I have them right.'],
    ['backward_chaining', '要弄清楚这个，我得先理解整个流程中发生了什么反应。'],
    ['verification', '如果是卵母细胞的问题，两条X都来自母亲，这与患儿的基因型不符。'],
    ['visual_verification', '不过，我得确认一下，因为流程图中滤液E是单独存在的。'],
    ['verification', '等一下，我再重新算一下三角形ABO的面积。'],
    ['verification', '我的计算中，n=12，是整数，符合要求。'],
    ['backward_chaining', '我需要找出三角形ABO的面积，因为概率就是它除以矩形的面积。'],
    ['verification', '如果花色是黑桃，P先生就能知道，这与Q先生的说法矛盾。因此，花色不能是黑桃。'],
    ['backtracking', '等一下，也许我需要更仔细地思考。'],
    ['backward_chaining', 'To find this, I might need the lengths of the sides of triangle ADC.'],
    // Chinese, as QVQ-style monologues write it
    ['backtracking', '这样不行，换个方法试试。'],
    ['backtracking', '前面的思路有问题，推翻重来。'],
    ['verification', '代入检验：当x=2时，左边等于右边，结果正确。'],
    ['subgoal_setting', '分两步走：第一步求速度，第二步求时间。'],
    ['backward_chaining', '为了得到面积，必须先知道底和高。'],
    ['visual_reflection', '仔细看图，其实第三个柱子是25而不是15。'],
    ['visual_verification', '对照图形检查，AB确实比CD长。'],
    ['goal_driven_visual_tracing', '观察图中阴影部分的位置。'],
    ['visual_divide_and_conquer', '从左到右依次数每一列的方块。'],
    // agent traces: the crop is the image
    ['visual_verification', 'In the crop the sign clearly says "EXIT", so the earlier reading holds.'],
    ['visual_verification', 'Counting again in the crop, left to right: 1, 2, 3, 4, 5. Still five.'],
    [
      'visual_verification',
      'Is this really the red car? In the zoomed view it is maroon, parked by the curb, so yes.',
    ],
    ['visual_verification', 'The axis labels in this crop go 0, 50, 100, so this is indeed the left axis.'],
    // a task-specific intermediate goal stated before the work ("I need to determine X first")
    ['subgoal_setting', "Let's find the radius first. The chord is 16, so half is 8."],
    ['subgoal_setting', 'I need to determine the total number of apples first.'],
    ['subgoal_setting', "Let's start by determining how many students chose red."],
    ['subgoal_setting', 'My first step is to find the common denominator.'],
    ['subgoal_setting', 'The first thing to figure out is the radius.'],
    ['subgoal_setting', 'To start, I will find the length of AC.'],
    // a reading corrected in words, in a sentence that names the image
    [
      'visual_reflection',
      'Oh, I see, the second bar is actually shorter than the third; I had them swapped.',
    ],
    [
      'visual_reflection',
      'Looking back at the image, there are actually five triangles, not four, with the small one on top.',
    ],
    ['visual_reflection', 'I missed the small triangle at the top of the figure, so there are 6.'],
    // a necessary condition or a goal that names what it needs
    [
      'backward_chaining',
      'For the ratio to be 1:2, the smaller tank must hold half as much, so its height must be half.',
    ],
    [
      'backward_chaining',
      'Since we want the probability, we need the number of favorable outcomes and the total.',
    ],
    ['backward_chaining', 'So what determines the speed? The slope of the line.'],
    // an approach given up in words
    ['backtracking', 'Actually, this approach is going nowhere. Let me try using similar triangles instead.'],
    ['backtracking', "Hmm, this isn't leading anywhere. Different idea: use the area formula."],
    ['backtracking', "This method is getting messy, so I'll switch to coordinates."],
    // the other options tested, an option with a decimal value ruled out
    ['verification', "Let me also test the other answer choices, in case I've set something up wrong."],
    ['verification', "The other options don't really work: 6 is just OM itself."],
    ['verification', 'D, 5.0 m/s² = g sin 30°, the frictionless answer — that ignores friction.'],
    ['visual_verification', 'Let me also count the bars to be sure I have not skipped one: five bars.'],
    // a named part of the image sought for what the answer needs
    ['goal_driven_visual_tracing', 'I\'ll scan the legend to find which color means "cars".'],
    ['goal_driven_visual_tracing', 'Which angle is marked 40°? Looking at the diagram, it is angle ABC.'],
    // the question's target and what it needs; a plan announced as steps
    [
      'backward_chaining',
      "We're asked for the time, and time = distance / speed, so I need both distance and speed.",
    ],
    ['backward_chaining', 'The unknown is x; to isolate x we need the value of y first.'],
    ['subgoal_setting', 'Step one: find the total. Step two: find the share.'],
    ['subgoal_setting', 'Goal for now: get the length of BC.'],
    // a stated target and what it needs first
    [
      'backward_chaining',
      'My target is angle x. Angle x is supplementary to angle ABC, so I need angle ABC first.',
    ],
    ['backward_chaining', 'If I know the radius, the area follows; the radius is half the diameter.'],
    ['backward_chaining', 'The key quantity is the rate, and the rate comes from the slope of the line.'],
    ['backward_chaining', 'Goal: the mean. Requirement: the total and the count.'],
    [
      'backward_chaining',
      'Since the question asks for the probability of both, I first need each probability separately.',
    ],
    ['backward_chaining', '要比较两者的速度，得先分别算出它们的路程和时间。'],
    // Chinese: a way abandoned, a check by substitution or plausibility, a key requirement, a part of
    // the image sought, parts in turn, a confirmation on the figure (no reflection)
    ['backtracking', '这个思路走不通，换个方法试试。'],
    ['backtracking', '我之前的假设是错误的，应该是匀加速运动。'],
    ['verification', '把x = 2代入原方程，左边等于右边，说明答案正确。'],
    ['verification', '用另一种方法计算，也得到同样的答案。'],
    ['backward_chaining', '要判断哪个更大，关键是比较它们的高度。'],
    ['goal_driven_visual_tracing', '为了回答这个问题，我要看一下图中红色柱子的高度。'],
    ['visual_divide_and_conquer', '先看左边的图，再看右边的图。'],
    ['visual_verification', '从图中可以再次确认，AB平行于CD。'],
    // agent traces: a zoom or crop tool aimed at a region, a wider crop after a doubt, a new crop
    // or a second zoom that confirms a reading, quadrants cropped in turn, an answer revised
    [
      'goal_driven_visual_tracing',
      "I'll call the zoom tool on the upper-left quadrant where the clock should be.",
    ],
    [
      'goal_driven_visual_tracing',
      'Let me use image_zoom_in_tool on bbox [120, 40, 380, 200] to see the plate.',
    ],
    [
      'visual_reflection',
      'Hmm, the previous crop cut off part of the sign, so my reading may be wrong; let me crop a wider area.',
    ],
    ['visual_verification', 'The new crop confirms the sign reads "OPEN".'],
    ['visual_verification', 'Zooming in again to double-check: the plate is still "BW14 WDZ".'],
    ['visual_divide_and_conquer', "I'll examine the image in four quadrants, cropping each in turn."],
    ['visual_reflection', 'Hold on, maybe I misinterpreted the diagram. The arrow points left, not right.'],
    [
      'backtracking',
      'My earlier answer assumed the man was holding an umbrella, but that was a bag, so I need to revise the answer.',
    ],
    // backward chaining stated as a dependency: what the answer hinges on, what would finish it,
    // what is missing, what the question becomes (session 11: 5 of 21 found before)
    [
      'backward_chaining',
      'The whole question hinges on the height of the trapezoid; once we know that, the area is immediate.',
    ],
    ['backward_chaining', 'It suffices to find the common ratio r, since the 10th term is a·r^9.'],
    ['backward_chaining', "We'd be done if we knew the radius — the circumference is 2πr."],
    ['backward_chaining', 'The answer depends only on the slope of the line, so let us get the slope.'],
    [
      'backward_chaining',
      "What's missing is the total number of students; with that, the percentage follows.",
    ],
    ['backward_chaining', 'The only unknown standing between us and the answer is angle C.'],
    [
      'backward_chaining',
      'The probability is favorable over total, so the question becomes: how many outcomes are favorable?',
    ],
    ['backward_chaining', 'So the problem boils down to one thing: the value of x at the intersection.'],
    [
      'backward_chaining',
      'The height is given; the base area needs the side length, which we get from the diagonal.',
    ],
    ['backward_chaining', 'To answer "how much taller", I must know both heights.'],
    [
      'backward_chaining',
      'Which quantities determine the final answer? Only the two legs of the right triangle.',
    ],
    [
      'backward_chaining',
      'Since the answer is a ratio of areas with a shared height, we only need the ratio of their bases.',
    ],
    [
      'backward_chaining',
      'If the triangles are similar the ratio follows, so the real task is establishing similarity.',
    ],
    ['backward_chaining', 'We need f(3). f(3) = g(2)+1, so we need g(2); g(2) is read off the graph.'],
    // GLM/Kimi formal style, and Chinese
    [
      'visual_reflection',
      'Observing the image again, I notice the second rectangle is not shaded, which contradicts my earlier assumption.',
    ],
    ['visual_reflection', 'Upon re-examination of the chart, the value for 2018 is 45 rather than 40.'],
    [
      'goal_driven_visual_tracing',
      'From the figure, the key information needed is the length of segment DE.',
    ],
    ['verification', 'The calculation is verified: 3 × 7 = 21.'],
    [
      'backward_chaining',
      'To obtain the area, it is necessary to first determine the height of the triangle.',
    ],
    ['backtracking', 'The previous conclusion was incorrect; the correct relation is a + b = 10.'],
    ['visual_verification', '再看一遍图，确实有五只鸟。'],
    // terse instruct and tutor styles; an agent's crop found too tight
    ['backward_chaining', 'Need: perimeter. Have: two sides. Missing: third side → Pythagoras.'],
    ['backward_chaining', 'Target = time. time = distance / speed → need speed first.'],
    ['backward_chaining', "Our goal is to find the volume. To do that, we'll need the radius."],
    ['visual_verification', 'Recheck figure: angle at B marked 90°. OK.'],
    ['backtracking', 'Error above — used diameter as radius. Fix: r = 5.'],
    ['visual_divide_and_conquer', 'Left panel: 3 triangles. Right panel: 4 triangles. Total 7.'],
    ['visual_reflection', "Misread bar C earlier; it's 25 not 20. Recompute: sum = 95."],
    [
      'subgoal_setting',
      "We'll solve this in two parts. Part 1: find the speed. Part 2: use it to find the time.",
    ],
    ['visual_reflection', 'The earlier crop was too tight and cut off the legend; cropping a larger area.'],
    // QVQ-style rambling: an either-or doubt about a line, a reading taken back "after all", a
    // search for where a hand points or which bar stands for a year, parts counted in turn
    ['visual_reflection', "Wait a minute, is that line dashed or solid? Looking closer, it's dashed."],
    ['visual_reflection', "Maybe the angle isn't 30 degrees after all; in the image it looks closer to 45."],
    [
      'visual_verification',
      'Okay, the picture clearly shows three apples on the left plate, which is what I had.',
    ],
    [
      'goal_driven_visual_tracing',
      'So, what time does the clock show? Let me look at where the hour hand is pointing.',
    ],
    [
      'goal_driven_visual_tracing',
      "First, I need to find which bar represents 2010 — it's the fourth one from the left.",
    ],
    ['goal_driven_visual_tracing', 'Let me see what the y-coordinate of point P is in the graph.'],
    [
      'visual_divide_and_conquer',
      'Okay, there are four small pictures here. Let me go through them one by one.',
    ],
    ['visual_divide_and_conquer', "I'll count the cubes layer by layer, starting with the bottom layer."],
    ['visual_divide_and_conquer', 'Let me analyze the top row first, then the bottom row.'],
    // implicit checks: the image agreeing with a result; arithmetic run back to its start
    ['visual_verification', 'That fits the picture: the red slice is clearly the biggest.'],
    ['visual_verification', 'As expected from the figure, the shaded part is about a third of the circle.'],
    [
      'visual_verification',
      "The bar for Tuesday does look about twice the height of Monday's, consistent with 40 vs 20.",
    ],
    ['visual_verification', 'Eyeballing the chart again, 35 is plausible for the March bar.'],
    ['visual_verification', 'The photo supports this: there are exactly three cups on the tray.'],
    ['visual_verification', 'The image bears out the count — five birds on the wire.'],
    ['visual_verification', 'Does it match the map? Yes, the river runs west of the town.'],
    ['visual_verification', "A quick look back at the table: Tom's score is 82, as I used."],
    ['verification', 'Going backwards, 56 / 8 = 7, which is the number I started with.'],
    ['verification', 'The units work: m/s × s = m.'],
    [
      'verification',
      'As a check on the signs, both roots are positive, and their product 6 is positive too.',
    ],
    ['verification', 'Does 12 satisfy the second condition? 12 mod 5 = 2, yes.'],
    ['verification', 'If x were 4 instead, the total would be 20, not 18 — so 3 is the only fit.'],
    // plans in stages, parts handled in turn, approaches withdrawn (session 11, phrasings I wrote)
    [
      'subgoal_setting',
      "Let's tackle this in stages. Stage one is the length of the ladder; stage two is its height.",
    ],
    [
      'subgoal_setting',
      'The approach will be: (1) read the values, (2) compute the mean, (3) compare with 50.',
    ],
    [
      'subgoal_setting',
      'Before anything else, I want the total number of marbles; after that, the probability is simple.',
    ],
    ['subgoal_setting', 'The strategy is to express everything in terms of x and solve a single equation.'],
    [
      'subgoal_setting',
      "Here's how I'll do it — first the slope, next the intercept, finally the value at x = 10.",
    ],
    ['subgoal_setting', "Part (a) asks for the mean, part (b) for the median; I'll do (a) first."],
    [
      'visual_divide_and_conquer',
      'Splitting the shaded shape into a rectangle and a semicircle, I handle each separately.',
    ],
    ['visual_divide_and_conquer', 'Let me examine each of the four graphs individually.'],
    [
      'visual_divide_and_conquer',
      "The left half holds the cats, the right half the dogs — I'll count each half separately.",
    ],
    [
      'visual_divide_and_conquer',
      'Dividing the map into northern and southern regions, I compare the rainfall in each.',
    ],
    [
      'backtracking',
      'On reflection my assumption that the triangle is isosceles was unjustified, so I redo it.',
    ],
    [
      'backtracking',
      'I retract the earlier claim that the sequence is arithmetic; the differences are 2, 4, 8.',
    ],
    ['verification', 'Let me test that rule on a simple point: (1, 0) should go to (0, 1).'],
    ['verification', 'So CD = 4.8 . \\checkmark'],
    ['verification', 'Sanity bound: over 10 s the speed is at most 20 m/s, so the distance is under 200 m.'],
    // reflection after a doubt phrased another way; searches aimed at a named target
    [
      'visual_reflection',
      "The numbers don't add up. Let me go back to the table; the Tuesday row is 14, I had copied 41.",
    ],
    [
      'visual_reflection',
      "I'm not sure that's the right reading. Squinting at the axis again, the tick is at 2.5.",
    ],
    [
      'visual_reflection',
      "Wait, the shaded region isn't what I thought — checking the figure again, it's the part outside.",
    ],
    ['visual_reflection', "I realize the figure's labels were misread: the side marked 7 is AB, not BC."],
    [
      'visual_reflection',
      'Hmm, my reading of the scale might be off. The gridlines are every 5 units, not every 10.',
    ],
    [
      'goal_driven_visual_tracing',
      "The question is about the tallest building, so I'll search the skyline for the highest rooftop.",
    ],
    [
      'goal_driven_visual_tracing',
      'Since we need the price of the red bag, I look for the tag attached to it.',
    ],
    [
      'goal_driven_visual_tracing',
      'The relevant piece of the chart is the Q3 bar for Product B; its top is at about 42.',
    ],
    ['goal_driven_visual_tracing', 'For the speed at t = 4 I trace up from t = 4 until I hit the curve.'],
    [
      'goal_driven_visual_tracing',
      'Let me find the number written on the jersey of the player holding the ball.',
    ],
    ['goal_driven_visual_tracing', "I'll look specifically at the row for Thursday to get the rainfall."],
    [
      'visual_verification',
      'Does the chart bear this out? The blue line is above the red one after 2010, so yes.',
    ],
    ['backward_chaining', 'Required: the perimeter. For this, each side length must be known.'],
    [
      'backward_chaining',
      'In order to compute the average speed we require the total distance and total time.',
    ],
  ];
  // built once: compiling the rules takes ~0.15 s, and per case the file ran past a minute with no
  // turn of the event loop, which vitest's worker RPC (60 s timeout) reports as an error
  const withPrefilter = new RuleDetector();
  const withoutPrefilter = new RuleDetector(undefined, false);
  it.each(cases)('finds %s in a general phrasing', (behavior, sentence) => {
    const response = `<think>\n${sentence}\n</think>\n\\boxed{1}`;
    expect(found(response), sentence).toContain(behavior);
    // the keyword prefilter must not lose what the full rules find
    const steps = segment(response);
    expect(withPrefilter.detect({ response, steps })).toEqual(withoutPrefilter.detect({ response, steps }));
  });
  it('stays quiet on plain descriptions and plain computation', () => {
    for (const s of [
      'The image shows a bar chart with four bars labelled A to D.',
      'The triangle has sides 3, 4 and 5, so its area is 6.',
      'As shown in the figure, the circle is inscribed in the square.',
    ]) {
      expect(found(`<think>${s}</think>`), s).toEqual(new Set());
    }
  });
  it('does not take look-alikes of the generic forms', () => {
    const not = (behavior: string, s: string) =>
      expect(found(`<think>${s}</think>`), s).not.toContain(behavior);
    // the dependency forms' look-alikes: emphasis, a missing label, a clearer question, simplification
    not('backward_chaining', 'Everything comes down to careful arithmetic now.');
    not('backward_chaining', "What's missing is a label on the y-axis, so I can't be sure of the scale.");
    not('backward_chaining', 'The only thing that matters is that I show my work clearly.');
    not('backward_chaining', 'The question becomes clearer when we look at the figure.');
    not('backward_chaining', 'We only need the final answer in simplest form.');
    not('backward_chaining', 'The real task is to be careful.');
    not('backward_chaining', 'The problem reduces to x = 4 after simplification.');
    not('backward_chaining', "I think we'd be done if the time allowed.");
    // the task's own words and a quoted title are no check
    not(
      'verification',
      'The question asks us to verify that the triangle is isosceles; we prove it from the sides.',
    );
    not('visual_verification', 'The chart\'s title is "Check Your Progress".');
    not('visual_divide_and_conquer', 'Left side: 8 · 8 = 64. Right side: 4 · 16 = 64.');
    not(
      'visual_verification',
      'Let me recheck the four favourable sums from the table: 2 + 5 = 7, 3 + 5 = 8.',
    );
    not(
      'goal_driven_visual_tracing',
      "Now let me look at where the other options come from, to be sure I'm not in a trap.",
    );
    not('visual_verification', 'The picture shows three cups on a tray.');
    not('verification', 'Back to the original problem: only one pair of parentheses can be added.');
    not('visual_verification', 'But I read 10.5, so I will go with the table as I read it.');
    not(
      'visual_divide_and_conquer',
      "I'll break the problem into three parts: the perimeter, the area, and their ratio.",
    );
    not('backtracking', 'The dead end of the street is on the left of the map.');
    not('backtracking', 'Let me rethink how to phrase the final answer.');
    not('subgoal_setting', 'The problem has two parts.');
    not('goal_driven_visual_tracing', 'Since we need the total, I find the sum: 3 + 4 = 7.');
    not('goal_driven_visual_tracing', 'Since we need a general rule, I look for a pattern in the numbers.');
    not('goal_driven_visual_tracing', 'I search the solution space for a pattern.');
    not('goal_driven_visual_tracing', 'Let me search the options for one that fits.');
    not('goal_driven_visual_tracing', 'We look specifically at integers here.');
    not('visual_reflection', 'The legend says blue is female and red is male.');
    not('visual_divide_and_conquer', "Let's solve this step by step: the chart gives 12 and 30.");
    // a recount that finds no error is a check, not a change of course
    not('backtracking', 'Let me recount the cells to be thorough: 4 + 4 + 3 = 11, the same as before.');
    not('backtracking', 'Hmm, let me reconsider the wording of the question: it asks for exactly two.');
    // a plan checked the other way round is a check, not a new subgoal
    not('subgoal_setting', 'Let me do it the other way, converting first and then adding, to check.');
    // "Step 1: Read the table" is the answer's format, not a targeted search
    not('goal_driven_visual_tracing', 'Step 1: Read the scores from the table. Lena 78, Omar 91.');
    not('visual_divide_and_conquer', 'The two photos in the figure are placed side by side.');
    not('visual_divide_and_conquer', 'We split the fraction into two terms and add them.');
    not('goal_driven_visual_tracing', 'Let me look at the chart again to double-check the 45.');
    not('backward_chaining', 'The answer is 12, which is what the table shows.');
    // a redo that finds no error is verification; a numbered header is the answer's format
    not('backtracking', 'Let me redo the multiplication to be safe: 12 × 4 = 48, the same as before.');
    not('subgoal_setting', 'Step 1: Read the chart. The bars show 3, 5 and 7.');
    not('backtracking', 'If I misread the last bar, the median would still be 45.');
    // restating the question is not a targeted search; a verifier model is not a check
    not('goal_driven_visual_tracing', 'Okay, so I need to figure out the height of the tree in the picture.');
    not('visual_verification', 'The reward comes from a Verifier model trained on the images.');
    // emphasis is not a chain of requirements; re-reading the question is not looking at the image
    not('backward_chaining', 'The whole answer depends on it, so I read the label carefully.');
    not('backward_chaining', 'Let me make sure of where S is, since everything depends on it.');
    not('visual_verification', 'Let me look again at the wording: it says at least two.');
    not('visual_reflection', 'The table actually shows the same totals I computed, 12 and 30.');
    not(
      'goal_driven_visual_tracing',
      'First I need to identify the unknown angle, then use the triangle sum.',
    );
    not('visual_reflection', 'I might have misread the question; it asks for the radius, not the diameter.');
    // "first … then" describing the figure, or order-of-operations narration, is no plan
    not('subgoal_setting', 'The first row shows options 1 to 5, then the second row shows A to E.');
    not('subgoal_setting', 'First, calculate inside the parentheses:\n\n2 + 3 = 5\n\nThen 5 × 4 = 20.');
    // a film's plot is not a plot of data
    not('visual_verification', 'Let me check the plot of "Independence Day" again: aliens attack on July 4.');
    // a figure described as split is not a split made by the reader; "a consistent answer" is no check
    not(
      'visual_divide_and_conquer',
      'In option E the square is split into two vertical parts, one of them black.',
    );
    not(
      'visual_verification',
      'The tool returned the image again without a consistent answer about the colour.',
    );
    // a zoom made to check something is a targeted look, not a check
    not('visual_verification', 'The umbrella is tiny, so let me zoom in there to check its colour.');
    not('verification', 'The umbrella is tiny, so let me zoom in there to check its colour.');
    // a miscount of steps in arithmetic is no misreading of the image
    not('visual_reflection', 'I miscounted the jumps: the meeting on June 6 is already the first one.');
    // an answer's enumerated parts are no plan
    not('subgoal_setting', 'So the answers are (1) 5 cm and (2) 7 cm.');
    // a redo that finds nothing wrong is a check; a misreading of the image is no discarded result
    not('backtracking', 'Let me start over from the definition to make sure: yes, the same 12.');
    not('backtracking', 'Redo: paths through the dot, 3 × 3 = 9; avoiding it, 20 − 9 = 11.');
    not('backtracking', 'I misread the tick labels in the chart: the gridlines are 5 apart.');
    // re-reading the question is no check; searching the image for something is no visual check
    not('verification', 'I need to confirm the question: it asks for the area.');
    not('visual_verification', 'Let me check the image for the label of the third bar.');
    // summing parts is no check
    not('verification', 'Adding them up: 2 + 3 + 4 = 9.');
    // where a reading is to be taken is no check of it
    not('visual_verification', 'To read the thermometer I need where the liquid sits against the scale.');
    // a figure described by its parts, or points laid out left to right, is no pass over parts in turn
    not('visual_divide_and_conquer', 'D is on the upper part of AB, 6 near the lower part of it.');
    not(
      'visual_divide_and_conquer',
      'A scatter plot with points arranged from left to right along the axis.',
    );
    // what a crop shows is no zoom aimed at a target; a targeted search of areas is no reflection
    not(
      'goal_driven_visual_tracing',
      'In the current crop, I can now see a small white dog near the people.',
    );
    not(
      'visual_reflection',
      "The crop shows a street, but I still don't see a dog. I need to look more carefully at the areas where people walk.",
    );
    // a zoom or a web search made to confirm something is a targeted look, not a check
    not('verification', 'To confirm this, I will now zoom in on the white sign with red text.');
    not('goal_driven_visual_tracing', 'Let me search for this specific image to learn the watch model.');
    // a "but" that only moves on, a look to confirm, or going back for the next value is no reflection
    not('visual_reflection', 'But first, let me look at the graph again to read the third bar: 45.');
    not('visual_reflection', 'But we also need the height. Looking at the diagram again, the height is 5.');
    not('visual_reflection', 'That seems easy, but let me look at the chart once more to confirm the 12.');
    not(
      'visual_reflection',
      'I have the sum, but I still need the mean. Going back to the table, there are 5.',
    );
    // a pattern in numbers, or the algebra, is nothing sought in the image
    not('goal_driven_visual_tracing', 'Looking for a pattern in the numbers: 2, 4, 8, 16.');
    not('goal_driven_visual_tracing', 'Let me focus on the algebra now.');
    // what the image or the problem gives first and then is a description, not a plan
    not('subgoal_setting', 'First, the image shows three circles, and then there is a square below them.');
    not('subgoal_setting', 'The problem first gives the speed and then the time.');
    not('subgoal_setting', 'The plan in the picture shows a kitchen and a bedroom.');
    // an option drawn as a split square is a description, not a split made by the reader
    not(
      'visual_divide_and_conquer',
      'E: A square split into two vertical parts, with a black square in the left part.',
    );
    // recomputing to check is no discarded result; my own sketch (画图) is not the image
    not('backtracking', '等一下，我再重新算一下三角形ABO的面积。');
    not('visual_verification', '让我再检查一下。或者是我画图的时候没有画准。');
    // a Chinese description, or counting again another way, is none of these
    not('subgoal_setting', '首先，题目给出了速度。');
    not('visual_verification', '图中有三个圆。');
    not('backtracking', '为了确认，我换一种方法数一遍：还是8个。');
    // describing a crop is no check; "no doubt" is no doubt
    not('visual_verification', 'The crop shows a street with cars and a bus, and a man in a dark suit.');
    not('visual_reflection', 'Looking at this crop once more, the digits are sharp, so there is no doubt.');
    // a misreading that is only possible is no return to the image to correct course
    not('visual_reflection', 'Could the median change if I misread July instead? No: the same values stay.');
    // the problem's own claim being wrong, or a hedge, is no change of course
    not(
      'backtracking',
      "The equation 1 + 2 * 3 = 9 is given, but it's incorrect; add parentheses to fix it.",
    );
    not('backtracking', '可能我哪里算错了，再核对一下：3 × 4 = 12，没错。');
    // generic openers and looks at the image are no subgoal; "figure out" names no figure
    not('subgoal_setting', 'Let me start by understanding the problem.');
    not('subgoal_setting', "Let's first look at the chart.");
    not('subgoal_setting', 'I need to find the KNO3 curve first; its name is at its right end.');
    not('visual_verification', 'Let me figure out whether 12 is right: 3 × 4 = 12.');
    // a correction that names no image is no reflection
    not('visual_reflection', 'The answer is actually 12, not 15.');
    not('visual_reflection', 'Wait, the question asks for the perimeter, not the area.');
    not('visual_reflection', 'I missed a factor of 2 in the area formula.');
    // a wish to be brief is no requirement; points named in a row are no option ruled out
    not('backward_chaining', 'Since we need to hurry, I must be brief.');
    not('verification', 'A, B and C are collinear, and D is not on the line.');
    not('verification', 'The other options are listed below the figure.');
    not('backtracking', 'Let me switch to the second part of the question.');
    // a legend checked again is a check, not a search; one step header is the answer's format
    not('goal_driven_visual_tracing', 'Let me check the legend again to confirm the colours.');
    not('subgoal_setting', 'Step 1: Find the total. The bars add to 40.');
    // looking for a printed value or for markings is a search of the image, not a check of a reading
    not(
      'visual_verification',
      'Let me check whether the Savings sector has its own percentage printed anywhere in the chart.',
    );
    not('visual_verification', 'Checking gears B and C in the diagram for arrows: there are none.');
    not('visual_reflection', '再看一下图，确认第三个柱子的高度确实是25。');
    not('goal_driven_visual_tracing', '图中有一个圆和一个正方形。');
    // a tool's result, or a zoom merely possible, is no aimed look
    not('goal_driven_visual_tracing', 'The tool returned a cropped image of the storefront.');
    not('goal_driven_visual_tracing', 'If needed, we can use the zoom tool to look closer.');
    // a misreading of the image is no discarded result; where a line crosses is sought, not checked
    not('backtracking', 'Hold on, maybe I misinterpreted the diagram. The arrow points left, not right.');
    not('visual_verification', 'I should check where the line crosses the x-axis in the graph.');
    // a look aimed at a doubtful reading is a return to the image, not a search for evidence
    not(
      'goal_driven_visual_tracing',
      "Hmm, but I'm not sure the peak dot is on the y-axis. Let me zoom in on the top of the graph.",
    );
  });
});
