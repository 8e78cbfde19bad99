// One row of the diff view: the left and right steps side by side (the trace view's step row on
// each side), a gap where one side has no step, word-level changes marked inside changed steps,
// and the behaviors the row gains or loses.
import { behaviorLabel, type BehaviorIdValue } from '../../core/behaviors/catalog';
import type { WordDiff } from '../../core/wordDiff';
import { el } from '../dom';
import type { Mark } from '../richText';
import type { DiffModel } from '../diff/state';
import { renderStepRow } from './stepRow';

export interface DiffRowProps {
  model: DiffModel;
  r: number;
  colors: Readonly<Record<string, string>>;
  cursor: boolean;
  words?: WordDiff;
  change: { gained: BehaviorIdValue[]; lost: BehaviorIdValue[] };
  onClick: () => void;
}

function cell(p: DiffRowProps, side: 'left' | 'right'): HTMLElement {
  const row = p.model.rows[p.r]!;
  const i = row[side];
  const s = p.model[side];
  if (i === undefined)
    return el('div', { class: `diff-cell diff-gap ${side}`, 'aria-label': 'no step on this side' });
  const start = s.trace.steps[i]!.start;
  const marks: Mark[] = (p.words?.[side] ?? []).map(([a, b]) => ({
    start: start + a,
    end: start + b,
    className: side === 'left' ? 'wd-del' : 'wd-ins',
  }));
  const step = renderStepRow({ trace: s.trace, code: s.code, colors: p.colors }, i, { marks });
  return el('div', { class: `diff-cell ${side}` }, step);
}

export function renderDiffRow(p: DiffRowProps): HTMLElement {
  const row = p.model.rows[p.r]!;
  const marks = [
    ...p.change.gained.map((b) =>
      el('span', { class: 'change gained', title: `gained ${behaviorLabel(b)}` }, `▲ ${behaviorLabel(b)}`),
    ),
    ...p.change.lost.map((b) =>
      el('span', { class: 'change lost', title: `lost ${behaviorLabel(b)}` }, `▼ ${behaviorLabel(b)}`),
    ),
  ];
  const e = el(
    'div',
    {
      class: `diff-row kind-${row.kind}${p.cursor ? ' cursor' : ''}${marks.length ? ' behavior-change' : ''}`,
      'data-kind': row.kind,
    },
    cell(p, 'left'),
    cell(p, 'right'),
    marks.length ? el('div', { class: 'diff-changes' }, ...marks) : null,
  );
  e.addEventListener('click', p.onClick);
  return e;
}
