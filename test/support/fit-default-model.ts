// Writes src/core/behaviors/default-model.json: the lexical model beside the rules, fitted on the
// tuning traces only (the held-out quarter of dev3 stays unseen). Deterministic: the unit test
// refits and compares. Run: node scripts/fit-default-model.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitDetector } from '../../src/core/behaviors/fit';
import { DEFAULT_MIN_CONFIDENCE } from '../../src/core/behaviors/hybrid';
import type { LearnedModelFile } from '../../src/core/behaviors/learned';
import { tuningTraces } from './splits';

export async function fitDefaultModel(shared: string): Promise<LearnedModelFile> {
  const traces = await tuningTraces(shared);
  const labels = traces.reduce((n, t) => n + (t.labels?.length ?? 0), 0);
  const model = fitDetector(
    traces,
    'cogtrace-lexical',
    `behaviors-dev, behaviors-dev2 and dev3 minus its held-out quarter: ${traces.length} traces, ${labels} labels`,
    { ruleFeatures: false, minCount: 3 },
  );
  return { ...model, unionMinConfidence: DEFAULT_MIN_CONFIDENCE };
}

export async function main(root: string) {
  const model = await fitDefaultModel(join(root, '..', 'shared', 'data'));
  const out = join(root, 'src', 'core', 'behaviors', 'default-model.json');
  writeFileSync(out, JSON.stringify(model) + '\n');
  return out;
}
