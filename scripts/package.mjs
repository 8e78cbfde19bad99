// `npm run package`: writes cogtrace-<version>.vsix carrying only the native binaries linux-x64
// needs (see .vscodeignore), and reports its size.
import { execFileSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const out = join(repo, `cogtrace-${version}.vsix`);
execFileSync(
  'npx',
  ['vsce', 'package', '--target', 'linux-x64', '--allow-missing-repository', '--skip-license', '-o', out],
  { cwd: repo, stdio: 'inherit' },
);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MB`);
