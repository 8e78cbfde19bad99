// The line under the legend when the LLM judge is on: which judge, whether this trace is judged yet
// (else how to judge it), and with both detectors how many disagreements are marked ≠. Also the
// legend's counts, which count a behavior on a step once when both detectors found it.
import { countBehaviors } from '../../core/behaviors/catalog';
import { disagreements } from '../../core/judge/overlay';
import { clear, el } from '../dom';
import type { OpenTrace } from '../state';

export function renderJudgeStatus(e: HTMLElement, open: OpenTrace | undefined) {
  clear(e);
  const j = open?.judge;
  e.hidden = !j;
  if (!open || !j) return;
  e.dataset.judged = String(j.judged);
  e.dataset.mode = j.mode;
  if (j.problem) {
    e.append(el('span', { class: 'judge-problem' }, `⚖ Judge not available: ${j.problem}`));
    return;
  }
  if (!j.judged) {
    e.append(
      `⚖ ${j.name}: this trace is not judged yet — run “Cogtrace: Judge Behaviors in Trace File…”`,
      j.mode === 'both' ? ' (the rules are shown meanwhile)' : '',
    );
    return;
  }
  if (j.mode === 'judge') {
    e.append(`⚖ Behaviors by ${j.name}`);
    return;
  }
  const n = disagreements(open.trace).length;
  e.dataset.disagreements = String(n);
  e.append(`Rules and ⚖ ${j.name}: ${n} disagreement(s) on steps, marked ≠`);
}

/** Behavior counts for the legend: with both detectors, a behavior counts once per step. */
export function legendCounts(open: OpenTrace): Record<string, number> {
  if (open.judge?.mode !== 'both') return countBehaviors(open.trace.steps);
  return countBehaviors(
    open.trace.steps.map((s) => ({
      behaviors: [...new Set(s.behaviors.map((h) => h.id))].map((id) => ({ id })),
    })),
  );
}
