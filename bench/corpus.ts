// Generates realistic trace text for benchmarks: paragraphs recombined from the labelled dev set
// (LaTeX, cues, lists) with numbers varied, so every generated trace is different.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DEV = join(__dirname, '..', '..', 'shared', 'data', 'behaviors-dev.jsonl');

function paragraphs(): string[] {
  let rows: { response: string }[] = [];
  try {
    rows = readFileSync(DEV, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  } catch {
    // a profile on this text measures nothing real: say so (a copy of this file bundled elsewhere
    // resolves the shared data from the wrong folder)
    console.warn(
      `bench corpus: ${DEV} not found; using a one-paragraph stand-in, figures are not meaningful`,
    );
    rows = [
      {
        response:
          '<think>\nThe image shows a chart. Let me check: $2 + 2 = 4$.\n\nWait, that is wrong.\n</think>\n\\boxed{4}',
      },
    ];
  }
  return rows
    .flatMap((r) => r.response.replace(/<\/?think>/g, '').split(/\n\n+/))
    .filter((p) => p.trim().length > 20);
}

export function makeCorpus(seed = 1) {
  const paras = paragraphs();
  // mulberry32: a small PRNG with a full period (an ad-hoc one here fell into a short cycle)
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    /** One response with `n` paragraphs of reasoning. */
    response(n: number): string {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const p = paras[Math.floor(rand() * paras.length)]!;
        parts.push(p.replace(/\d+/g, (d) => String((Number(d) + Math.floor(rand() * 7)) % 997)));
      }
      return `<think>\n${parts.join('\n\n')}\n</think>\n\nSo the result follows.\n\nAnswer: \\boxed{${Math.floor(rand() * 100)}}`;
    },
    rand,
  };
}
