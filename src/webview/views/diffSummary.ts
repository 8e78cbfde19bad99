// The diff view's summary bar: each side's checkpoint, answer and verdict, size and time, and a
// per-behavior table of counts left vs right with the delta (gained ▲ / lost ▼).
import { BEHAVIOR_IDS, BEHAVIORS } from '../../core/behaviors/catalog';
import { clear, el } from '../dom';
import type { SideFacts } from '../diff/state';
import { behaviorColor } from './stepRow';

const verdict = (c: boolean | null) => (c === null ? 'no reference' : c ? 'correct' : 'incorrect');

function sideLine(name: string, f: SideFacts, onOpen: () => void): HTMLElement {
  const open = el('button', { class: 'link-button', title: 'Open this trace in its trace view' }, 'Open');
  open.addEventListener('click', onOpen);
  return el(
    'div',
    { class: `diff-side-facts ${name}` },
    el('strong', {}, f.label),
    ' · answer ',
    el('code', {}, f.answer ?? '—'),
    ' ',
    el(
      'span',
      { class: `answer-badge ${f.correct === null ? 'unknown' : f.correct ? 'correct' : 'incorrect'}` },
      verdict(f.correct),
    ),
    el(
      'span',
      { class: 'muted' },
      ` · ${f.steps} steps · ${f.chars.toLocaleString()} chars${f.tokens !== null ? ` · ${f.tokens} tokens` : ''}${f.seconds !== null ? ` · ${f.seconds.toFixed(1)} s` : ''} `,
    ),
    open,
  );
}

export interface DiffSummaryProps {
  left: SideFacts;
  right: SideFacts;
  colors: Readonly<Record<string, string>>;
  differences: number;
  onOpen: (side: 'left' | 'right') => void;
}

export function renderDiffSummary(container: HTMLElement, p: DiffSummaryProps) {
  clear(container);
  const head = el(
    'tr',
    {},
    el('th', {}, 'behavior'),
    el('th', {}, p.left.label),
    el('th', {}, p.right.label),
    el('th', {}, 'Δ'),
  );
  const body = BEHAVIOR_IDS.map((b) => {
    const l = p.left.behaviors[b];
    const r = p.right.behaviors[b];
    const d = r - l;
    const swatch = el('span', { class: 'swatch' });
    swatch.style.setProperty('--c', behaviorColor(p.colors, b));
    return el(
      'tr',
      { 'data-behavior': b, class: d > 0 ? 'gained' : d < 0 ? 'lost' : '' },
      el('td', { title: BEHAVIORS[b].definition }, swatch, ` ${BEHAVIORS[b].label}`),
      el('td', {}, String(l)),
      el('td', {}, String(r)),
      el('td', { class: 'delta' }, d > 0 ? `▲ +${d}` : d < 0 ? `▼ ${d}` : '·'),
    );
  });
  container.append(
    el(
      'div',
      { class: 'diff-facts' },
      sideLine('left', p.left, () => p.onOpen('left')),
      sideLine('right', p.right, () => p.onOpen('right')),
      el(
        'div',
        { class: 'muted' },
        `${p.differences} differing row(s) · ] / [ next / previous difference · b next behavior change · s swap`,
      ),
    ),
    el(
      'table',
      { class: 'diff-behaviors', 'aria-label': 'Behavior counts' },
      el('thead', {}, head),
      el('tbody', {}, ...body),
    ),
  );
}
