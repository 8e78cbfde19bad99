// Installs npm dependencies when node_modules is missing or older than the lockfile, so that
// `npm start` and `npm test` work on a fresh clone. onnxruntime-node must not download CUDA
// libraries at install time (no network for that here): ONNXRUNTIME_NODE_INSTALL=skip.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const stamp = 'node_modules/.package-lock.json';
const stale = !existsSync(stamp) || statSync('package-lock.json').mtimeMs > statSync(stamp).mtimeMs + 1000;
if (stale) {
  process.stderr.write('cogtrace: installing npm dependencies…\n');
  execSync('npm ci --no-audit --no-fund', {
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}
