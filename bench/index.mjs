// `npm run bench`: prints figures and ratios against their targets. A benchmark, not a test.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'dist');
const sections = [
  ['core', 'bench-core.js', 'coreBench'],
  ['runner', 'bench-runner.js', 'runnerBench'],
  ['extension', 'bench-extension.js', 'extensionBench'],
  ['bigfile', 'bench-bigfile.js', 'bigFileBench'],
];
const only = process.argv[2];
for (const [name, file, fn] of sections) {
  if (only && only !== name) continue;
  const path = join(dist, file);
  if (!existsSync(path)) continue;
  console.log(`\n== ${name}`);
  const { [fn]: run } = await import(path);
  for (const l of await run()) {
    const v = Number.isFinite(l.value) ? (l.value >= 100 ? l.value.toFixed(0) : l.value.toFixed(2)) : 'n/a';
    const t = l.target ? `  target ${l.target} ${l.ok ? 'OK' : 'MISSED'}` : '';
    console.log(`${l.name.padEnd(78)} ${v.padStart(9)} ${l.unit}${t}`);
  }
}
