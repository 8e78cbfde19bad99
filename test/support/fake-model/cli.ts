// npm run fixture:fake-model -- <dir>: writes a fake Qwen2.5-VL folder to try `cogtrace run --model <dir>`.
import { resolve } from 'node:path';
import { writeFakeQwen25VL } from './build';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npm run fixture:fake-model -- <dir>\n');
  process.exit(2);
}
const out = writeFakeQwen25VL(resolve(dir));
process.stdout.write(`wrote a fake Qwen2.5-VL model to ${out}\n`);
