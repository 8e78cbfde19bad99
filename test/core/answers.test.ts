import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answersEqual, checkAnswer, compareAnswers, extractAnswer } from '../../src/core/answers';
import { CASES, DEV } from '../helpers';

describe('answer extraction', () => {
  it('takes the last boxed answer, with nested braces', () => {
    expect(extractAnswer('first \\boxed{1} then \\boxed{\\frac{1}{2}}')?.text).toBe('\\frac{1}{2}');
  });
  it('reads "Answer: X", "the answer is X" and final option letters', () => {
    expect(extractAnswer('lots of work here. Answer: 42.')?.text).toBe('42');
    expect(extractAnswer('So after all that, the answer is 7.5 meters')?.text).toContain('7.5');
    expect(
      extractAnswer('Comparing the options carefully, I pick (C)', { choices: ['A. 1', 'B. 2', 'C. 3'] })
        ?.text,
    ).toBe('C');
  });
  it('prefers a "final answer" stated after an intermediate \\boxed{}', () => {
    expect(
      extractAnswer(
        'so the interest is \\boxed{255}. Total $10,455. Final Answer: The final answer is $10,455$.',
      )?.text,
    ).toBe('$10,455$');
  });
  it('prefers the answer after </think>', () => {
    expect(extractAnswer('<think>maybe \\boxed{3}</think> final \\boxed{4}')?.text).toBe('4');
  });
});

describe('answer equivalence', () => {
  it.each([
    ['1/2', '0.5'],
    ['\\frac{3}{4}', '75\\%'],
    ['1000', '1,000'],
    ['2\\sqrt{3}', '\\sqrt{12}'],
    ['(1,2)', '(1, 2)'],
    ['\\{1,2\\}', '\\{2,1\\}'],
    ['[0,1)', '[0, 1)'],
    ['x^2+2x+1', '(x+1)^2'],
    ['x = 3', '3'],
    ['\\text{B}', 'B'],
    ['\\sin^2 x + \\cos^2 x', '1'],
    ['5\\text{ apples}', '5'],
    ['12 red marbles', '12'],
    ['\\tan 45^\\circ', '1'],
    ['\\cos(60°)', '\\frac{1}{2}'],
  ])('%s equals %s', (a, b) => expect(answersEqual(a, b)).toBe(true));
  it.each([
    ['1/2', '0.51'],
    ['(1,2)', '(2,1)'],
    ['[0,1)', '(0,1)'],
    ['x^2', 'x^3'],
    ['2x + z = 1', '1'],
    ['\\sin x', '0.5'],
    ['5 and 6', '5'],
    ['3 times', '3'],
  ])('%s differs from %s', (a, b) => expect(answersEqual(a, b)).toBe(false));
  it("evaluates matrix expressions and keeps Math-Verify's relation/interval asymmetry", () => {
    expect(
      answersEqual(
        '\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}',
        '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}',
      ),
    ).toBe(true);
    expect(answersEqual('-2 \\le x \\le 7', 'x \\in [-2,7]')).toBe(true);
    expect(answersEqual('x \\in [-2,7]', '-2 \\le x \\le 7')).toBe(false);
  });
  it('maps option letters to option text', () => {
    const choices = ['A. 120°', 'B. 130°', 'C. 140°'];
    expect(answersEqual('B', '130°', { choices })).toBe(true);
    expect(answersEqual('B', 'C', { choices })).toBe(false);
    expect(answersEqual('130', 'B', { choices })).toBe(true);
    expect(answersEqual('B', 'B. 130°', { choices })).toBe(true);
    expect(answersEqual('B', '(C) 140', { choices })).toBe(false);
  });
});

describe('conformance', () => {
  it('agrees with every answer_correct of the dev set', () => {
    const rows = readFileSync(DEV, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const r of rows) expect(checkAnswer(r.response, r.problem).correct, r.id).toBe(r.answer_correct);
  });
  it("agrees with ≥ 90% of Math-Verify's default-option expectations", () => {
    const rows = readFileSync(CASES, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => !r.note.startsWith('needs-option'));
    const agree = rows.filter((r) => compareAnswers(r.gold, r.pred).equal === r.equal).length;
    console.log(
      `Math-Verify conformance: ${agree}/${rows.length} (${((100 * agree) / rows.length).toFixed(1)}%)`,
    );
    expect(rows.length).toBe(250);
    expect(agree / rows.length).toBeGreaterThanOrEqual(0.9);
  });
});
