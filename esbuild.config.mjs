// One build, several bundles: the CLI, the extension host, the model runner child process, and the
// browser webview. Native and model libraries stay external (loaded from node_modules at run time).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
// test support (the fake model generator) is built only on request: `npm run fixture:fake-model`
const fixtures = process.argv.includes('--fixtures');
const external = [
  'vscode',
  'onnxruntime-node',
  'onnxruntime-web',
  'sharp',
  '@huggingface/transformers',
  'playwright-core',
];
/**
 * The symbolic math engine (4.5 MB, most of every bundle that checks answers) is a bundle of its
 * own, required on first use: a CLI command or a worker thread that never compares expressions
 * does not compile it (~0.2 s each).
 */
const computeEngineApart = (from) => ({
  name: 'compute-engine-apart',
  setup(b) {
    b.onResolve({ filter: /^@cortex-js\/compute-engine$/ }, () => ({
      path: `${from}compute-engine.js`,
      external: true,
    }));
  },
});
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  plugins: [computeEngineApart('./')],
};

const builds = [
  {
    ...node,
    plugins: [],
    entryPoints: { 'compute-engine': 'src/core/answers/computeEngineBundle.ts' },
    outdir: 'dist',
  },
  { ...node, entryPoints: { cli: 'src/cli/main.ts', 'cli-worker': 'src/cli/worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { engine: 'src/extension/engine.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'runner-child': 'src/runner/child.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'bench-core': 'bench/core.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'bench-runner': 'bench/runner.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'bench-extension': 'bench/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'bench-gpu': 'bench/gpu.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'bench-bigfile': 'bench/bigfile.ts' }, outdir: 'dist' },
  // the workbench harness: end-to-end tests and `npm start`
  {
    ...node,
    entryPoints: { 'tests/e2e': 'test/e2e/run.ts', 'tests/workbench': 'test/e2e/workbench.ts' },
    outdir: 'dist',
    plugins: [computeEngineApart('../')],
  },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    entryPoints: {
      webview: 'src/webview/main.ts',
      diffview: 'src/webview/diff/main.ts',
      statsview: 'src/webview/stats/main.ts',
    },
    outdir: 'dist',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    logLevel: 'warning',
  },
];

if (fixtures)
  builds.push({
    ...node,
    entryPoints: { 'fixtures/fake-model': 'test/support/fake-model/cli.ts' },
    outdir: 'dist',
    plugins: [computeEngineApart('../')],
  });

mkdirSync('dist/media', { recursive: true });
cpSync('node_modules/katex/dist/katex.min.css', 'dist/media/katex.min.css');
cpSync('node_modules/katex/dist/fonts', 'dist/media/fonts', { recursive: true });
cpSync('media', 'dist/media', { recursive: true });

const existing = builds.filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
}
