// Exports of a review: the labels file itself is the JSONL export (the labelled format); the CSV
// has one row per decision: trace, step (1-based paragraph step holding it), behavior, the detected
// behavior it replaced, decision, reviewer and time. Undone decisions are left out.
import { segment } from '../segment';
import type { ReviewRecord } from './labels';

const cell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function reviewCsv(records: readonly ReviewRecord[]): string {
  const rows = [['trace', 'step', 'behavior', 'detected', 'decision', 'reviewer', 'time', 'quote']];
  for (const r of records) {
    const steps = segment(r.response);
    for (const d of r.review.decisions) {
      if (d.decision === 'pending') continue;
      const step =
        Math.max(
          0,
          steps.findIndex((s) => s.start <= d.start && d.start < s.end),
        ) + 1;
      rows.push([
        r.id,
        String(step),
        d.behavior,
        d.from ?? '',
        d.decision,
        d.reviewer,
        new Date(d.at).toISOString(),
        r.response.slice(d.start, d.end).slice(0, 200),
      ]);
    }
  }
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
