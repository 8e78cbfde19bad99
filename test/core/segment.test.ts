import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { segment } from '../../src/core/segment';

const texts = (s: string) => segment(s).map((x) => s.slice(x.start, x.end));

function assertCover(s: string) {
  const steps = segment(s);
  if (s.length === 0) {
    expect(steps).toEqual([]);
    return true;
  }
  expect(steps[0]!.start).toBe(0);
  expect(steps[steps.length - 1]!.end).toBe(s.length);
  for (let i = 1; i < steps.length; i++) expect(steps[i]!.start).toBe(steps[i - 1]!.end);
  for (const st of steps) expect(st.end).toBeGreaterThan(st.start);
  return true;
}

describe('segment', () => {
  it('covers arbitrary strings in order with no gap or overlap', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => assertCover(s)),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => assertCover(s)),
      { numRuns: 300 },
    );
  });

  it('covers trace-like strings built from tricky pieces', () => {
    const piece = fc.constantFrom(
      '<think>',
      '</think>',
      'Wait, ',
      '$x. Y$',
      '$$',
      '\\[',
      '\\]',
      '\\(',
      '\\)',
      '```',
      '\n',
      '\n\n',
      '. ',
      'e.g. ',
      '3.14',
      '1. ',
      'Hmm. ',
      'The answer is \\boxed{4}.',
      '\\begin{align}',
      '\\end{align}',
      'A',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => assertCover(parts.join(''))),
      { numRuns: 500 },
    );
  });

  it('splits at sentence ends, blank lines and regions', () => {
    const s =
      '<think>\nFirst I add the numbers together. Then I divide the total.\n\nThe sum is 12 overall.\n</think>\n\nAnswer: \\boxed{12}';
    const steps = segment(s);
    expect(texts(s)).toEqual([
      '<think>\nFirst I add the numbers together. ',
      'Then I divide the total.\n\n',
      'The sum is 12 overall.\n</think>\n\n',
      'Answer: \\boxed{12}',
    ]);
    expect(steps.map((x) => x.region)).toEqual(['think', 'think', 'think', 'answer']);
  });

  it('never splits inside LaTeX, code fences, decimals, abbreviations or list markers', () => {
    const s =
      'We use $a. B$ here and \\(x. Y\\) too and then we stop. ' +
      'The value 3.14 is pi, e.g. The circle, and Fig. 3 shows it. ' +
      '$$\\frac{1}{2}. Then$$ holds as written here.\n\n' +
      '```\nprint(1). Next()\n```\n' +
      '1. First item is long enough\n2. Second item is long enough';
    const t = texts(s);
    expect(t.some((x) => x.includes('$a. B$') && x.includes('\\(x. Y\\)'))).toBe(true);
    expect(t.some((x) => x.includes('3.14 is pi, e.g. The circle, and Fig. 3 shows it.'))).toBe(true);
    expect(t.some((x) => x.includes('\\frac{1}{2}. Then$$'))).toBe(true);
    expect(t.some((x) => x.includes('print(1). Next()'))).toBe(true);
    expect(t.some((x) => x.startsWith('1. First item'))).toBe(true);
    expect(t.some((x) => x.startsWith('2. Second item'))).toBe(true);
  });

  it('starts a new step at a discourse cue inside a sentence', () => {
    const t = texts('So the total is 5 apples in the basket, wait, that ignores the two on the table. Fine.');
    expect(t.some((x) => x.startsWith('wait, that ignores'))).toBe(true);
  });

  it('merges tiny fragments into the thought they introduce', () => {
    const t = texts('The slope is two. Hmm. Let me double-check the slope value.');
    expect(t).toContain('Hmm. Let me double-check the slope value.');
  });

  it('handles an unterminated think block and a response without tags', () => {
    expect(segment('<think>\nstill thinking about it when cut off').every((x) => x.region === 'think')).toBe(
      true,
    );
    const plain = segment('Count the dots in the figure first.\nAnswer: 12');
    expect(plain[plain.length - 1]!.region).toBe('answer');
  });
});
