// The behavior legend: one chip per behavior of the catalog with its colour, count and definition;
// clicking a chip toggles it as a filter, "Show all" clears the filters. Shared by the views that
// show behaviors (trace, diff, review).
import { BEHAVIOR_IDS, BEHAVIORS, type BehaviorIdValue } from '../../core/behaviors/catalog';
import { clear, el } from '../dom';
import { behaviorColor } from './stepRow';

export interface LegendProps {
  counts: Readonly<Partial<Record<BehaviorIdValue, number>>>;
  colors: Readonly<Record<string, string>>;
  active: readonly BehaviorIdValue[];
  onToggle?: (id: BehaviorIdValue) => void;
  onClear?: () => void;
}

export function renderLegend(container: HTMLElement, p: LegendProps) {
  clear(container);
  for (const b of BEHAVIOR_IDS) {
    const info = BEHAVIORS[b];
    const on = p.active.includes(b);
    const chip = el(
      'button',
      {
        class: `chip${on ? ' active' : ''}`,
        'data-behavior': b,
        'data-family': info.family,
        title: `${info.label} (${info.family}): ${info.definition}\nClick to show only steps with it.`,
        'aria-pressed': String(on),
      },
      el('span', { class: 'swatch' }),
      `${info.label} `,
      el('span', { class: 'count' }, String(p.counts[b] ?? 0)),
    );
    chip.style.setProperty('--c', behaviorColor(p.colors, b));
    if (p.onToggle) chip.addEventListener('click', () => p.onToggle!(b));
    container.append(chip);
  }
  if (p.active.length && p.onClear) {
    const clearBtn = el('button', { class: 'chip clear' }, 'Show all');
    clearBtn.addEventListener('click', p.onClear);
    container.append(clearBtn);
  }
}
