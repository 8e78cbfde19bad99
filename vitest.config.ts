import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { vscode: fileURLToPath(new URL('./test/vscode-mock.ts', import.meta.url)) } },
  test: {
    include: ['test/{core,cli,runner,extension,webview}/**/*.test.ts'],
    testTimeout: 60_000,
    // suites that build dist/ first (the host loads engine.js, workers cli-worker.js) on a busy machine
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
