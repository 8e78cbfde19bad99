#!/usr/bin/env node
// The `cogtrace` command: a thin launcher for the bundled CLI.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('cogtrace: not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
// `cogtrace … | head` closes the pipe early: that is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
