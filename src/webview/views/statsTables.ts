// The statistics view's tables: accuracy per checkpoint with its Wilson interval, and the paired
// outcome table (both right / only one / both wrong) of each pair of checkpoints with McNemar's p.
import type { StatsPayload } from '../../protocol/statsView';
import { clear, el } from '../dom';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function renderStatsTables(
  container: HTMLElement,
  stats: Pick<StatsPayload, 'checkpoints' | 'paired'>,
) {
  const s = stats;
  clear(container);
  const acc = el(
    'table',
    { class: 'stats-table', 'aria-label': 'Accuracy' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', {}, 'checkpoint'),
        el('th', {}, 'traces'),
        el('th', {}, 'accuracy'),
        el('th', {}, '95% CI'),
      ),
    ),
    el(
      'tbody',
      {},
      ...s.checkpoints.map((c) =>
        el(
          'tr',
          {},
          el('td', {}, c.checkpoint.label || c.checkpoint.id),
          el('td', {}, String(c.traces)),
          el('td', {}, `${pct(c.accuracy.rate)} (${c.accuracy.k}/${c.accuracy.n})`),
          el('td', {}, `${pct(c.accuracy.low)}–${pct(c.accuracy.high)}`),
        ),
      ),
    ),
  );
  const label = (id: string) => s.checkpoints.find((c) => c.checkpoint.id === id)?.checkpoint.label || id;
  const paired = s.paired.map((p) =>
    el(
      'table',
      { class: 'stats-table paired', 'aria-label': `Paired outcomes ${p.a} vs ${p.b}` },
      el(
        'caption',
        {},
        `${label(p.a)} vs ${label(p.b)} · ${p.problems} problems · McNemar p = ${p.pValue < 0.001 ? p.pValue.toExponential(1) : p.pValue.toFixed(3)}`,
      ),
      el(
        'tr',
        {},
        el('th', {}, ''),
        el('th', {}, `${label(p.b)} right`),
        el('th', {}, `${label(p.b)} wrong`),
      ),
      el(
        'tr',
        {},
        el('th', {}, `${label(p.a)} right`),
        el('td', { 'data-cell': 'both-right' }, String(p.bothRight)),
        el('td', { 'data-cell': 'only-a' }, String(p.onlyA)),
      ),
      el(
        'tr',
        {},
        el('th', {}, `${label(p.a)} wrong`),
        el('td', { 'data-cell': 'only-b' }, String(p.onlyB)),
        el('td', { 'data-cell': 'both-wrong' }, String(p.bothWrong)),
      ),
    ),
  );
  container.append(acc, ...paired);
}
