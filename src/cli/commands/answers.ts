// cogtrace answers <cases.jsonl> [--json]: one {"extracted", "equal"} line per {"gold", "pred", "choices"?} line.
import { compareAnswers } from '../../core/answers';
import { readLines } from '../../core/files/lines';
import { type Io, IssueLog, UsageError, pct } from '../io';

export async function answersCommand(
  args: { positionals: string[]; json: boolean },
  io: Io,
): Promise<number> {
  const [file, ...rest] = args.positionals;
  if (!file || rest.length) throw new UsageError('answers takes one cases file');
  const issues = new IssueLog(io);
  let agree = 0;
  let judged = 0;
  for await (const l of readLines(file)) {
    if (!l.text.trim()) continue;
    let o: { gold?: unknown; pred?: unknown; choices?: unknown; equal?: unknown };
    try {
      o = JSON.parse(l.text);
    } catch (e) {
      issues.report({
        file,
        line: l.line,
        field: '(line)',
        message: `invalid JSON: ${(e as Error).message}`,
      });
      if (args.json) io.out(JSON.stringify({ extracted: null, equal: false, error: 'invalid JSON' }) + '\n');
      continue;
    }
    const bad = typeof o.gold !== 'string' ? 'gold' : typeof o.pred !== 'string' ? 'pred' : null;
    if (bad) {
      issues.report({ file, line: l.line, field: bad, message: 'expected a string' });
      // keep one output line per input line so callers can zip results with cases
      if (args.json)
        io.out(JSON.stringify({ extracted: null, equal: false, error: `${bad}: expected a string` }) + '\n');
      continue;
    }
    const choices = Array.isArray(o.choices) ? o.choices.map(String) : undefined;
    const r = compareAnswers(o.gold as string, o.pred as string, choices);
    if (typeof o.equal === 'boolean') {
      judged++;
      if (o.equal === r.equal) agree++;
    }
    if (args.json) io.out(JSON.stringify(r) + '\n');
    else
      io.out(
        `${String(l.line).padStart(5)}  ${r.equal ? 'equal    ' : 'different'}  ${JSON.stringify(r.extracted)}\n`,
      );
  }
  if (judged) io.err(`agreement with "equal": ${agree}/${judged} (${pct(agree / judged)})\n`);
  return issues.count ? 1 : 0;
}
