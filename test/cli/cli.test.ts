import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { CASES, DEV, captureIo, tmpFile } from '../helpers';

describe('cogtrace CLI', () => {
  it('annotate --json follows the contract, offsets into the response', async () => {
    const { io, o } = captureIo();
    expect(await main(['annotate', DEV, '--json'], io)).toBe(0);
    const lines = o.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const dev = readFileSync(DEV, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(30);
    for (const [i, l] of lines.entries()) {
      expect(Object.keys(l)).toEqual(['id', 'steps', 'answer']);
      expect(l.id).toBe(dev[i].id);
      // steps run in order inside the response; region markers such as <think> stay outside them
      expect(l.steps[0].start).toBeGreaterThanOrEqual(0);
      expect(l.steps[l.steps.length - 1].end).toBeLessThanOrEqual(dev[i].response.length);
      for (const s of l.steps) expect(dev[i].response.slice(s.start, s.end)).not.toContain('<think>');
      expect(Object.keys(l.answer).slice(0, 2)).toEqual(['extracted', 'correct']);
      expect(l.answer.correct).toBe(dev[i].answer_correct);
    }
    expect(lines.some((l) => l.steps.some((s: { behaviors: unknown[] }) => s.behaviors.length))).toBe(true);
  });
  it('annotate and stats on worker threads (--jobs) write what one thread writes, in input order', async () => {
    for (const args of [
      ['annotate', DEV, '--json'],
      ['annotate', DEV],
      ['stats', DEV, '--json'],
    ]) {
      const one = captureIo();
      expect(await main([...args, '--jobs', '1'], one.io)).toBe(0);
      const three = captureIo();
      expect(await main([...args, '--jobs', '3'], three.io)).toBe(0);
      expect(three.o.out).toBe(one.o.out);
      expect(one.o.out.length).toBeGreaterThan(100);
    }
    const bad = captureIo();
    expect(await main(['annotate', DEV, '--jobs', '0'], bad.io)).toBe(2);
    expect(bad.o.err).toMatch(/--jobs must be a positive integer/);
  });
  it('exits 1 with the error count after processing the rest, and 2 on usage errors', async () => {
    const f = tmpFile(
      'x.jsonl',
      '{"id":"a","problemId":"p","checkpoint":{"id":"rl","label":"rl","role":"rl"},"response":"ok then"}\n{oops\n',
    );
    const a = captureIo();
    expect(await main(['annotate', f], a.io)).toBe(1);
    expect(a.o.out).toMatch(/^a {2}steps=/);
    expect(a.o.err).toMatch(/x\.jsonl:2: \(line\): invalid JSON/);
    expect(a.o.err).toMatch(/1 input error/);
    const b = captureIo();
    expect(await main(['annotate'], b.io)).toBe(2);
    expect(await main(['frobnicate'], captureIo().io)).toBe(2);
  });
  it('answers writes one line per case in order', async () => {
    const { io, o } = captureIo();
    await main(['answers', CASES, '--json'], io);
    const n = readFileSync(CASES, 'utf8').trim().split('\n').length;
    const out = o.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(n);
    expect(out[0]).toHaveProperty('extracted');
    expect(o.err).toMatch(/agreement/);
  });
  it('validate, eval, diff and stats run on the dev set', async () => {
    for (const args of [
      ['validate', DEV],
      ['eval', '--labels', DEV],
      ['diff', DEV, '--problem', 'clock-01'],
      ['stats', DEV],
    ]) {
      const { io, o } = captureIo();
      expect(await main(args, io), args.join(' ')).toBe(0);
      expect(o.out.length).toBeGreaterThan(0);
    }
    const { io, o } = captureIo();
    await main(['stats', DEV, '--json'], io);
    expect(JSON.parse(o.out).paired[0].problems).toBe(15);
  });
});
