// The review bar above the steps in review mode: this file's progress (traces reviewed / all), the
// detector's precision and recall against the decisions so far, the keys, and "Done, next".
import type { HostToWebview } from '../../protocol/traceView';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { clear, el } from '../dom';

type Review = Extract<HostToWebview, { type: 'review' }>;

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

export function renderReviewBar(e: HTMLElement, r: Review | undefined, h: { onDone: () => void }) {
  clear(e);
  e.hidden = !r;
  if (!r) return;
  const done = el(
    'vscode-button',
    { title: 'Mark this trace reviewed and open the next unreviewed one (d)' },
    r.done ? 'Next unreviewed' : 'Done, next',
  );
  done.addEventListener('click', h.onDone);
  e.append(
    el(
      'span',
      { class: 'review-progress' },
      `Reviewed ${r.progress.reviewed}/${r.progress.total}${r.done ? ' · this trace done' : ''}`,
    ),
    el(
      'span',
      { class: 'review-agreement', title: 'The detector against the decisions made in this file so far' },
      `detector precision ${pct(r.agreement.precision)}, recall ${pct(r.agreement.recall)} (${r.agreement.decided} decisions)`,
    ),
    el(
      'span',
      { class: 'review-keys' },
      'n/N next/prev · a accept · x reject · 1–8 relabel or add selection · u undo · d done',
    ),
    el(
      'span',
      {
        class: 'review-keys',
        title: 'Done, next follows the trace list: filter it (+behavior, a checkpoint, wrong) and sort it',
      },
      'queue: the list’s filter and sort (“Least sure first”: lowest confidence first)',
    ),
    done,
  );
}
