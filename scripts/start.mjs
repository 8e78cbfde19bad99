// `npm start`: a real VS Code workbench (code-server) with Cogtrace and the sample workspace, on
// 127.0.0.1. Prints the URL; Ctrl-C stops it.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const repo = resolve(import.meta.dirname, '..');
// the workbench harness shared with the end-to-end tests, built by `npm run build`
const { prepareWorkbench, startCodeServer } = createRequire(import.meta.url)(
  join(repo, 'dist', 'tests', 'workbench.js'),
);
const workspace = join(repo, 'test-output', 'e2e', 'workspace');
const { report } = prepareWorkbench({
  theme: process.env.COGTRACE_THEME ?? 'Default Dark Modern',
  workspace,
});
mkdirSync(workspace, { recursive: true });
if (!existsSync(join(workspace, 'ovr-sample.trace.jsonl')))
  cpSync(join(repo, 'sample'), workspace, { recursive: true });
const port = Number(process.env.PORT ?? 8765);
const server = await startCodeServer({ workspace, report, port });
console.log(
  `\nCogtrace is running in VS Code at ${server.url}\nOpen ovr-sample.trace.jsonl in the Explorer. Ctrl-C to stop.\n`,
);
const stop = () => {
  server.proc.kill();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.proc.on('exit', (code) => {
  console.error(`code-server exited (${code})\n${server.log().slice(-2000)}`);
  process.exit(1);
});
