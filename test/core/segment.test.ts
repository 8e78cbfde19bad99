import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanRegions } from '../../src/core/regions';
import { segment, type StepMode } from '../../src/core/segment';

const texts = (s: string, mode: StepMode = 'sentence') =>
  segment(s, { mode }).map((x) => s.slice(x.start, x.end));

/** Steps are ordered, never overlap, and cover every non-space character outside the markers. */
function assertCover(s: string) {
  for (const mode of ['sentence', 'paragraph'] as const) {
    const steps = segment(s, { mode });
    const covered = new Uint8Array(s.length);
    for (const m of scanRegions(s).markers) covered.fill(2, m.start, m.end);
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i]!;
      expect(st.end).toBeGreaterThan(st.start);
      if (i) expect(st.start).toBeGreaterThanOrEqual(steps[i - 1]!.end);
      for (let k = st.start; k < st.end; k++) {
        expect(covered[k]).toBe(0); // no marker inside a step, no overlap
        covered[k] = 1;
      }
    }
    for (let k = 0; k < s.length; k++) if (covered[k] === 0) expect(s[k]!.trim()).toBe('');
  }
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
    const steps = segment(s, { mode: 'sentence' });
    expect(texts(s)).toEqual([
      '\nFirst I add the numbers together. ',
      'Then I divide the total.\n\n',
      'The sum is 12 overall.\n',
      '\n\nAnswer: \\boxed{12}',
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
