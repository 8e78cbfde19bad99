// The export parity fixture (tools/export/parity): PyTorch's greedy tokens and first-step logits for
// two image + prompt pairs, and the check that a loaded runner reproduces them (CPU and WebGPU tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunnerClient } from '../../src/runner/client';

export const FIXTURE = join(__dirname, '..', 'fixtures', 'qwen25vl-tiny');

export interface ParityPair {
  image: string;
  system: string;
  question: string;
  input_ids: number[];
  greedy_tokens: number[];
  first_logits: number[];
}
export const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  tolerance: number;
  max_new_tokens: number;
  pairs: ParityPair[];
};

export const maxDiff = (a: number[], b: number[]) =>
  a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

/** Every pair through a client that has the fixture loaded: same tokens, logits within tolerance. */
export async function checkParity(c: RunnerClient, label: string) {
  for (const p of expected.pairs) {
    const r = await c.generate({
      system: p.system,
      user: p.question,
      image: join(FIXTURE, p.image),
      params: { temperature: 0, topP: 1, maxTokens: expected.max_new_tokens },
      wantFirstLogits: true,
    }).result;
    expect(r.tokenIds, p.image).toEqual(p.greedy_tokens);
    expect(r.firstLogits).toHaveLength(p.first_logits.length);
    const d = maxDiff(r.firstLogits!, p.first_logits);
    console.log(
      `parity ${label} ${p.image}: ${r.tokenIds.length} greedy tokens match; max |Δlogit| = ${d.toExponential(2)}`,
    );
    expect(d).toBeLessThan(expected.tolerance);
  }
}
