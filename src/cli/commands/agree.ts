// cogtrace agree a.labels.jsonl b.labels.jsonl: how far two reviewers agree, per behavior (Cohen's
// kappa, trace and span level), and the cases where they do not.
import { agree, type AgreeReport } from '../../core/review/agree';
import { type Io, UsageError, f3, table } from '../io';
import { loadLabelled } from './fit';

export async function agreeCommand(args: { positionals: string[]; json: boolean }, io: Io): Promise<number> {
  if (args.positionals.length !== 2) throw new UsageError('agree needs two label files: agree <a> <b>');
  const [fa, fb] = args.positionals as [string, string];
  const a = await loadLabelled([fa], io);
  const b = await loadLabelled([fb], io);
  const r = agree(a.traces, b.traces);
  if (args.json) io.out(JSON.stringify(r) + '\n');
  else io.out(formatAgree(r, fa, fb));
  return a.errors + b.errors ? 1 : 0;
}

const k = (x: number | null) => (x === null ? '—' : f3(x));

export function formatAgree(r: AgreeReport, fa: string, fb: string): string {
  const rows: (string | number)[][] = [['behavior', 'trace κ', 'agree', 'span κ', 'agree', 'steps']];
  for (const x of r.rows)
    rows.push([
      x.behavior,
      k(x.trace.kappa),
      f3(x.trace.agreement),
      k(x.span.kappa),
      f3(x.span.agreement),
      x.span.n,
    ]);
  const head = `${r.traces} traces in both (${r.onlyA} only in ${fa}, ${r.onlyB} only in ${fb})\n`;
  const shown = r.disagreements
    .slice(0, 40)
    .map(
      (d) =>
        `  ${d.trace}  ${d.behavior}  ${d.level === 'span' ? `step ${d.step}` : 'trace'}: ${d.a ? 'A' : 'B'} only${d.text ? `  “${d.text}”` : ''}`,
    );
  const more =
    r.disagreements.length > 40 ? [`  … ${r.disagreements.length - 40} more (--json lists all)`] : [];
  return `${head}${table(rows, ['l', 'r', 'r', 'r', 'r', 'r'])}\n\n${r.disagreements.length} disagreement(s)\n${[...shown, ...more].join('\n')}\n`;
}
