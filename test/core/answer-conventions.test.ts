// Every common final-answer convention, the reasons for having none, option letters in their many
// forms, and free-text references.
import { describe, expect, it } from 'vitest';
import { checkAnswer, choicesFromQuestion, extractAnswer } from '../../src/core/answers';

const ex = (s: string, choices?: string[]) => extractAnswer(s, { choices });
const check = (s: string, answer?: string, choices?: string[], question?: string) =>
  checkAnswer(s, { answer, choices, question });

describe('answer conventions', () => {
  it.each([
    ['<think>r</think>\n<answer>D</answer>', 'D', 'answer-tag'],
    ['<think>r</think><answer>The answer is \\boxed{12}</answer>', '12', 'answer-tag'],
    ['<think>r</think><answer><|begin_of_box|>7<|end_of_box|></answer>', '7', 'answer-tag'],
    ['<think>r</think><|begin_of_box|>C<|end_of_box|>', 'C', 'box-token'],
    // LLaVA-CoT: the answer is the <CONCLUSION> stage, often a sentence
    [
      '<SUMMARY>plan</SUMMARY><REASONING>3 - 1 = 2</REASONING><CONCLUSION> 2 </CONCLUSION>',
      '2',
      'answer-tag',
    ],
    ['<REASONING>r</REASONING>\n<CONCLUSION>The answer is B.</CONCLUSION>', 'B', 'answer-tag'],
    [
      '<REASONING>r</REASONING><CONCLUSION>There are 5 birds left on the wire.</CONCLUSION>',
      '5',
      'answer-tag',
    ],
    ['<REASONING>r</REASONING><CONCLUSION>\\boxed{\\frac{1}{2}}</CONCLUSION>', '\\frac{1}{2}', 'answer-tag'],
    ['first \\boxed{1} then \\boxed{\\frac{1}{\\sqrt{2}}}', '\\frac{1}{\\sqrt{2}}', 'boxed'],
    ['Long reasoning here.\n\n**Final Answer**\n\n$$ \\boxed{-29} $$', '-29', 'boxed'],
    ['Long reasoning here with steps.\n\nAnswer: 42.', '42', 'phrase'],
    ['We went through it all, and therefore, the answer is 7.', '7', 'phrase'],
    ['Lots of words here.\n\n**Final Answer:** 3/4', '3/4', 'phrase'],
    ['计算得到结果。\n答案是12。', '12', 'phrase'],
    ['分析每个选项之后，故选B', 'B', 'phrase'],
    ['经过计算，面积是6。\n答：6平方米', '6平方米', 'phrase'],
    ['很长的推理过程。\n\n**答案**\n\nA', 'A', 'final-answer'],
    ['Thinking a lot about it… I think I\'ll go with "Cast Away" because…', 'Cast Away', 'decision'],
    ['Step 2: add them. 78 + 91 = 169.\n\nTherefore, the average score is 82.', '82', 'conclusion'],
  ])('%j → %s', (s, want, method) => {
    const r = ex(s);
    expect(r?.text).toBe(want);
    expect(r?.method).toBe(method);
  });

  it('maps options written in many forms to their letter when choices are known', () => {
    const choices = ['(A) 4', '(B) 5', '(C) 6', '(D) 9'];
    for (const s of [
      'Answer: B',
      'Answer: (B)',
      'Answer: B)',
      'Answer: B.',
      'Answer: Option B',
      '**Answer:** B) five',
      'Answer: B: 5',
    ])
      expect(check(s, 'B', choices).extracted, s).toBe('B');
    // a value equal to one choice's text becomes its letter
    expect(check('so \\boxed{9}', 'D', choices)).toMatchObject({ extracted: 'D', correct: true });
    // "(Option C)" after the box, with choices only written in the question
    const q = 'Find tan.\nChoices:\nA: \\frac{1}{2}\nB: 2\nC: \\frac{√{3}}{3}\nD: \\sqrt{3}';
    expect(choicesFromQuestion(q)).toHaveLength(4);
    expect(
      check('**Answer:** \\(\\boxed{\\frac{\\sqrt{3}}{3}}\\) (Option C)', 'C', undefined, q),
    ).toMatchObject({
      extracted: 'C',
      correct: true,
    });
  });

  it('reads an option letter when the reference is one and no choices are given', () => {
    for (const s of [
      'Final answer: (B) 12 cm',
      'So, the answer would be option B.',
      'Therefore, the best answer is: (B) none of the above',
      'The correct option is (B).',
      'Answer: B. 130°',
      '\\boxed{\\textbf{(B)}\\ 14}',
    ])
      expect(check(s, 'B'), s).toMatchObject({ correct: true });
    // a reference that is not a letter still takes the value
    expect(check('Final answer: (B) 12 cm', '12 cm')).toMatchObject({ correct: true });
    expect(check('The answer is A cat.', 'A')).toMatchObject({ correct: false });
  });

  it('accepts the forms a grader would: yes/no with a reason, number words, letter sets, labelled references', () => {
    const right: [string, string][] = [
      ['**Final Answer:** No, the bus is not red.', 'No'],
      ['<answer>The image shows 3 dogs.</answer>', '3'],
      ['Therefore, there are \\boxed{3} dogs.', 'three'],
      ['The answer is three.', '3'],
      ['\\boxed{A, C}', 'AC'],
      ['The answer is C and A.', 'A, C'],
      ['\\boxed{C}', 'C. 14'],
      ['\\boxed{14}', '(C) 14'],
    ];
    for (const [s, gold] of right) expect(check(s, gold), s).toMatchObject({ correct: true });
    const wrong: [string, string][] = [
      ['**Final Answer:** Yes, it is red.', 'No'],
      ['<answer>The image shows 3 dogs and 2 cats.</answer>', '3'],
      ['\\boxed{A, C}', 'A'],
      ['\\boxed{A, B}', 'AC'],
      ['\\boxed{B}', 'C. 14'],
      ['The answer is four.', '3'],
    ];
    for (const [s, gold] of wrong) expect(check(s, gold), s).toMatchObject({ correct: false });
  });

  it('reads phrasings with a verb or a colon, bold answers and a closing "Conclusion:" line', () => {
    expect(ex('So the answer is **A**.')?.text).toBe('A');
    expect(ex('Thus the answer should be **7** apples.')?.text).toBe('7');
    expect(ex('Looking at the answer choices, the correct choice is D.')?.text).toBe('D');
    expect(ex('Summary: plan\nCaption: two cubes\nReasoning: 2+2=4\nConclusion: 4')?.text).toBe('4');
    expect(ex('### Conclusion\nThe total is 12.\n\n**Conclusion:** There are 12 birds.')?.text).toBe('12');
    // "answer" with neither verb nor colon names nothing ("the answer choices", "answer the question")
    expect(ex('I need to answer the question about the chart carefully and honestly.')).toBeNull();
  });

  it('gives no answer, with a reason, instead of a piece of the reasoning', () => {
    expect(
      check('Okay, so I need to figure out which movie. Let me look at each emoji in turn.'),
    ).toMatchObject({
      extracted: null,
      reason: 'no-final-answer',
    });
    expect(check('<think>\nThe problem says the number of points is')).toMatchObject({
      extracted: null,
      reason: 'truncated',
    });
    expect(check('<think>so</think><answer>')).toMatchObject({ extracted: null, reason: 'truncated' });
    expect(check('<think>so x = 4</think> Thus \\boxed{\\frac{3')).toMatchObject({ extracted: null });
    expect(check('<think>a</think>\\boxed{\\frac{3').reason).toBe('truncated');
    expect(check('It is the same. It is the same.', undefined, undefined).reason).toBe('no-final-answer');
  });

  it('compares free-text references by containment and flags the verdict uncertain', () => {
    expect(check('<think>r</think>\nAnswer: RL Phase', 'RL phase takes longer.')).toMatchObject({
      extracted: 'RL Phase',
      correct: true,
      uncertain: true,
    });
    expect(check('<think>r</think>\nAnswer: reward model', 'RL phase takes longer.')).toMatchObject({
      correct: false,
      uncertain: true,
    });
    expect(check('<think>r</think><answer>2.4</answer>', '2.4')).toMatchObject({ correct: true });
    expect(check('<think>r</think><answer>2.4</answer>', '2.4').uncertain).toBeUndefined();
  });

  it('reads the final assistant turn of a multi-turn agent rollout', () => {
    const s =
      '<think>zoom</think><tool_call>{}</tool_call><|im_end|>\n<|im_start|>user\n<tool_response><sub-image 1></tool_response><|im_end|>\n<|im_start|>assistant\n<think>Nine.</think>\n<answer>9</answer><|im_end|>\n<|im_start|>user\nmore';
    expect(ex(s)?.text).toBe('9');
  });
});
