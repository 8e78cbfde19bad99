// The trace view: a list of the file's traces, and the chosen trace's problem, image, answer and
// steps (virtualized), with behavior badges, filters, search, loop collapsing, keyboard navigation
// and copy as Markdown. State survives reloads through getState/setState.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { BEHAVIOR_IDS } from '../src/core/behavior-ids';
import { restep } from '../src/core/restep';
import type { AnnotatedTrace, BehaviorId } from '../src/core/schema';
import type { CodeBlock, HostToWebview, TraceListItem, ViewState } from '../src/protocol/traceView';
import { hasSavedState, loadState, onMessage, post, saveState } from './api';
import { clear, el } from './dom';
import { innerRepetition, repeatedStepRuns } from './loops';
import { stepMarkdown, traceMarkdown } from './markdown';
import { type Mark, renderRich, renderTokens } from './math';

const LABELS: Record<BehaviorId, string> = {
  backtracking: 'Backtracking',
  verification: 'Verification',
  subgoal_setting: 'Subgoal setting',
  backward_chaining: 'Backward chaining',
  visual_reflection: 'Visual reflection',
  visual_divide_and_conquer: 'Visual divide & conquer',
  visual_verification: 'Visual verification',
  goal_driven_visual_tracing: 'Goal-driven visual tracing',
};

type Row = { kind: 'step'; step: number } | { kind: 'loop'; from: number; to: number };

const hasOwnState = hasSavedState();
const state: ViewState = loadState();
let traces: TraceListItem[] = [];
let colors: Record<string, string> = {};
let trace: AnnotatedTrace | undefined;
/** The host's (paragraph) steps of the current trace; sentence steps are derived from them. */
let hostSteps: AnnotatedTrace['steps'] = [];
const stepsFor = (t: AnnotatedTrace, steps: AnnotatedTrace['steps']) =>
  state.stepMode === 'sentence' ? restep({ response: t.response, steps }, 'sentence') : steps;
let traceIndex = -1;
let imageUri: string | undefined;
let code: CodeBlock[] = [];
let rows: Row[] = [];
let heights: number[] = [];
let cursor = 0;
let matches: { step: number; start: number; end: number }[] = [];
let matchAt = -1;
const forceShow = new Set<number>();
let tokenOffsets: number[] = [];
let restoreScroll: number | undefined = state.scrollTop;

// ---------- layout ----------
const app = document.getElementById('app')!;
const listFilter = el('vscode-textfield', {
  placeholder: 'Filter traces',
  'aria-label': 'Filter traces',
}) as HTMLElement & { value: string };
const list = el('div', { class: 'trace-list', role: 'listbox', 'aria-label': 'Traces' });
const header = el('div', { class: 'trace-header' });
const legend = el('div', { class: 'legend', 'aria-label': 'Behaviors' });
const search = el('vscode-textfield', {
  placeholder: 'Search in trace (Enter / Shift+Enter)',
  'aria-label': 'Search in trace',
}) as HTMLElement & { value: string };
const counter = el('span', { class: 'search-counter', 'aria-live': 'polite' }, '');
const prevBtn = el('vscode-button', { title: 'Previous match (Shift+Enter)' }, '↑');
const nextBtn = el('vscode-button', { title: 'Next match (Enter)' }, '↓');
const confBtn = el('vscode-button', { title: 'Shade tokens by model confidence' }, 'Confidence');
const copyBtn = el('vscode-button', { title: 'Copy the trace as Markdown' }, 'Copy trace');
const modeBtn = el(
  'vscode-button',
  { title: 'Show a step per sentence instead of per paragraph' },
  'Sentences',
);
const toolbar = el('div', { class: 'toolbar' }, search, counter, prevBtn, nextBtn, confBtn, modeBtn, copyBtn);
modeBtn.toggleAttribute('secondary', state.stepMode !== 'sentence');
confBtn.toggleAttribute('secondary', !state.confidence);
const topSpacer = el('div', { class: 'spacer' });
const rowsEl = el('div', { class: 'rows' });
const bottomSpacer = el('div', { class: 'spacer' });
const stepsEl = el(
  'div',
  { class: 'steps', tabindex: '0', 'aria-label': 'Reasoning steps' },
  topSpacer,
  rowsEl,
  bottomSpacer,
);
const main = el('section', { class: 'trace' }, header, legend, toolbar, stepsEl);
const aside = el('aside', { class: 'sidebar' }, listFilter, list);
const issuesEl = el('div', { class: 'issues' });
app.append(el('div', { class: 'layout' }, aside, main), issuesEl);

const color = (b: string) => colors[b] ?? 'var(--vscode-focusBorder)';

function persist() {
  saveState(state);
}

// ---------- trace list ----------
function renderList() {
  clear(list);
  const q = state.listFilter.trim().toLowerCase();
  for (const t of traces) {
    const hay =
      `${t.problemId} ${t.checkpoint} ${t.role} ${t.id} ${t.correct === true ? 'correct' : t.correct === false ? 'wrong incorrect' : ''}`.toLowerCase();
    if (q && !q.split(/\s+/).every((w) => hay.includes(w))) continue;
    const verdict = t.correct === null ? '·' : t.correct ? '✓' : '✗';
    const counts = BEHAVIOR_IDS.filter((b) => t.behaviors[b]).map((b) => {
      const dot = el(
        'span',
        { class: 'dot', title: `${LABELS[b]}: ${t.behaviors[b]}` },
        String(t.behaviors[b]),
      );
      dot.style.setProperty('--c', color(b));
      return dot;
    });
    const item = el(
      'div',
      {
        class: `trace-item${t.index === traceIndex ? ' selected' : ''}`,
        role: 'option',
        tabindex: '0',
        'data-index': String(t.index),
        'aria-selected': String(t.index === traceIndex),
      },
      el(
        'div',
        { class: 'trace-item-title' },
        el(
          'span',
          { class: `verdict ${t.correct === null ? 'unknown' : t.correct ? 'ok' : 'bad'}` },
          verdict,
        ),
        ` ${t.problemId}`,
      ),
      el(
        'div',
        { class: 'trace-item-meta' },
        `${t.checkpoint} · ${t.steps} steps${t.status !== 'complete' ? ` · ${t.status}` : ''}`,
      ),
      el('div', { class: 'trace-item-behaviors' }, ...counts),
    );
    item.addEventListener('click', () => selectTrace(t.index));
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') selectTrace(t.index);
    });
    list.append(item);
  }
}

function selectTrace(i: number) {
  if (i !== state.traceIndex) {
    state.traceIndex = i;
    state.scrollTop = 0;
    state.expanded = [];
    restoreScroll = 0;
    persist();
  }
  post({ type: 'selectTrace', index: i });
}

// ---------- header, image, legend ----------
function renderHeader() {
  clear(header);
  if (!trace) return;
  const t = trace;
  const q = el('div', { class: 'question' });
  if (t.problem?.question) renderRich(q, t.problem.question, 0, t.problem.question.length, [], []);
  const choices = t.problem?.choices?.length
    ? el('ol', { class: 'choices' }, ...t.problem.choices.map((c) => el('li', {}, c)))
    : null;
  const badge = el(
    'span',
    {
      class: `answer-badge ${t.answer.correct === null ? 'unknown' : t.answer.correct ? 'correct' : 'incorrect'}`,
    },
    t.answer.correct === null ? 'no reference' : t.answer.correct ? 'correct' : 'incorrect',
  );
  const ans = el(
    'div',
    { class: 'answer' },
    'Answer: ',
    el('code', {}, t.answer.extracted ?? '—'),
    t.answer.extracted === null && t.answer.reason
      ? el('span', { class: 'muted' }, ` (${t.answer.reason.replace(/-/g, ' ')})`)
      : null,
    t.answer.convention
      ? el('span', { class: 'muted', title: 'Where the answer was read from' }, ` · ${t.answer.convention}`)
      : null,
    ' ',
    badge,
    t.answer.uncertain
      ? el(
          'span',
          { class: 'uncertain', title: 'A free-text reference, compared by containment: check it yourself' },
          ' ?',
        )
      : null,
    t.loop
      ? el(
          'span',
          { class: 'loop-badge', title: `The response ends repeating itself from step ${t.loop.step + 1}` },
          ` ⟳ looping from step ${t.loop.step + 1} (×${t.loop.repeats})`,
        )
      : null,
    t.problem?.answer ? el('span', { class: 'muted' }, ` reference: ${t.problem.answer}`) : null,
  );
  const timing = t.timing
    ? el(
        'span',
        { class: 'muted' },
        [
          t.timing.ttftMs !== undefined ? `TTFT ${t.timing.ttftMs.toFixed(0)} ms` : '',
          t.timing.totalMs !== undefined ? `total ${(t.timing.totalMs / 1000).toFixed(1)} s` : '',
          t.timing.tokensPerSecond !== undefined ? `${t.timing.tokensPerSecond.toFixed(1)} tok/s` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      )
    : null;
  const meta = el(
    'div',
    { class: 'meta' },
    el('strong', {}, t.problemId),
    ` · ${t.checkpoint.label || t.checkpoint.id} (${t.checkpoint.role}${t.checkpoint.step !== undefined ? `, step ${t.checkpoint.step}` : ''})`,
    t.status !== 'complete'
      ? el('span', { class: 'status-warn' }, ` · ${t.status}${t.error ? `: ${t.error}` : ''}`)
      : null,
    ' ',
    timing,
  );
  const text = el('div', { class: 'problem-text' }, meta, q, choices, ans);
  const children: Node[] = [text];
  if (imageUri)
    children.push(imageViewer(imageUri, t.problem?.meta?.image_description as string | undefined));
  else if (t.problem?.meta?.image_description)
    children.push(
      el(
        'div',
        { class: 'image-missing', title: 'Image description from the data' },
        `🖼 ${String(t.problem.meta.image_description)}`,
      ),
    );
  header.append(...children);
}

function imageViewer(src: string, alt?: string): HTMLElement {
  const img = el('img', { alt: alt ?? 'problem image' });
  img.src = src;
  const frame = el(
    'div',
    { class: 'image-frame', title: 'Wheel to zoom, drag to pan, double-click to reset' },
    img,
  );
  let scale = 1;
  let x = 0;
  let y = 0;
  const apply = () => (img.style.transform = `translate(${x}px, ${y}px) scale(${scale})`);
  frame.addEventListener('wheel', (e) => {
    e.preventDefault();
    scale = Math.min(12, Math.max(0.5, scale * (e.deltaY < 0 ? 1.15 : 1 / 1.15)));
    apply();
  });
  let drag: { x: number; y: number } | null = null;
  frame.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX - x, y: e.clientY - y };
    frame.setPointerCapture(e.pointerId);
  });
  frame.addEventListener('pointermove', (e) => {
    if (!drag) return;
    x = e.clientX - drag.x;
    y = e.clientY - drag.y;
    apply();
  });
  frame.addEventListener('pointerup', () => (drag = null));
  frame.addEventListener('dblclick', () => {
    scale = 1;
    x = y = 0;
    apply();
  });
  return frame;
}

function behaviorCounts(): Record<string, number> {
  const c: Record<string, number> = {};
  for (const s of trace?.steps ?? []) for (const h of s.behaviors) c[h.id] = (c[h.id] ?? 0) + 1;
  return c;
}

function renderLegend() {
  clear(legend);
  const counts = behaviorCounts();
  for (const b of BEHAVIOR_IDS) {
    const active = state.filters.includes(b);
    const chip = el(
      'button',
      {
        class: `chip${active ? ' active' : ''}`,
        'data-behavior': b,
        title: `Show only steps with ${LABELS[b]}`,
        'aria-pressed': String(active),
      },
      el('span', { class: 'swatch' }),
      `${LABELS[b]} `,
      el('span', { class: 'count' }, String(counts[b] ?? 0)),
    );
    chip.style.setProperty('--c', color(b));
    chip.addEventListener('click', () => {
      state.filters = active ? state.filters.filter((x) => x !== b) : [...state.filters, b];
      forceShow.clear();
      persist();
      renderLegend();
      rebuildRows();
    });
    legend.append(chip);
  }
  if (state.filters.length) {
    const clearBtn = el('button', { class: 'chip clear' }, 'Show all');
    clearBtn.addEventListener('click', () => {
      state.filters = [];
      persist();
      renderLegend();
      rebuildRows();
    });
    legend.append(clearBtn);
  }
}

// ---------- rows (filters + collapsed loops) ----------
function stepText(i: number) {
  const s = trace!.steps[i]!;
  return trace!.response.slice(s.start, s.end);
}

function rebuildRows() {
  rows = [];
  if (!trace) return renderRows();
  const visible = (i: number) =>
    forceShow.has(i) ||
    !state.filters.length ||
    trace!.steps[i]!.behaviors.some((h) => state.filters.includes(h.id));
  const runs = repeatedStepRuns(trace.steps.map((_, i) => stepText(i)));
  const runAt = new Map(runs.map((r) => [r[0], r]));
  for (let i = 0; i < trace.steps.length; i++) {
    const run = runAt.get(i);
    if (run && !state.expanded.includes(run[0]) && !forceShowIn(run)) {
      if (visible(i)) rows.push({ kind: 'step', step: i }, { kind: 'loop', from: i + 1, to: run[1] });
      i = run[1];
      continue;
    }
    if (visible(i)) rows.push({ kind: 'step', step: i });
  }
  heights = rows.map(() => 56);
  renderRows();
}

function forceShowIn(run: [number, number]) {
  for (let i = run[0]; i <= run[1]; i++) if (forceShow.has(i)) return true;
  return false;
}

// ---------- virtualized rendering ----------
let measuring = false;
function offsets(): number[] {
  const o = new Array<number>(rows.length + 1);
  o[0] = 0;
  for (let i = 0; i < rows.length; i++) o[i + 1] = o[i]! + heights[i]!;
  return o;
}

function renderRows() {
  const o = offsets();
  const top = stepsEl.scrollTop;
  const view = stepsEl.clientHeight || 800;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (o[mid + 1]! < top) lo = mid + 1;
    else hi = mid;
  }
  const first = Math.max(0, lo - 5);
  let last = first;
  while (last < rows.length && o[last]! < top + view + 600) last++;
  last = Math.min(rows.length, last + 5);
  topSpacer.style.height = `${o[first]}px`;
  bottomSpacer.style.height = `${o[rows.length]! - o[last]!}px`;
  clear(rowsEl);
  for (let r = first; r < last; r++) rowsEl.append(renderRow(rows[r]!, r));
  if (!measuring) {
    measuring = true;
    requestAnimationFrame(() => {
      let changed = false;
      for (const child of Array.from(rowsEl.children) as HTMLElement[]) {
        const r = Number(child.dataset.row);
        const h = child.getBoundingClientRect().height;
        if (h > 0 && Math.abs(h - heights[r]!) > 1) {
          heights[r] = h;
          changed = true;
        }
      }
      measuring = false;
      if (changed) renderRows();
      if (restoreScroll !== undefined) {
        stepsEl.scrollTop = restoreScroll;
        restoreScroll = undefined;
      }
    });
  }
}

function renderRow(row: Row, r: number): HTMLElement {
  if (row.kind === 'loop') {
    const n = row.to - row.from + 1;
    const e = el(
      'div',
      {
        class: 'loop-marker',
        'data-row': String(r),
        role: 'button',
        tabindex: '0',
        title: 'The model repeated itself: click to expand',
      },
      `⟳ ${n} repeated step${n > 1 ? 's' : ''} collapsed — click to expand`,
    );
    e.addEventListener('click', () => {
      state.expanded = [...state.expanded, row.from - 1];
      persist();
      rebuildRows();
    });
    return e;
  }
  const i = row.step;
  const s = trace!.steps[i]!;
  const marks: Mark[] = [];
  for (const h of s.behaviors)
    marks.push({
      start: h.cue.start,
      end: h.cue.end,
      className: `cue cue-${h.id}`,
      title: `${LABELS[h.id]} (${h.detector}, confidence ${h.confidence})`,
    });
  matches.forEach((m, k) => {
    if (m.step === i)
      marks.push({ start: m.start, end: m.end, className: k === matchAt ? 'hit current' : 'hit' });
  });
  const body = el('div', { class: 'step-body' });
  // the blank lines that end a paragraph belong to the step but need not be drawn
  const raw = stepText(i);
  const end = s.start + raw.trimEnd().length || s.end;
  const rep = innerRepetition(raw.trimEnd());
  if (state.confidence && trace!.tokens?.length)
    renderTokens(body, trace!.tokens, tokenOffsets, s.start, s.end);
  else if (rep && !state.expanded.includes(-1 - i)) {
    renderRich(body, trace!.response, s.start, s.start + rep.start + rep.unit.length * 2, code, marks);
    const more = el(
      'span',
      { class: 'loop-inline', role: 'button', tabindex: '0', title: 'Expand the repeated text' },
      ` ⟳ “${rep.unit.trim()}” ×${Math.round(rep.count)} … `,
    );
    more.addEventListener('click', () => {
      state.expanded = [...state.expanded, -1 - i];
      persist();
      renderRows();
    });
    body.append(more);
    renderRich(body, trace!.response, s.start + rep.end, end, code, marks);
  } else renderRich(body, trace!.response, s.start, end, code, marks);
  const badges = el('div', { class: 'badges' });
  for (const h of s.behaviors) {
    const b = el(
      'span',
      {
        class: 'badge',
        title: `cue: “${trace!.response.slice(h.cue.start, h.cue.end)}” · ${h.detector} · confidence ${h.confidence}`,
      },
      LABELS[h.id],
    );
    b.style.setProperty('--c', color(h.id));
    badges.append(b);
  }
  const copy = el(
    'button',
    { class: 'icon-button', title: 'Copy step as Markdown', 'aria-label': `Copy step ${i + 1}` },
    'Copy',
  );
  copy.addEventListener('click', (e) => {
    e.stopPropagation();
    post({ type: 'copy', text: stepMarkdown(trace!, i) });
  });
  const gutter = el(
    'div',
    { class: 'gutter' },
    el('span', { class: 'step-no' }, String(i + 1)),
    el('span', { class: `region region-${s.region}` }, s.region),
  );
  const e = el(
    'div',
    {
      class: `step${i === cursor ? ' cursor' : ''}${s.behaviors.length ? ' has-behavior' : ''}${i > 0 && trace!.steps[i - 1]!.region !== s.region ? ' region-start' : ''}`,
      'data-row': String(r),
      'data-step': String(i),
      'data-region': s.region,
    },
    gutter,
    el('div', { class: 'step-main' }, body, badges),
    copy,
  );
  if (s.behaviors[0]) e.style.setProperty('--c', color(s.behaviors[0].id));
  e.addEventListener('click', () => {
    cursor = i;
    renderRows();
  });
  return e;
}

function rowOfStep(i: number): number {
  return rows.findIndex((r) => r.kind === 'step' && r.step === i);
}

function scrollToStep(i: number) {
  let r = rowOfStep(i);
  if (r < 0) {
    forceShow.add(i);
    rebuildRows();
    r = rowOfStep(i);
  }
  if (r < 0) return;
  cursor = i;
  const o = offsets();
  const top = o[r]!;
  if (top < stepsEl.scrollTop || top + heights[r]! > stepsEl.scrollTop + stepsEl.clientHeight)
    stepsEl.scrollTop = Math.max(0, top - 60);
  renderRows();
}

function moveCursor(delta: number) {
  const visibleSteps = rows
    .filter((r): r is { kind: 'step'; step: number } => r.kind === 'step')
    .map((r) => r.step);
  if (!visibleSteps.length) return;
  const at = visibleSteps.indexOf(cursor);
  const next = visibleSteps[Math.min(visibleSteps.length - 1, Math.max(0, (at < 0 ? 0 : at) + delta))]!;
  scrollToStep(next);
}

function nextBehavior() {
  if (!trace) return;
  for (let k = 1; k <= trace.steps.length; k++) {
    const i = (cursor + k) % trace.steps.length;
    const s = trace.steps[i]!;
    if (
      s.behaviors.length &&
      (!state.filters.length || s.behaviors.some((h) => state.filters.includes(h.id)))
    )
      return scrollToStep(i);
  }
}

// ---------- search (covers collapsed and filtered steps too) ----------
function runSearch(keepIndex = false) {
  matches = [];
  const q = state.search;
  if (trace && q) {
    const hay = trace.response.toLowerCase();
    const needle = q.toLowerCase();
    let step = 0;
    for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) {
      while (step < trace.steps.length - 1 && trace.steps[step]!.end <= at) step++;
      matches.push({ step, start: at, end: at + needle.length });
    }
  }
  matchAt = matches.length ? (keepIndex ? Math.min(matchAt, matches.length - 1) : 0) : -1;
  updateCounter();
  if (matchAt >= 0) revealMatch();
  else renderRows();
}

function updateCounter() {
  counter.textContent = state.search ? `${matches.length ? matchAt + 1 : 0}/${matches.length}` : '';
}

function revealMatch() {
  const m = matches[matchAt];
  if (!m) return;
  const run = repeatedStepRuns(trace!.steps.map((_, i) => stepText(i))).find(
    (r) => m.step > r[0] && m.step <= r[1],
  );
  if (run && !state.expanded.includes(run[0])) {
    state.expanded = [...state.expanded, run[0]];
    rebuildRows();
  }
  const rep = innerRepetition(stepText(m.step));
  if (rep && !state.expanded.includes(-1 - m.step)) state.expanded = [...state.expanded, -1 - m.step];
  updateCounter();
  scrollToStep(m.step);
}

function stepMatch(delta: number) {
  if (!matches.length) return;
  matchAt = (matchAt + delta + matches.length) % matches.length;
  revealMatch();
}

// ---------- events ----------
search.addEventListener('input', () => {
  state.search = search.value;
  persist();
  runSearch();
});
search.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    stepMatch(e.shiftKey ? -1 : 1);
  } else if (e.key === 'Escape') stepsEl.focus();
});
prevBtn.addEventListener('click', () => stepMatch(-1));
nextBtn.addEventListener('click', () => stepMatch(1));
confBtn.addEventListener('click', () => {
  state.confidence = !state.confidence;
  confBtn.toggleAttribute('secondary', !state.confidence);
  persist();
  renderRows();
});
modeBtn.addEventListener('click', () => {
  state.stepMode = state.stepMode === 'sentence' ? 'paragraph' : 'sentence';
  modeBtn.toggleAttribute('secondary', state.stepMode !== 'sentence');
  persist();
  if (!trace) return;
  const at = trace.steps[cursor]?.start ?? 0;
  trace = { ...trace, steps: stepsFor(trace, hostSteps) };
  cursor = Math.max(
    0,
    trace.steps.findIndex((x) => x.end > at),
  );
  forceShow.clear();
  rebuildRows();
  runSearch(true);
});
copyBtn.addEventListener('click', () => trace && post({ type: 'copy', text: traceMarkdown(trace) }));
listFilter.addEventListener('input', () => {
  state.listFilter = listFilter.value;
  persist();
  renderList();
});
let scrollSave: ReturnType<typeof setTimeout> | undefined;
stepsEl.addEventListener('scroll', () => {
  renderRows();
  clearTimeout(scrollSave);
  scrollSave = setTimeout(() => {
    state.scrollTop = stepsEl.scrollTop;
    persist();
  }, 200);
});
window.addEventListener('resize', () => renderRows());
document.addEventListener('keydown', (e) => {
  const inField =
    (e.target as HTMLElement)?.tagName?.startsWith('VSCODE-TEXTFIELD') ||
    (e.target as HTMLElement)?.tagName === 'INPUT';
  if (inField) return;
  if (e.key === 'j' || (e.altKey && e.key === 'ArrowDown')) moveCursor(1);
  else if (e.key === 'k' || (e.altKey && e.key === 'ArrowUp')) moveCursor(-1);
  else if (e.key === 'n') nextBehavior();
  else if (e.key === '/') {
    e.preventDefault();
    search.focus();
  } else return;
  e.preventDefault();
});

function handle(m: HostToWebview) {
  switch (m.type) {
    case 'init': {
      // the webview's own state wins; the host's copy covers hosts that drop webview state on reload
      if (!hasOwnState && m.savedState) {
        Object.assign(state, m.savedState);
        restoreScroll = state.scrollTop;
      }
      traces = m.traces;
      colors = m.colors;
      listFilter.value = state.listFilter;
      search.value = state.search;
      clear(issuesEl);
      if (m.issues.length)
        issuesEl.append(
          el(
            'details',
            {},
            el('summary', {}, `${m.issues.length} problem(s) in ${m.file}; the other traces loaded`),
            el('pre', {}, m.issues.join('\n')),
          ),
        );
      renderList();
      if (!traces.length) {
        clear(header);
        header.append(el('div', { class: 'empty' }, `No traces in ${m.file}.`));
        return;
      }
      selectTrace(Math.min(state.traceIndex, traces.length - 1));
      break;
    }
    case 'trace': {
      const first = traceIndex === -1;
      hostSteps = m.trace.steps;
      trace = { ...m.trace, steps: stepsFor(m.trace, m.trace.steps) };
      traceIndex = m.index;
      imageUri = m.imageUri;
      code = m.code;
      tokenOffsets = [];
      let acc = 0;
      for (const t of trace.tokens ?? []) {
        tokenOffsets.push(acc);
        acc += t.text.length;
      }
      cursor = 0;
      forceShow.clear();
      // shading needs log-probabilities, which only some traces carry
      confBtn.toggleAttribute('disabled', !trace.tokens?.some((t) => t.logprob !== undefined));
      renderList();
      renderHeader();
      renderLegend();
      rebuildRows();
      runSearch(true);
      if (first) document.body.dataset.ready = 'true';
      document.body.dataset.traceIndex = String(traceIndex);
      break;
    }
    case 'traceDelta': {
      if (!trace || m.index !== traceIndex) return;
      const atBottom = stepsEl.scrollTop + stepsEl.clientHeight >= stepsEl.scrollHeight - 20;
      hostSteps = m.steps;
      trace = {
        ...trace,
        response: m.response,
        steps: stepsFor({ ...trace, response: m.response }, m.steps),
      };
      renderLegend();
      rebuildRows();
      if (atBottom) stepsEl.scrollTop = stepsEl.scrollHeight;
      break;
    }
    case 'command':
      if (m.command === 'nextStep') moveCursor(1);
      else if (m.command === 'previousStep') moveCursor(-1);
      else if (m.command === 'nextBehavior') nextBehavior();
      else search.focus();
      break;
    case 'error':
      clear(issuesEl);
      issuesEl.append(el('div', { class: 'error' }, m.message));
      break;
  }
}

onMessage(handle);
window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: String(e.message) }));
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'log', level: 'warn', message: `CSP violation: ${e.violatedDirective} ${e.blockedURI}` }),
);
post({ type: 'ready' });
