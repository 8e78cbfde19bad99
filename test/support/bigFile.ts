// Generated rollout dumps for the big-file bench and end-to-end test: the sample file's 30 real-shaped
// traces (LaTeX, cues, boxed answers) repeated with a new id, problem (5,000 of them) and
// checkpoint per line, like a verl/OpenRLHF dump of many steps. Deterministic; nothing committed.
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLE = join(__dirname, '..', '..', 'sample', 'ovr-sample.trace.jsonl');

function templates(repo?: string): Record<string, unknown>[] {
  const file = repo ? join(repo, 'sample', 'ovr-sample.trace.jsonl') : SAMPLE;
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Line `i` of a generated dump. */
export function dumpLine(t: Record<string, unknown>[], i: number): string {
  const base = t[i % t.length]!;
  const rl = i % 2 === 1;
  const problem = (base.problem ?? {}) as Record<string, unknown>;
  return JSON.stringify({
    ...base,
    id: `rollout-${i}`,
    problemId: `q${i % 5000}`,
    checkpoint: {
      id: rl ? 'rl' : 'cold-start',
      label: rl ? 'RL' : 'Cold-start',
      role: rl ? 'rl' : 'cold-start',
      step: rl ? 1000 : 0,
    },
    problem: { ...problem, id: `q${i % 5000}` },
  });
}

/** Writes a dump of at least `bytes` bytes; returns its size and line count. */
export async function writeDump(
  file: string,
  bytes: number,
  repo?: string,
): Promise<{ size: number; lines: number }> {
  const t = templates(repo);
  const ws = createWriteStream(file, { highWaterMark: 1 << 22 });
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const batch: string[] = [];
    for (let k = 0; k < 2000 && size < bytes; k++, i++) {
      const l = dumpLine(t, i) + '\n';
      size += Buffer.byteLength(l);
      batch.push(l);
    }
    if (!ws.write(batch.join(''))) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
  return { size, lines: i };
}

export { templates as dumpTemplates };
