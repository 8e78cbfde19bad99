// `cogtrace agree`: Cohen's kappa per behavior between two reviewers' label files, trace and span
// level, and the disagreements listed, on files written as the review mode writes them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { cohenKappa } from '../../src/core/review/agree';

const response =
  'Step one: look at the bar chart.\n\nWait, the second bar is taller.\n\nLet me verify: 5 > 3.\n\n\\boxed{B}';
const line = (id: string, labels: { behavior: string; quote: string }[]) =>
  JSON.stringify({ id, problem_id: id, checkpoint: 'rl', response, labels });

function run(args: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  return main(args, io).then((code) => ({
    code,
    out,
    err,
  }));
}

describe('cogtrace agree', () => {
  it('computes kappa: perfect, chance-level and undefined agreement', () => {
    expect(
      cohenKappa([
        [true, true],
        [false, false],
        [true, true],
        [false, false],
      ]).kappa,
    ).toBe(1);
    expect(
      cohenKappa([
        [true, false],
        [false, true],
        [true, true],
        [false, false],
      ]).kappa,
    ).toBe(0);
    expect(
      cohenKappa([
        [false, false],
        [false, false],
      ]).kappa,
    ).toBeNull();
    expect(cohenKappa([]).n).toBe(0);
  });

  it('compares two reviewers per behavior and lists where they differ', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cogtrace-agree-'));
    const a = join(dir, 'ana.labels.jsonl');
    const b = join(dir, 'ben.labels.jsonl');
    writeFileSync(
      a,
      [
        line('t1', [
          { behavior: 'backtracking', quote: 'Wait, the second bar is taller.' },
          { behavior: 'verification', quote: 'Let me verify: 5 > 3.' },
        ]),
        line('t2', [{ behavior: 'verification', quote: 'Let me verify: 5 > 3.' }]),
        line('t3', []),
      ].join('\n') + '\n',
    );
    writeFileSync(
      b,
      [
        line('t1', [
          { behavior: 'visual_reflection', quote: 'Wait, the second bar is taller.' },
          { behavior: 'verification', quote: 'Let me verify: 5 > 3.' },
        ]),
        line('t2', [{ behavior: 'verification', quote: 'Let me verify: 5 > 3.' }]),
        line('t4', []),
      ].join('\n') + '\n',
    );
    const r = await run(['agree', a, b, '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ traces: 2, onlyA: 1, onlyB: 1 });
    const row = (beh: string) => rep.rows.find((x: { behavior: string }) => x.behavior === beh);
    expect(row('verification').trace.kappa).toBeNull(); // both said yes on both traces: nothing to tell
    expect(row('verification').span.kappa).toBe(1);
    expect(row('backtracking').trace.agreement).toBe(0.5);
    expect(rep.disagreements).toContainEqual(
      expect.objectContaining({
        trace: 't1',
        behavior: 'backtracking',
        level: 'span',
        step: 2,
        a: true,
        b: false,
      }),
    );
    expect(rep.disagreements).toContainEqual(
      expect.objectContaining({
        trace: 't1',
        behavior: 'visual_reflection',
        level: 'trace',
        a: false,
        b: true,
      }),
    );
    const text = await run(['agree', a, b]);
    expect(text.out).toMatch(/2 traces in both/);
    expect(text.out).toMatch(/backtracking\s+0\.000/);
    expect((await run(['agree', a])).code).toBe(2);
  });
});
