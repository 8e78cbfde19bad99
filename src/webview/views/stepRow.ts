// One step of a trace as a row: number and region in the gutter, the text (rich: math, code, cue
// and search marks; or tokens shaded by confidence), behavior badges with their cue, and a copy
// button. Also the marker row that stands for a collapsed run of repeated steps. Shared by every
// view that shows steps (trace, diff, review).
import { behaviorLabel } from '../../core/behaviors/catalog';
import type { AnnotatedTrace } from '../../core/schema';
import type { CodeBlock } from '../../protocol/traceView';
import { el } from '../dom';
import { innerRepetition } from '../loops';
import { type Mark, renderRich, renderTokens } from '../richText';

export interface StepRowContext {
  trace: AnnotatedTrace;
  code: readonly CodeBlock[];
  colors: Readonly<Record<string, string>>;
  /** Token offsets, when the row shades tokens by confidence. */
  tokenOffsets?: readonly number[];
  confidence?: boolean;
  /** With the judge beside the rules (`both`), a behavior only one of them found on a step is marked. */
  judge?: { mode: 'judge' | 'both' };
}

const isJudge = (h: { detector: string }) => h.detector.startsWith('judge:');
/** The learned model's hit, where no rule found the behavior in the trace: a reading, not a cue. */
const isLearned = (h: { detector: string }) => h.detector.startsWith('learned:');

export interface StepRowOptions {
  cursor?: boolean;
  /** Extra marks (search hits) in response offsets. */
  marks?: readonly Mark[];
  /** Whether an inline repetition inside the step is shown in full. */
  expandedInline?: boolean;
  onClick?: () => void;
  onCopy?: () => void;
  onExpandInline?: () => void;
  /** Review mode: the annotations on this step with their decision, shown instead of plain badges. */
  review?: readonly ReviewBadge[];
  onReviewBadge?: (key: string) => void;
}

/** An annotation in review mode: its state is shown by a symbol and a style, never by colour alone. */
export interface ReviewBadge {
  key: string;
  behavior: string;
  state: 'pending' | 'accepted' | 'rejected' | 'relabelled' | 'added';
  /** The behavior it was relabelled as. */
  to?: string;
  focused: boolean;
}

const SYMBOL: Record<ReviewBadge['state'], string> = {
  pending: '?',
  accepted: '✓',
  rejected: '✗',
  relabelled: '→',
  added: '+',
};

function reviewBadge(
  b: ReviewBadge,
  colors: Readonly<Record<string, string>>,
  onClick?: (key: string) => void,
) {
  const label =
    b.state === 'relabelled' && b.to
      ? `${behaviorLabel(b.behavior)} → ${behaviorLabel(b.to)}`
      : behaviorLabel(b.behavior);
  const e = el(
    'span',
    {
      class: `badge review review-${b.state}${b.focused ? ' focused' : ''}`,
      'data-key': b.key,
      'data-state': b.state,
      role: 'button',
      tabindex: '-1',
      title: `${b.state}${b.focused ? ' (focused: a accept, x reject, 1–8 relabel)' : ''}`,
    },
    el('span', { class: 'review-symbol', 'aria-hidden': 'true' }, SYMBOL[b.state]),
    ` ${label}`,
  );
  e.setAttribute('aria-label', `${label}: ${b.state}`);
  e.style.setProperty('--c', behaviorColor(colors, b.state === 'relabelled' && b.to ? b.to : b.behavior));
  if (onClick)
    e.addEventListener('click', (ev) => {
      ev.stopPropagation();
      onClick(b.key);
    });
  return e;
}

export const behaviorColor = (colors: Readonly<Record<string, string>>, id: string) =>
  colors[id] ?? 'var(--vscode-focusBorder)';

export function renderStepRow(ctx: StepRowContext, i: number, opts: StepRowOptions = {}): HTMLElement {
  const { trace } = ctx;
  const s = trace.steps[i]!;
  const marks: Mark[] = s.behaviors.map((h) => ({
    start: h.cue.start,
    end: h.cue.end,
    className: `cue cue-${h.id}`,
    title: `${behaviorLabel(h.id)} (${h.detector}, confidence ${h.confidence})`,
  }));
  marks.push(...(opts.marks ?? []));
  const body = el('div', { class: 'step-body' });
  // the blank lines that end a paragraph belong to the step but need not be drawn
  const raw = trace.response.slice(s.start, s.end);
  const end = s.start + raw.trimEnd().length || s.end;
  const rep = innerRepetition(raw.trimEnd());
  const code = ctx.code as CodeBlock[];
  if (ctx.confidence && trace.tokens?.length && ctx.tokenOffsets)
    renderTokens(body, trace.tokens, ctx.tokenOffsets as number[], s.start, s.end);
  else if (rep && !opts.expandedInline) {
    renderRich(body, trace.response, s.start, s.start + rep.start + rep.unit.length * 2, code, marks);
    const more = el(
      'span',
      { class: 'loop-inline', role: 'button', tabindex: '0', title: 'Expand the repeated text' },
      ` ⟳ “${rep.unit.trim()}” ×${Math.round(rep.count)} … `,
    );
    more.addEventListener('click', (e) => {
      e.stopPropagation();
      opts.onExpandInline?.();
    });
    body.append(more);
    renderRich(body, trace.response, s.start + rep.end, end, code, marks);
  } else renderRich(body, trace.response, s.start, end, code, marks);

  const badges = el('div', { class: 'badges' });
  if (opts.review) for (const b of opts.review) badges.append(reviewBadge(b, ctx.colors, opts.onReviewBadge));
  else
    for (const h of s.behaviors) {
      const judge = isJudge(h);
      // both detectors on: a behavior the other one did not find on this step is a disagreement
      const only =
        ctx.judge?.mode === 'both' && !s.behaviors.some((o) => o.id === h.id && isJudge(o) !== judge);
      const learned = isLearned(h);
      const b = el(
        'span',
        {
          class: `badge${judge ? ' judge' : ''}${learned ? ' learned' : ''}${only ? ' only' : ''}`,
          'data-detector': judge ? 'judge' : learned ? 'learned' : 'rules',
          title: `${only ? `only the ${judge ? 'judge' : 'rules'} found this here · ` : ''}${learned ? 'no rule fired for this behavior in the trace; the learned model rates this sentence · ' : ''}cue: “${trace.response.slice(h.cue.start, h.cue.end)}” · ${h.detector} · confidence ${h.confidence}`,
        },
        `${judge ? '⚖ ' : ''}${behaviorLabel(h.id)}${only ? ' ≠' : ''}`,
      );
      b.style.setProperty('--c', behaviorColor(ctx.colors, h.id));
      badges.append(b);
    }
  const gutter = el(
    'div',
    { class: 'gutter' },
    el('span', { class: 'step-no' }, String(i + 1)),
    el('span', { class: `region region-${s.region}` }, s.region),
  );
  const regionStart = i > 0 && trace.steps[i - 1]!.region !== s.region;
  const row = el(
    'div',
    {
      class: `step${opts.cursor ? ' cursor' : ''}${s.behaviors.length ? ' has-behavior' : ''}${regionStart ? ' region-start' : ''}`,
      'data-step': String(i),
      'data-region': s.region,
    },
    gutter,
    el('div', { class: 'step-main' }, body, badges),
  );
  if (opts.onCopy) {
    const copy = el(
      'button',
      { class: 'icon-button', title: 'Copy step as Markdown', 'aria-label': `Copy step ${i + 1}` },
      'Copy',
    );
    copy.addEventListener('click', (e) => {
      e.stopPropagation();
      opts.onCopy!();
    });
    row.append(copy);
  }
  if (s.behaviors[0]) row.style.setProperty('--c', behaviorColor(ctx.colors, s.behaviors[0].id));
  if (opts.onClick) row.addEventListener('click', opts.onClick);
  return row;
}

/** The row standing for steps from..to (inclusive) collapsed as a repetition loop. */
export function renderLoopMarker(from: number, to: number, onExpand: () => void): HTMLElement {
  const n = to - from + 1;
  const e = el(
    'div',
    {
      class: 'loop-marker',
      role: 'button',
      tabindex: '0',
      title: 'The model repeated itself: click to expand',
    },
    `⟳ ${n} repeated step${n > 1 ? 's' : ''} collapsed — click to expand`,
  );
  e.addEventListener('click', onExpand);
  e.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') onExpand();
  });
  return e;
}
