// The rule detector's sentence helper: which text a sentence-scoped rule reads around a match — its
// own sentence and the next, where a list item is a new thought but a list after a sentence of
// plain text is that sentence's content.
import { describe, expect, it } from 'vitest';
import { sentenceAround, sentenceBounds } from '../../src/core/behaviors/sentences';

const around = (text: string, needle: string, following = 1) => {
  const at = text.indexOf(needle);
  return sentenceAround(text, at, at + needle.length, following);
};

describe('sentenceAround', () => {
  it('reads the sentence of the match and the next one', () => {
    const text = 'The bars are drawn. Let me check the third bar. It sits at 12. The fourth is 9.';
    expect(around(text, 'check')).toBe(' Let me check the third bar. It sits at 12.');
    expect(around(text, 'check', 0)).toBe(' Let me check the third bar.');
  });

  it('reads the first item of a list that follows a sentence of plain text', () => {
    const text =
      'Let me double check the left side.\n\n- Left foreground: White car [0, 479, 73, 701]\n- Behind it: a sedan';
    expect(around(text, 'double check')).toBe(
      'Let me double check the left side.\n\n- Left foreground: White car [0, 479, 73, 701]\n',
    );
  });

  it('does not read past the end of a list item into the next one', () => {
    const text = '- Let me check the left side.\n- The image shows a car.';
    expect(around(text, 'check')).toBe('- Let me check the left side.');
  });

  it('does not end a sentence at a decimal point or an abbreviation', () => {
    const text =
      'Let me make sure I have it right, since series vs. parallel matters. Tracing the wire from A, R = 2.5 ohms. Done.';
    expect(around(text, 'make sure')).toBe(
      'Let me make sure I have it right, since series vs. parallel matters. Tracing the wire from A, R = 2.5 ohms.',
    );
    expect(around('Area 14.5 cm. Check: e.g. 14.5 = 29/2. Next.', 'Check')).toBe(
      ' Check: e.g. 14.5 = 29/2. Next.',
    );
  });

  it('reads sentences before the match when asked, never past the start of the text', () => {
    const text = 'One. Two. Three. Let me check it. Five.';
    const at = text.indexOf('check');
    const [a, b] = sentenceBounds(text, at, at + 5, 0, 2);
    expect(text.slice(a, b)).toBe(' Two. Three. Let me check it.');
    const [a2] = sentenceBounds(text, at, at + 5, 0, 9);
    expect(a2).toBe(0);
  });

  it('gives the same span as sentenceBounds, which never runs past the text', () => {
    const text = 'First. Let me check it';
    const at = text.indexOf('check');
    const [a, b] = sentenceBounds(text, at, at + 5, 2);
    expect(text.slice(a, b)).toBe(sentenceAround(text, at, at + 5, 2));
    expect(b).toBe(text.length);
  });
});
