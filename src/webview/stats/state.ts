// The statistics view's model: the per-problem table's filters (outcome pairs, behavior gained or
// lost between two checkpoints, free text), sorting, and the CSV export. No DOM: tested in
// test/webview/.
import { BEHAVIOR_IDS, behaviorLabel, type BehaviorIdValue } from '../../core/behaviors/catalog';
import type { StatsPayload } from '../../protocol/statsView';

export type ProblemRow = StatsPayload['problems'][number];

/** The two checkpoints the outcome and gain filters compare: the first and the last (cold-start → RL). */
export function comparedPair(s: Pick<StatsPayload, 'checkpoints'>): [string, string] | undefined {
  const ids = s.checkpoints.map((c) => c.checkpoint.id);
  return ids.length >= 2 ? [ids[0]!, ids[ids.length - 1]!] : undefined;
}

export interface FilterOption {
  id: string;
  label: string;
}

/** The filters the table offers for the checkpoints at hand. */
export function filterOptions(s: Pick<StatsPayload, 'checkpoints'>): FilterOption[] {
  const pair = comparedPair(s);
  const opts: FilterOption[] = [{ id: 'all', label: 'All problems' }];
  if (!pair) return opts;
  const [a, b] = pair.map((id) => s.checkpoints.find((c) => c.checkpoint.id === id)!.checkpoint.label || id);
  opts.push(
    { id: 'only-b', label: `${b} right, ${a} wrong` },
    { id: 'only-a', label: `${a} right, ${b} wrong` },
    { id: 'both-right', label: 'Both right' },
    { id: 'both-wrong', label: 'Both wrong' },
  );
  for (const id of BEHAVIOR_IDS)
    opts.push({ id: `gained:${id}`, label: `Gained ${behaviorLabel(id).toLowerCase()}` });
  for (const id of BEHAVIOR_IDS)
    opts.push({ id: `lost:${id}`, label: `Lost ${behaviorLabel(id).toLowerCase()}` });
  return opts;
}

export function rowMatches(row: ProblemRow, filter: string, pair: [string, string] | undefined): boolean {
  if (filter === 'all' || !pair) return true;
  const a = row.byCheckpoint[pair[0]];
  const b = row.byCheckpoint[pair[1]];
  if (!a || !b) return false;
  if (filter === 'only-a') return a.correct === true && b.correct === false;
  if (filter === 'only-b') return a.correct === false && b.correct === true;
  if (filter === 'both-right') return a.correct === true && b.correct === true;
  if (filter === 'both-wrong') return a.correct === false && b.correct === false;
  const [kind, id] = filter.split(':') as ['gained' | 'lost', BehaviorIdValue];
  const has = (x: typeof a) => (x.counts[id] ?? 0) > 0;
  return kind === 'gained' ? !has(a) && has(b) : has(a) && !has(b);
}

/** Sort keys: 'problem', or '<checkpoint>:verdict' / '<checkpoint>:steps' / '<checkpoint>:behaviors'. */
export function sortKey(row: ProblemRow, key: string): string | number {
  if (key === 'problem') return row.problemId;
  const [ck, what] = key.split(':');
  const c = row.byCheckpoint[ck!];
  if (!c) return -1;
  if (what === 'verdict') return c.correct === null ? 0 : c.correct ? 2 : 1;
  if (what === 'steps') return c.steps;
  return Object.values(c.counts).reduce((x, y) => x + y, 0);
}

export function tableRows(
  s: Pick<StatsPayload, 'problems' | 'checkpoints'>,
  view: { filter: string; text: string; sort: string; descending: boolean },
): ProblemRow[] {
  const pair = comparedPair(s);
  const words = view.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const rows = s.problems.filter(
    (r) => rowMatches(r, view.filter, pair) && words.every((w) => r.problemId.toLowerCase().includes(w)),
  );
  const dir = view.descending ? -1 : 1;
  return rows.sort((x, y) => {
    const a = sortKey(x, view.sort);
    const b = sortKey(y, view.sort);
    return (a < b ? -1 : a > b ? 1 : x.problemId.localeCompare(y.problemId)) * dir;
  });
}

const csvCell = (v: string | number) => {
  const t = String(v);
  // a leading =, +, - or @ would be a formula in a spreadsheet: quoted and prefixed
  const safe = /^[=+\-@]/.test(t) ? `'${t}` : t;
  return /[",\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The table as CSV: problem, then per checkpoint its verdict, steps and each behavior's count. */
export function tableCsv(s: Pick<StatsPayload, 'checkpoints'>, rows: readonly ProblemRow[]): string {
  const cks = s.checkpoints.map((c) => c.checkpoint.id);
  const head = [
    'problem',
    ...cks.flatMap((c) => [`${c}:correct`, `${c}:steps`, ...BEHAVIOR_IDS.map((b) => `${c}:${b}`)]),
  ];
  const lines = rows.map((r) =>
    [
      r.problemId,
      ...cks.flatMap((c) => {
        const x = r.byCheckpoint[c];
        if (!x) return ['', '', ...BEHAVIOR_IDS.map(() => '')];
        return [
          x.correct === null ? '' : String(x.correct),
          x.steps,
          ...BEHAVIOR_IDS.map((b) => x.counts[b] ?? 0),
        ];
      }),
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.map(csvCell).join(','), ...lines].join('\n') + '\n';
}
