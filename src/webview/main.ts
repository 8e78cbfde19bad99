// The trace view app: wires host messages into the view model (state.ts) and the model into the
// views (views/*). Every rule about what is shown lives in state.ts; every DOM detail in a view.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { HostToWebview, ViewState, WebviewToHost } from '../protocol/traceView';
import { DEFAULT_VIEW_STATE } from './api';
import { WebviewApp } from './app';
import { clear, el } from './dom';
import { installKeys, type KeyIntent } from './keys';
import { stepMarkdown, traceMarkdown } from './markdown';
import * as S from './state';
import { renderEmpty, renderHeader } from './views/header';
import { renderLegend } from './views/legend';
import { legendCounts, renderJudgeStatus } from './views/judgeStatus';
import { renderLoopMarker, renderStepRow } from './views/stepRow';
import { Toolbar } from './views/toolbar';
import { TraceList } from './views/traceList';
import { ReviewMode } from './reviewMode';
import { VirtualList } from './views/virtualList';

class TraceViewApp extends WebviewApp<HostToWebview, WebviewToHost, ViewState> {
  private readonly m = S.createModel();
  private readonly header = el('div', { class: 'trace-header' });
  private readonly legend = el('div', { class: 'legend', 'aria-label': 'Behaviors' });
  private readonly judgeStatus = el('div', { class: 'judge-status', 'aria-live': 'polite' });
  private readonly issues = el('div', { class: 'issues' });
  private readonly rows = new VirtualList({ renderRow: (r) => this.row(r), label: 'Reasoning steps' });
  private readonly traceList = new TraceList(
    {
      onSelect: (i) => this.selectTrace(i),
      onQuery: (q) => this.post({ type: 'listQuery', ...q }),
      onRows: (r) => this.post({ type: 'listRows', ...r }),
    },
    this.state,
    (patch) => this.update(patch),
  );
  /** Traces in the file, as the host last said. */
  private total = 0;
  private readonly toolbar = new Toolbar({
    onSearch: (q) => this.update({ search: q }, () => this.search()),
    onStepMatch: (d) => this.stepMatch(d),
    onEscape: () => this.rows.element.focus(),
    onToggleConfidence: () => this.update({ confidence: !this.state.confidence }, () => this.drawRows()),
    onToggleSentences: () => this.switchStepMode(),
    onCopyTrace: () => this.m.open && this.post({ type: 'copy', text: traceMarkdown(this.m.open.trace) }),
    onToggleReview: () => this.toggleReview(),
  });
  private readonly reviewMode = new ReviewMode({
    post: (m) => this.post(m),
    open: () => this.m.open,
    on: () => this.state.review,
    scrollToStep: (i) => this.scrollToStep(i),
    drawRows: () => this.drawRows(),
  });
  private readonly review = this.reviewMode.controller;
  private scrollSave: ReturnType<typeof setTimeout> | undefined;
  private file = '';

  constructor() {
    super(DEFAULT_VIEW_STATE);
    const main = el(
      'section',
      { class: 'trace' },
      this.header,
      this.legend,
      this.judgeStatus,
      this.toolbar.element,
      this.reviewMode.bar,
      this.rows.element,
    );
    const aside = el('aside', { class: 'sidebar' }, this.traceList.element);
    document.getElementById('app')!.append(el('div', { class: 'layout' }, aside, main), this.issues);
    this.rows.restoreScroll(this.state.scrollTop);
    this.rows.element.addEventListener('scroll', () => {
      clearTimeout(this.scrollSave);
      this.scrollSave = setTimeout(() => this.update({ scrollTop: this.rows.scrollTop }), 200);
    });
    installKeys((k) => this.run(k));
    // review keys first (capture), so n means "next annotation" while reviewing
    window.addEventListener('keydown', (e) => this.reviewMode.onKey(e), true);
  }

  protected handle(msg: HostToWebview) {
    const m = this.m;
    switch (msg.type) {
      case 'init':
        // the newer of the webview's own state and the host's copy: a reload can lose either
        if (msg.savedState && (!this.hadSavedState || msg.savedState.savedAt > this.state.savedAt)) {
          Object.assign(this.state, msg.savedState);
          this.rows.restoreScroll(this.state.scrollTop);
        }
        m.colors = msg.colors;
        this.file = msg.file;
        this.total = msg.total;
        this.toolbar.setQuery(this.state.search);
        this.showIssues(msg.issues, msg.file);
        this.traceList.start(m.colors);
        // a big file is still being indexed: the saved trace is selected once the scan reaches it
        if (this.state.traceIndex < msg.total) this.selectTrace(this.state.traceIndex);
        else if (!msg.total) renderEmpty(this.header, `Reading ${msg.file}…`);
        return;
      case 'listView': {
        this.traceList.view(msg);
        this.total = msg.total;
        if (m.open) return;
        const scanning = msg.status.phase === 'scanning';
        if (this.state.traceIndex < msg.total) this.selectTrace(this.state.traceIndex);
        else if (!scanning && msg.total) this.selectTrace(msg.total - 1);
        else if (!scanning) renderEmpty(this.header, `No traces in ${this.file}.`);
        return;
      }
      case 'listRows':
        return this.traceList.page(msg);
      case 'trace': {
        const first = !m.open;
        this.rows.follow = false;
        m.open = S.openTrace(msg, this.state.stepMode);
        m.cursor = 0;
        m.forceShow.clear();
        this.traceList.select(msg.index);
        const index = msg.index;
        renderHeader(this.header, m.open.trace, {
          uri: m.open.imageUri,
          blocked: m.open.imageBlocked,
          onAllow: () => this.post({ type: 'allowImageFolder', index }),
        });
        this.drawAll(true);
        if (this.state.review) this.post({ type: 'reviewMode', enabled: true, index });
        else this.review.reset();
        if (first) document.body.dataset.ready = 'true';
        document.body.dataset.traceIndex = String(msg.index);
        return;
      }
      case 'traceDelta': {
        if (!m.open || msg.index !== m.open.index) return;
        const atBottom = this.rows.isAtBottom();
        m.open = S.withSteps(m.open, msg.response, msg.steps, this.state.stepMode);
        this.rows.follow = true;
        this.drawAll(false, true);
        if (atBottom) this.rows.scrollToBottom();
        return;
      }
      case 'command':
        return msg.command === 'toggleReview' ? this.toggleReview() : this.run(msg.command);
      case 'review':
        if (!m.open || msg.index !== m.open.index || !this.state.review) return;
        this.review.update(msg, m.open);
        this.reviewMode.draw();
        return;
      case 'reveal':
        return this.selectTrace(Math.min(msg.index, Math.max(0, this.total - 1)));
      case 'error':
        clear(this.issues);
        this.issues.append(el('div', { class: 'error' }, msg.message));
    }
  }

  override persist() {
    this.state.savedAt = Date.now();
    super.persist();
  }

  /** Changes saved state, persists it, then redraws what depends on it. */
  private update(patch: Partial<ViewState>, redraw?: () => void) {
    Object.assign(this.state, patch);
    this.persist();
    redraw?.();
  }

  private run(k: KeyIntent) {
    const { open, rows, cursor } = this.m;
    if (k === 'focusSearch') return this.toolbar.focusSearch();
    if (!open) return;
    const to =
      k === 'nextBehavior'
        ? S.nextBehaviorStep(open.trace, cursor, this.state.filters)
        : S.moveCursor(rows, cursor, k === 'nextStep' ? 1 : -1);
    if (to !== undefined) this.scrollToStep(to);
  }

  private selectTrace(i: number) {
    if (i !== this.state.traceIndex) {
      this.update({ traceIndex: i, scrollTop: 0, expanded: [] });
      this.rows.restoreScroll(0);
    }
    this.post({ type: 'selectTrace', index: i });
  }

  /**
   * Redraws legend, toolbar and rows; with `searchAgain`, also the matches (one paint for both);
   * `growing`: the open trace only gained text at its end (a live delta), so rows are kept.
   */
  private drawAll(searchAgain = false, growing = false) {
    const { open } = this.m;
    if (searchAgain) this.findMatches(true);
    this.toolbar.setToggles({
      confidence: this.state.confidence,
      sentences: this.state.stepMode === 'sentence',
      // shading needs log-probabilities, which only some traces carry
      confidenceAvailable: !!open?.trace.tokens?.some((t) => t.logprob !== undefined),
      review: this.state.review,
    });
    renderJudgeStatus(this.judgeStatus, open);
    renderLegend(this.legend, {
      counts: open ? legendCounts(open) : {},
      colors: this.m.colors,
      active: this.state.filters,
      onToggle: (b) => {
        const on = this.state.filters.includes(b);
        this.m.forceShow.clear();
        this.update(
          { filters: on ? this.state.filters.filter((x) => x !== b) : [...this.state.filters, b] },
          () => this.drawAll(),
        );
      },
      onClear: () => this.update({ filters: [] }, () => this.drawAll()),
    });
    this.rebuildRows(growing);
    if (searchAgain && this.m.matchAt >= 0) this.revealMatch();
  }

  private rebuildRows(growing = false) {
    const { open } = this.m;
    if (!growing) this.rowCache.clear();
    this.m.rows = open ? S.buildRows(open, { ...this.state, forceShow: this.m.forceShow }) : [];
    this.rows.setCount(this.m.rows.length, growing);
  }

  /** `keepCache`: only the cursor or search marks moved, which the row cache's keys cover. */
  private drawRows(keepCache = false) {
    if (!keepCache) this.rowCache.clear();
    this.rows.render();
  }

  /**
   * Rendered step rows by what they show: a live delta redraws the visible rows, and all but the
   * growing last one come from here. Emptied by every other redraw.
   */
  private readonly rowCache = new Map<string, HTMLElement>();

  private row(r: number): HTMLElement {
    const row = this.m.rows[r]!;
    if (row.kind === 'loop') return this.renderRow(r);
    const s = this.m.open!.trace.steps[row.step]!;
    const key = [
      row.step,
      s.start,
      s.end,
      s.region,
      s.behaviors.map((h) => `${h.id}:${h.cue.start}:${h.cue.end}:${h.confidence}`).join(','),
      row.step === this.m.cursor,
      this.reviewMode
        .badges(row.step)
        .map((b) => `${b.key}:${b.state}:${b.to ?? ''}:${b.focused}`)
        .join(','),
      this.m.matches
        .flatMap((h, k) =>
          h.step === row.step ? [`${h.start}-${h.end}${k === this.m.matchAt ? '*' : ''}`] : [],
        )
        .join(','),
    ].join('|');
    let e = this.rowCache.get(key);
    if (!e) {
      if (this.rowCache.size > 1000) this.rowCache.clear();
      e = this.renderRow(r);
      this.rowCache.set(key, e);
    }
    return e;
  }

  private renderRow(r: number): HTMLElement {
    const m = this.m;
    const open = m.open!;
    const row = m.rows[r]!;
    if (row.kind === 'loop')
      return renderLoopMarker(row.from, row.to, () =>
        this.update({ expanded: [...this.state.expanded, row.from - 1] }, () => this.rebuildRows()),
      );
    const i = row.step;
    return renderStepRow({ ...open, colors: m.colors, confidence: this.state.confidence }, i, {
      cursor: i === m.cursor,
      marks: m.matches
        .flatMap((h, k) =>
          h.step === i
            ? [{ start: h.start, end: h.end, className: k === m.matchAt ? 'hit current' : 'hit' }]
            : [],
        )
        .concat(this.reviewMode.marks(i)),
      expandedInline: this.state.expanded.includes(-1 - i),
      review: this.state.review && this.review.state ? this.reviewMode.badges(i) : undefined,
      onReviewBadge: (key) => this.reviewMode.focusKey(key),
      onClick: () => {
        m.cursor = i;
        this.drawRows(true);
      },
      onCopy: () => this.post({ type: 'copy', text: stepMarkdown(open.trace, i) }),
      onExpandInline: () =>
        this.update({ expanded: [...this.state.expanded, -1 - i] }, () => this.drawRows()),
    });
  }

  private scrollToStep(i: number) {
    let r = S.rowOfStep(this.m.rows, i);
    if (r < 0) {
      this.m.forceShow.add(i);
      this.rebuildRows();
      r = S.rowOfStep(this.m.rows, i);
    }
    if (r < 0) return;
    this.m.cursor = i;
    this.rows.reveal(r);
    this.drawRows(true);
  }

  private switchStepMode() {
    const { open } = this.m;
    this.update({ stepMode: this.state.stepMode === 'sentence' ? 'paragraph' : 'sentence' });
    if (!open) return this.drawAll();
    const at = open.trace.steps[this.m.cursor]?.start ?? 0;
    this.m.open = S.withSteps(open, open.trace.response, open.hostSteps, this.state.stepMode);
    this.m.cursor = S.stepAtOffset(this.m.open.trace.steps, at);
    this.m.forceShow.clear();
    this.drawAll(true);
  }

  /** Recomputes matches over the whole response (collapsed and filtered steps too). */
  private findMatches(keepIndex: boolean) {
    const m = this.m;
    m.matches = m.open ? S.findMatches(m.open.trace, this.state.search) : [];
    m.matchAt = m.matches.length ? (keepIndex ? Math.min(m.matchAt, m.matches.length - 1) : 0) : -1;
    this.toolbar.setCounter(this.state.search, m.matchAt, m.matches.length);
  }

  /** A new query: matches again, then the first one shown. */
  private search() {
    this.findMatches(false);
    if (this.m.matchAt >= 0) this.revealMatch();
    else this.drawRows();
  }

  private stepMatch(delta: number) {
    const m = this.m;
    if (!m.matches.length) return;
    m.matchAt = (m.matchAt + delta + m.matches.length) % m.matches.length;
    this.revealMatch();
  }

  private revealMatch() {
    const { open, matches, matchAt } = this.m;
    const hit = matches[matchAt];
    if (!open || !hit) return;
    const expanded = S.expansionsToReveal(open, this.state.expanded, hit.step);
    if (expanded.length !== this.state.expanded.length) this.update({ expanded }, () => this.rebuildRows());
    this.toolbar.setCounter(this.state.search, matchAt, matches.length);
    this.scrollToStep(hit.step);
  }

  private toggleReview() {
    const on = !this.state.review;
    this.update({ review: on });
    const open = this.m.open;
    if (!on) this.review.reset();
    if (open) this.post({ type: 'reviewMode', enabled: on, index: open.index });
    this.drawAll();
    this.reviewMode.draw();
  }

  private showIssues(issues: string[], file: string) {
    clear(this.issues);
    if (!issues.length) return;
    this.issues.append(
      el(
        'details',
        {},
        el('summary', {}, `${issues.length} problem(s) in ${file}; the other traces loaded`),
        el('pre', {}, issues.join('\n')),
      ),
    );
  }
}

new TraceViewApp().start();
