// The detector on phrasings written for it and in none of the labelled sets (test/fixtures/phrasings.tsv):
// each positive found, each look-alike left alone, and the keyword prefilter losing nothing on them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/core/annotate';
import { defaultDetector } from '../../src/core/behaviors/combined';
import { type BehaviorDetector, RuleDetector } from '../../src/core/behaviors/detector';
import { BEHAVIOR_IDS } from '../../src/core/schema';
import { segment } from '../../src/core/segment';
import { MID_TRACE_OPENER, traceOf } from '../helpers';

interface Phrasing {
  kind: 'found' | 'not' | 'known miss';
  behavior: string;
  text: string;
}
const rows: Phrasing[] = readFileSync(join(__dirname, '..', 'fixtures', 'phrasings.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [head = '', text = ''] = l.split('\t');
    const kind = head.startsWith('!') ? 'not' : head.startsWith('?') ? 'known miss' : 'found';
    // `\n` in a row stands for a line break: rows with several paragraphs test context across steps
    return { kind, behavior: head.replace(/^[!?]/, ''), text: text.replace(/\\n/g, '\n') };
  });
// a row is a sentence from the middle of a trace: MID_TRACE_OPENER goes first
const response = (text: string) => `<think>\n${MID_TRACE_OPENER}${text}\n</think>\n\\boxed{1}`;
const RULES = new RuleDetector();
const found = (text: string, detector: BehaviorDetector = RULES) =>
  new Set(
    annotate(traceOf(response(text)), { detector }).steps.flatMap((s) =>
      s.behaviors.map((b) => b.id as string),
    ),
  );

describe('phrasings written for the detector (test/fixtures/phrasings.tsv)', () => {
  it('has well-formed rows for every behavior', () => {
    for (const r of rows) expect(BEHAVIOR_IDS as readonly string[], r.text).toContain(r.behavior);
    for (const b of BEHAVIOR_IDS)
      expect(
        rows.some((r) => r.behavior === b && r.kind === 'found'),
        b,
      ).toBe(true);
  });
  it.each(rows.filter((r) => r.kind === 'found').map((r) => [r.behavior, r.text]))(
    'finds %s in: %s',
    (behavior, text) => expect(found(text)).toContain(behavior),
  );
  it.each(rows.filter((r) => r.kind === 'not').map((r) => [r.behavior, r.text]))(
    'does not take a look-alike for %s: %s',
    (behavior, text) => expect(found(text)).not.toContain(behavior),
  );
  it('loses nothing to the keyword prefilter on any row', () => {
    const withPrefilter = new RuleDetector();
    const without = new RuleDetector(undefined, false);
    for (const r of rows) {
      const text = response(r.text);
      const steps = segment(text);
      expect(withPrefilter.detect({ response: text, steps }), r.text).toEqual(
        without.detect({ response: text, steps }),
      );
    }
  });
  it('reports the known misses', () => {
    const misses = rows.filter((r) => r.kind === 'known miss');
    const nowFound = misses.filter((r) => found(r.text).has(r.behavior));
    console.log(`phrasings: ${misses.length} known misses, ${nowFound.length} of them found now`);
    expect(misses.length).toBeLessThan(rows.length / 10);
  });
  it('the default detector (rules + learned fill) keeps every rule hit and takes at most 1% of the look-alikes', () => {
    const detector = defaultDetector();
    const taken: string[] = [];
    let gained = 0;
    for (const r of rows) {
      const rules = found(r.text);
      const both = found(r.text, detector);
      for (const b of rules) expect(both, r.text).toContain(b);
      if (r.kind === 'not' && both.has(r.behavior)) taken.push(`${r.behavior}: ${r.text}`);
      if (r.kind === 'known miss' && both.has(r.behavior) && !rules.has(r.behavior)) gained++;
    }
    const lookAlikes = rows.filter((r) => r.kind === 'not').length;
    console.log(
      `phrasings, default detector: ${taken.length} of ${lookAlikes} look-alikes taken by the learned fill, ${gained} known misses found\n  ${taken.join('\n  ')}`,
    );
    expect(taken.length).toBeLessThanOrEqual(lookAlikes / 100);
  });
});
