import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trace } from '../src/core/schema';

export const SHARED = join(__dirname, '..', '..', 'shared', 'data');
export const DEV = join(SHARED, 'behaviors-dev.jsonl');
export const CASES = join(SHARED, 'answer-cases.jsonl');

/**
 * A behavior-free opening sentence for sentences the detector tests take from the middle of a trace:
 * checks and corrections never start in the reasoning's opening sentence.
 */
export const MID_TRACE_OPENER = 'Okay.\n';

/** A complete trace of one response (id t, problem p, checkpoint rl). */
export const traceOf = (response: string): Trace => ({
  schemaVersion: 1,
  id: 't',
  problemId: 'p',
  checkpoint: { id: 'rl', label: 'rl', role: 'rl' },
  response,
  status: 'complete',
});

export function tmpDir(): string {
  return mkdtempSync(join(tmpdir(), 'cogtrace-test-'));
}

export function tmpFile(name: string, content: string | Buffer): string {
  const p = join(tmpDir(), name);
  writeFileSync(p, content);
  return p;
}

export function captureIo() {
  const o = { out: '', err: '' };
  return {
    io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s), isTTY: false },
    o,
  };
}
