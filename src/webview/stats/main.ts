// The statistics view app: per checkpoint, behavior emergence rates with 95% Wilson intervals
// (grouped bars), accuracy, the paired outcome table with McNemar's p, rates against training
// steps when checkpoints carry one, and a per-problem table (filter, sort, free text, virtualized)
// whose rows open the problem's diff. Charts export as SVG and PNG, the table as CSV.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { BEHAVIOR_IDS, behaviorLabel } from '../../core/behaviors/catalog';
import type { HostToStats, StatsPayload, StatsToHost, StatsViewState } from '../../protocol/statsView';
import { WebviewApp } from '../app';
import { clear, el } from '../dom';
import { barChart, exportPng, exportSvg, lineChart, type Series } from '../views/svgChart';
import { renderStatsTables } from '../views/statsTables';
import { VirtualList } from '../views/virtualList';
import * as S from './state';

const PALETTE = [
  'var(--vscode-charts-blue)',
  'var(--vscode-charts-orange)',
  'var(--vscode-charts-green)',
  'var(--vscode-charts-purple)',
  'var(--vscode-charts-red)',
  'var(--vscode-charts-yellow)',
];

class StatsApp extends WebviewApp<HostToStats, StatsToHost, StatsViewState> {
  private stats?: StatsPayload;
  private colors: Record<string, string> = {};
  private rows: S.ProblemRow[] = [];
  private readonly head = el('div', { class: 'stats-head' });
  private readonly charts = el('div', { class: 'stats-charts' });
  private readonly tables = el('div', { class: 'stats-tables' });
  private readonly tableHead = el('div', { class: 'ptable-row ptable-head', role: 'row' });
  private readonly controls = el('div', { class: 'toolbar' });
  private readonly list = new VirtualList({
    renderRow: (r) => this.problemRow(r),
    label: 'Problems',
    estimate: 26,
  });

  constructor() {
    super({ sort: 'problem', descending: false, filter: 'all', text: '' });
    const app = document.getElementById('app')!;
    app.append(
      el(
        'section',
        { class: 'stats' },
        this.head,
        this.charts,
        this.tables,
        this.controls,
        this.tableHead,
        this.list.element,
      ),
    );
  }

  protected handle(m: HostToStats) {
    if (m.type === 'progress') {
      clear(this.head);
      this.head.append(el('div', { class: 'muted' }, `Reading traces… ${m.done}/${m.total}`));
      return;
    }
    this.stats = m.stats;
    this.colors = m.colors;
    this.drawHead();
    this.drawCharts();
    this.drawTables();
    this.drawControls();
    this.drawTable();
    document.body.dataset.ready = 'true';
  }

  private drawHead() {
    const s = this.stats!;
    clear(this.head);
    this.head.append(
      el(
        'div',
        {},
        el('strong', {}, 'Statistics'),
        ` · ${s.files.join(', ')} · ${s.problems.length} problems`,
      ),
    );
    if (s.issues.length)
      this.head.append(
        el('div', { class: 'status-warn' }, `${s.issues.length} input problem(s); see the log`),
      );
  }

  private series(): Series[] {
    return this.stats!.checkpoints.map((c, i) => ({
      name: `${c.checkpoint.label || c.checkpoint.id} (n=${c.traces})`,
      color: PALETTE[i % PALETTE.length]!,
      values: c.behaviors.map((b) => ({ ...b.emergence, label: `${b.emergence.k}/${b.emergence.n} traces` })),
    }));
  }

  private chartBlock(name: string, svg: SVGSVGElement) {
    const save = (kind: 'svg' | 'png') => async () => {
      const data = kind === 'svg' ? exportSvg(svg) : await exportPng(svg);
      this.post({ type: 'export', kind, name: `${name}.${kind}`, data });
    };
    const svgBtn = el('button', { class: 'link-button', title: 'Save the chart as SVG' }, 'SVG');
    svgBtn.addEventListener('click', save('svg'));
    const pngBtn = el('button', { class: 'link-button', title: 'Save the chart as PNG' }, 'PNG');
    pngBtn.addEventListener('click', save('png'));
    return el(
      'figure',
      { class: 'chart', 'data-chart': name },
      svg,
      el('figcaption', {}, svgBtn, ' ', pngBtn),
    );
  }

  private drawCharts() {
    const s = this.stats!;
    clear(this.charts);
    const cats = BEHAVIOR_IDS.map((b) => behaviorLabel(b));
    this.charts.append(
      this.chartBlock(
        'behavior-emergence',
        barChart('Behavior emergence rate (95% Wilson interval)', cats, this.series()),
      ),
    );
    if (s.bySteps.length >= 2) {
      const steps = s.bySteps.map((x) => x.step);
      const series: Series[] = BEHAVIOR_IDS.map((b, i) => ({
        name: behaviorLabel(b),
        color: this.colors[b] ?? PALETTE[i % PALETTE.length]!,
        values: s.bySteps.map((x) => ({ rate: x.rates[b] ?? 0, low: 0, high: 0 })),
      }));
      this.charts.append(
        this.chartBlock('rates-by-step', lineChart('Behavior rate by training step', steps, series)),
      );
    }
  }

  private drawTables() {
    renderStatsTables(this.tables, this.stats!);
  }
  private drawControls() {
    clear(this.controls);
    const select = el('select', { 'aria-label': 'Filter problems' });
    for (const o of S.filterOptions(this.stats!)) {
      const opt = el('option', {}, o.label);
      opt.value = o.id;
      opt.selected = o.id === this.state.filter;
      select.append(opt);
    }
    select.addEventListener('change', () => this.set({ filter: select.value }));
    const text = el('vscode-textfield', {
      placeholder: 'Filter problem ids',
      'aria-label': 'Filter problem ids',
    }) as HTMLElement & { value: string };
    text.value = this.state.text;
    text.addEventListener('input', () => this.set({ text: text.value }));
    const csv = el(
      'button',
      { class: 'link-button', title: 'Save the table (as filtered and sorted) as CSV' },
      'Export CSV',
    );
    csv.addEventListener('click', () =>
      this.post({
        type: 'export',
        kind: 'csv',
        name: 'problems.csv',
        data: S.tableCsv(this.stats!, this.rows),
      }),
    );
    const count = el('span', { class: 'muted', 'aria-live': 'polite' });
    count.dataset.role = 'count';
    this.controls.append(select, text, csv, count);
  }

  private set(patch: Partial<StatsViewState>) {
    Object.assign(this.state, patch);
    this.persist();
    this.drawTable();
  }

  private columns(): { key: string; label: string }[] {
    return [
      { key: 'problem', label: 'problem' },
      ...this.stats!.checkpoints.flatMap((c) => {
        const l = c.checkpoint.label || c.checkpoint.id;
        return [
          { key: `${c.checkpoint.id}:verdict`, label: `${l}` },
          { key: `${c.checkpoint.id}:steps`, label: 'steps' },
          { key: `${c.checkpoint.id}:behaviors`, label: 'behaviors' },
        ];
      }),
    ];
  }

  private drawTable() {
    this.rows = S.tableRows(this.stats!, this.state);
    clear(this.tableHead);
    for (const c of this.columns()) {
      const on = this.state.sort === c.key;
      const th = el(
        'button',
        {
          class: `ptable-cell sort${on ? ' active' : ''}`,
          'data-sort': c.key,
          'aria-sort': on ? (this.state.descending ? 'descending' : 'ascending') : 'none',
        },
        `${c.label}${on ? (this.state.descending ? ' ▼' : ' ▲') : ''}`,
      );
      th.addEventListener('click', () =>
        this.set(on ? { descending: !this.state.descending } : { sort: c.key, descending: false }),
      );
      this.tableHead.append(th);
    }
    const count = this.controls.querySelector<HTMLElement>('[data-role="count"]');
    if (count) count.textContent = `${this.rows.length} of ${this.stats!.problems.length} problems`;
    document.body.dataset.rows = String(this.rows.length);
    this.list.setCount(this.rows.length);
  }

  private problemRow(r: number): HTMLElement {
    const row = this.rows[r]!;
    const cells: HTMLElement[] = [el('span', { class: 'ptable-cell problem' }, row.problemId)];
    for (const c of this.stats!.checkpoints) {
      const x = row.byCheckpoint[c.checkpoint.id];
      const v = x ? (x.correct === null ? '·' : x.correct ? '✓ right' : '✗ wrong') : '—';
      const total = x ? Object.values(x.counts).reduce((a, b) => a + b, 0) : 0;
      const detail = x
        ? BEHAVIOR_IDS.filter((b) => x.counts[b])
            .map((b) => `${behaviorLabel(b)} ×${x.counts[b]}`)
            .join(', ')
        : '';
      cells.push(
        el(
          'span',
          { class: `ptable-cell verdict ${x?.correct === true ? 'ok' : x?.correct === false ? 'bad' : ''}` },
          v,
        ),
        el('span', { class: 'ptable-cell' }, x ? String(x.steps) : ''),
        el('span', { class: 'ptable-cell', title: detail }, x ? String(total) : ''),
      );
    }
    const e = el(
      'div',
      {
        class: 'ptable-row',
        role: 'row',
        tabindex: '0',
        title: 'Open the diff of this problem',
        'data-problem': row.problemId,
      },
      ...cells,
    );
    const open = () => this.post({ type: 'openDiff', problemId: row.problemId });
    e.addEventListener('click', open);
    e.addEventListener('keydown', (ev) => ev.key === 'Enter' && open());
    return e;
  }
}

new StatsApp().start();
