// Which traces can be compared: traces of one problem across files or checkpoints, grouped by
// problem id, and the order their sides take (cold-start left of RL, earlier training steps first).
import type { Checkpoint } from './schema';

export interface Comparable {
  problemId: string;
  checkpoint: Checkpoint;
}

const ROLE_RANK: Record<string, number> = { base: 0, 'cold-start': 1, rl: 2 };

/** Cold-start before RL, then by training step, then by checkpoint id. */
export function sideOrder(a: Comparable, b: Comparable): number {
  return (
    (ROLE_RANK[a.checkpoint.role] ?? 3) - (ROLE_RANK[b.checkpoint.role] ?? 3) ||
    (a.checkpoint.step ?? 0) - (b.checkpoint.step ?? 0) ||
    a.checkpoint.id.localeCompare(b.checkpoint.id)
  );
}

/** Problems with at least two traces, in first-seen order, each list in side order. */
export function comparableProblems<T extends Comparable>(items: readonly T[]): Map<string, T[]> {
  const by = new Map<string, T[]>();
  for (const t of items) {
    const list = by.get(t.problemId);
    if (list) list.push(t);
    else by.set(t.problemId, [t]);
  }
  for (const [k, v] of by) {
    if (v.length < 2) by.delete(k);
    else v.sort(sideOrder);
  }
  return by;
}
