import { describe, expect, it } from 'vitest';
import { loadProblems } from '../../src/core/files/problems';
import { loadTraces } from '../../src/core/files/traces';
import { formatIssue } from '../../src/core/issues';
import { DEV, tmpFile } from '../helpers';

const good = (id: string) =>
  JSON.stringify({
    id,
    problemId: 'p1',
    checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
    response: `<think>ok ${id}</think> \\boxed{1}`,
  });

describe('trace files: malformed-input corpus', () => {
  it('reports a truncated line, wrong types and a missing response, and keeps the good lines', async () => {
    const f = tmpFile(
      't.jsonl',
      [
        good('a'),
        good('b').slice(0, 30),
        JSON.stringify({
          id: 'c',
          problemId: 5,
          checkpoint: { id: 'x', label: 'x', role: 'rl' },
          response: 'r',
        }),
        JSON.stringify({ problem_id: 'd', checkpoint: 'rl' }),
        good('e'),
      ].join('\n'),
    );
    const { items, issues } = await loadTraces(f);
    expect(items.map((t) => t.id)).toEqual(['a', 'e']);
    const msgs = issues.map(formatIssue);
    expect(msgs[0]).toMatch(/t\.jsonl:2: \(line\): invalid JSON/);
    expect(msgs[1]).toMatch(/t\.jsonl:3: problemId: /);
    expect(msgs[2]).toMatch(/t\.jsonl:4: response: missing/);
  });
  it('skips invalid UTF-8 lines with an error and loads the rest', async () => {
    const f = tmpFile(
      'u.jsonl',
      Buffer.concat([
        Buffer.from(good('a') + '\n'),
        Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
        Buffer.from(good('b') + '\n'),
      ]),
    );
    const { items, issues } = await loadTraces(f);
    expect(items.map((t) => t.id)).toEqual(['a', 'b']);
    expect(formatIssue(issues[0]!)).toMatch(/u\.jsonl:2: \(line\): invalid UTF-8/);
  });
  it('accepts a BOM and CRLF line ends', async () => {
    const f = tmpFile('b.jsonl', '\ufeff' + good('a') + '\r\n' + good('b') + '\r\n');
    const { items, issues } = await loadTraces(f);
    expect(issues).toEqual([]);
    expect(items.map((t) => t.id)).toEqual(['a', 'b']);
    expect(items[1]!.response.endsWith('\r')).toBe(false);
  });
  it('reads a 10 MB single line', async () => {
    const big = JSON.stringify({
      id: 'big',
      problemId: 'p',
      checkpoint: { id: 'rl', label: 'rl', role: 'rl' },
      response: 'Wait. '.repeat((10 * 1024 * 1024) / 6),
    });
    const f = tmpFile('big.jsonl', good('a') + '\n' + big + '\n' + good('b'));
    const { items, issues } = await loadTraces(f);
    expect(issues).toEqual([]);
    expect(items.map((t) => t.id)).toEqual(['a', 'big', 'b']);
    expect(items[1]!.response.length).toBeGreaterThan(10_000_000);
  });
  it('an empty file is empty, not an error; an empty text response is', async () => {
    expect(await loadTraces(tmpFile('e.jsonl', ''))).toEqual({ items: [], issues: [] });
    const r = await loadTraces(tmpFile('e.txt', ''));
    expect(formatIssue(r.issues[0]!)).toMatch(/e\.txt:1: response: empty file/);
  });
});

describe('trace formats', () => {
  it('reads the labelled dev set', async () => {
    const { items, issues } = await loadTraces(DEV);
    expect(issues).toEqual([]);
    expect(items).toHaveLength(30);
    expect(items[0]!.checkpoint.role).toBe('cold-start');
    expect(items[0]!.problem?.answer).toBe('B');
    expect(items[0]!.labels?.length).toBeGreaterThan(0);
  });
  it('reads a plain .md response, an OpenAI chat completion and verl/OpenRLHF rollouts', async () => {
    const md = await loadTraces(tmpFile('run-7.md', '<think>x</think> \\boxed{2}'));
    expect(md.items[0]!.id).toBe('run-7');
    const chat = await loadTraces(
      tmpFile(
        'c.json',
        JSON.stringify({
          id: 'cmpl-1',
          object: 'chat.completion',
          model: 'ovr-rl',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'A: \\boxed{3}', reasoning_content: 'think hard' },
            },
          ],
        }),
      ),
    );
    expect(chat.items[0]!.response).toContain('<think>\nthink hard\n</think>');
    expect(chat.items[0]!.checkpoint.role).toBe('rl');
    const roll = await loadTraces(
      tmpFile(
        'r.jsonl',
        [
          JSON.stringify({
            prompt: 'What is 1+1?',
            response: '\\boxed{2}',
            reward: 1,
            global_step: 200,
            ground_truth: '2',
          }),
          JSON.stringify({ prompt: [{ role: 'user', content: 'Q2' }], output: 'x', score: 0 }),
        ].join('\n'),
      ),
    );
    expect(roll.issues).toEqual([]);
    expect(roll.items[0]!.checkpoint).toMatchObject({ id: 'step-200', step: 200 });
    expect(roll.items[0]!.problem?.answer).toBe('2');
    expect(roll.items[1]!.reward).toBe(0);
  });
});

describe('problem files', () => {
  it('reads MathVista testmini (object keyed by pid) with relative images', async () => {
    const f = tmpFile(
      'testmini.json',
      JSON.stringify(
        {
          '1': {
            pid: '1',
            question: 'Q?',
            image: 'images/1.jpg',
            choices: null,
            answer: '5',
            question_type: 'free_form',
          },
          '2': { pid: '2', question: 7 },
        },
        null,
        2,
      ),
    );
    const { items, issues } = await loadProblems(f);
    expect(items).toHaveLength(1);
    expect(items[0]!.image).toMatch(/\/images\/1\.jpg$/);
    expect(items[0]!.meta.question_type).toBe('free_form');
    expect(formatIssue(issues[0]!)).toMatch(/testmini\.json:\d+: 2\.question: /);
  });
  it('reads MathVision (options) JSONL, YAML and arrays', async () => {
    const j = await loadProblems(
      tmpFile(
        'mv.jsonl',
        JSON.stringify({ id: 3, question: 'Q', options: ['1', '2'], answer: 'B', image: 'a.png' }) +
          '\n{bad\n',
      ),
    );
    expect(j.items[0]).toMatchObject({ id: '3', choices: ['1', '2'], answer: 'B' });
    expect(formatIssue(j.issues[0]!)).toMatch(/mv\.jsonl:2: \(line\): invalid JSON/);
    const y = await loadProblems(tmpFile('p.yaml', '- id: a\n  question: What?\n  answer: 3\n'));
    expect(y.items[0]).toMatchObject({ id: 'a', answer: '3' });
    const arr = await loadProblems(
      tmpFile('p.json', '[\n {"id": "x", "question": "q"},\n {"id": "", "question": "q"}\n]'),
    );
    expect(arr.items).toHaveLength(1);
    expect(formatIssue(arr.issues[0]!)).toBe(`${arr.issues[0]!.file}:3: [1].id: ${arr.issues[0]!.message}`);
  });
});
