// The entry of dist/compute-engine.js: the symbolic math engine in a bundle of its own, which the
// answer checker requires on first use (esbuild.config.mjs sends its import here).
export { ComputeEngine } from '@cortex-js/compute-engine';
