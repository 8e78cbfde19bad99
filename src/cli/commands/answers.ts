// cogtrace answers <cases.jsonl> [--json]: one {"extracted", "equal"} line per {"gold", "pred", "choices"?} line.
import { compareAnswers } from '../../core/answers';
import { readJsonLines } from '../../core/files/lines';
import type { InputIssue } from '../../core/issues';
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
  const report = (i: InputIssue) => {
    issues.report(i);
    // keep one output line per input line so callers can zip results with cases
    if (args.json)
      io.out(JSON.stringify({ extracted: null, equal: false, error: `${i.field}: ${i.message}` }) + '\n');
  };
  for await (const { line, value } of readJsonLines(file, report)) {
    const o = (value ?? {}) as { gold?: unknown; pred?: unknown; choices?: unknown; equal?: unknown };
    const bad = typeof o.gold !== 'string' ? 'gold' : typeof o.pred !== 'string' ? 'pred' : null;
    if (bad) {
      report({ file, line, field: bad, message: 'expected a string' });
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
        `${String(line).padStart(5)}  ${r.equal ? 'equal    ' : 'different'}  ${JSON.stringify(r.extracted)}\n`,
      );
  }
  if (judged) io.err(`agreement with "equal": ${agree}/${judged} (${pct(agree / judged)})\n`);
  return issues.count ? 1 : 0;
}
