// cogtrace validate <file>: reports every problem in a problem or trace file.
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadProblems } from '../../core/files/problems';
import { readTraces } from '../../core/files/traces';
import { type Io, IssueLog, UsageError } from '../io';

/** Problem files have questions and no responses; everything else is read as traces. */
async function looksLikeProblems(file: string): Promise<boolean> {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return true;
  if (ext === '.txt' || ext === '.md') return false;
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    return (
      !/"(response|output|completion|choices"\s*:\s*\[\s*\{\s*"(index|message))"/.test(head) &&
      /"(question|query|problem)"\s*:/.test(head)
    );
  } finally {
    await fh.close();
  }
}

export async function validateCommand(
  args: { positionals: string[]; json: boolean },
  io: Io,
): Promise<number> {
  const [file, ...rest] = args.positionals;
  if (!file || rest.length) throw new UsageError('validate takes one file');
  const issues = new IssueLog(io);
  let kind: 'problems' | 'traces';
  let ok = 0;
  if (await looksLikeProblems(file)) {
    kind = 'problems';
    const r = await loadProblems(file);
    r.issues.forEach(issues.report);
    ok = r.items.length;
  } else {
    kind = 'traces';
    for await (const _ of readTraces(file, { onIssue: issues.report })) ok++;
  }
  if (args.json) io.out(JSON.stringify({ file, kind, valid: ok, issues: issues.count }) + '\n');
  else
    io.out(
      `${file}: ${ok} valid ${kind === 'problems' ? 'problem' : 'trace'}(s), ${issues.count} issue(s)\n`,
    );
  return issues.count ? 1 : 0;
}
