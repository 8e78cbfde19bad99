// Refits the shipped lexical model (src/core/behaviors/default-model.json) from ../shared/data.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outfile = join(root, 'dist', 'fit-default-model.cjs');
await build({
  entryPoints: [join(root, 'test', 'support', 'fit-default-model.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  logLevel: 'error',
  loader: { '.json': 'json' },
});
const { main } = await import(outfile);
console.log('wrote', await main(root));
rmSync(outfile);
