// Comparing traces: "Compare Traces…" (palette), "Select for Compare" / "Compare with Selected"
// (explorer), pairing by problem (the user picks the problem, and the two traces when a problem has
// more than two), and the diff panel that shows the pair.
import * as vscode from 'vscode';
import type { AnnotatedTrace } from '../core/schema';
import type { DiffSide, HostToDiff } from '../protocol/diffView';
import { webviewHtml } from './html';
import { shikiTheme, type Detector } from './traceSession';
import type * as Engine from './engine';
import type { TraceFileIndex } from './indexer';

export interface CompareHost {
  engine: () => typeof Engine;
  detector: () => Detector;
  colors: () => Record<string, string>;
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  openAt: (uri: vscode.Uri, index: number) => Promise<void>;
  report: (name: string, data: unknown) => void;
  activeTraceFile: () => vscode.Uri | undefined;
  /** The end-to-end suite's report folder, when it runs. */
  testOutput: () => string | undefined;
  /** The shared index of a trace file (see indexes.ts); release it when done. */
  acquireIndex: (uri: vscode.Uri) => TraceFileIndex;
  releaseIndex: (index: TraceFileIndex) => void;
}

/** A trace of a file as its index lists it; read and annotated only when it is one side of a diff. */
interface Entry {
  uri: vscode.Uri;
  index: number;
  id: string;
  correct: boolean | null;
  problemId: string;
  checkpoint: AnnotatedTrace['checkpoint'];
  file: TraceFileIndex;
}

/** An entry with its trace read and annotated. */
type Side = Entry & { trace: AnnotatedTrace };

/** Resolves once the index has every line listed (short fields known; summaries may still come). */
function listed(index: TraceFileIndex): Promise<void> {
  if (index.progress().phase !== 'scanning') return Promise.resolve();
  return new Promise((resolve) => {
    const off = index.onChange((p) => {
      if (p.phase === 'scanning') return;
      off();
      resolve();
    });
  });
}

/** The trace files a command acts on: those given, else the active trace view's, else a dialog. */
export async function traceFilesFor(
  host: CompareHost,
  given: vscode.Uri[] | undefined,
  openLabel: string,
): Promise<vscode.Uri[] | undefined> {
  const active = host.activeTraceFile();
  return (
    given ??
    (active ? [active] : undefined) ??
    (await vscode.window.showOpenDialog({
      canSelectMany: true,
      filters: { 'Trace files': ['jsonl', 'json'] },
      openLabel,
    }))
  );
}

const label = (e: Entry) =>
  `${e.checkpoint.label || e.checkpoint.id} (${e.checkpoint.role}${e.checkpoint.step !== undefined ? `, step ${e.checkpoint.step}` : ''})`;

export class Comparer {
  private selected?: vscode.Uri;

  constructor(private readonly host: CompareHost) {}

  selectForCompare(uri?: vscode.Uri) {
    this.selected = uri ?? this.host.activeTraceFile();
    if (this.selected)
      void vscode.window.setStatusBarMessage(
        `Cogtrace: ${vscode.workspace.asRelativePath(this.selected)} selected for compare`,
        3000,
      );
  }

  async compareWithSelected(uri?: vscode.Uri) {
    const other = uri ?? this.host.activeTraceFile();
    if (!this.selected || !other) return this.compare();
    return this.compare([this.selected, other]);
  }

  /** Picks files (when not given), a problem and two traces, and opens their diff. */
  async compare(files?: vscode.Uri[]) {
    const chosen = await traceFilesFor(this.host, files, 'Compare');
    if (!chosen?.length) return;
    const { entries, done } = await this.load(chosen);
    try {
      await this.pickAndShow(entries);
    } finally {
      done();
    }
  }

  private async pickAndShow(entries: Entry[]) {
    const problems = this.host.engine().comparableProblems(entries);
    if (!problems.size) {
      void vscode.window.showWarningMessage(
        'Cogtrace: no problem has two traces in these files. Compare needs the same problem id on both sides.',
      );
      return;
    }
    const pid =
      problems.size === 1
        ? [...problems.keys()][0]!
        : (
            await vscode.window.showQuickPick(
              [...problems].map(([id, list]) => ({
                label: id,
                description: list.map(label).join(' · '),
                detail: list.map((e) => (e.correct === null ? '·' : e.correct ? '✓' : '✗')).join(' '),
              })),
              { title: 'Cogtrace: compare which problem?', matchOnDescription: true },
            )
          )?.label;
    if (!pid) return;
    const list = problems.get(pid)!;
    const pair: [Entry, Entry] | undefined =
      list.length === 2 ? [list[0]!, list[1]!] : await this.pickTwo(list);
    if (pair) await this.showEntries(pair);
  }

  /** Reads and annotates the two traces, then opens their diff. */
  private async showEntries(pair: [Entry, Entry]) {
    const sides: Side[] = [];
    for (const e of pair) {
      const a = e.file.annotated(e.index);
      if (!a.annotated) {
        void vscode.window.showErrorMessage(`Cogtrace: ${e.uri.fsPath}: ${e.id}: ${a.issue}`);
        return;
      }
      sides.push({ ...e, trace: a.annotated });
    }
    await this.show(sides[0]!, sides[1]!);
  }

  private async pickTwo(list: Entry[]): Promise<[Entry, Entry] | undefined> {
    const items = list.map((e) => ({
      label: label(e),
      description: `${e.id} · ${vscode.workspace.asRelativePath(e.uri)}`,
      entry: e,
    }));
    const left = await vscode.window.showQuickPick(items, { title: 'Cogtrace: left side (e.g. cold-start)' });
    if (!left) return undefined;
    const right = await vscode.window.showQuickPick(
      items.filter((i) => i !== left),
      { title: 'Cogtrace: right side (e.g. RL)' },
    );
    return right ? [left.entry, right.entry] : undefined;
  }

  /** Compares traces known by file and index (the statistics view's rows): side order, then the pair. */
  async compareRefs(refs: readonly { uri: vscode.Uri; index: number }[]) {
    const uris = [...new Map(refs.map((r) => [r.uri.toString(), r.uri])).values()];
    const wanted = new Set(refs.map((r) => `${r.uri.toString()}#${r.index}`));
    const { entries, done } = await this.load(uris, (uri, index) => wanted.has(`${uri.toString()}#${index}`));
    try {
      const list = this.host.engine().comparableProblems(entries).values().next().value;
      if (!list) return;
      const pair: [Entry, Entry] | undefined =
        list.length === 2 ? [list[0]!, list[1]!] : await this.pickTwo(list);
      if (pair) await this.showEntries(pair);
    } finally {
      done();
    }
  }

  /**
   * The traces of `uris` as their indexes list them (nothing annotated); with `keep`, only those it
   * accepts. `done` releases the indexes.
   */
  private async load(
    uris: vscode.Uri[],
    keep?: (uri: vscode.Uri, index: number) => boolean,
  ): Promise<{ entries: Entry[]; done: () => void }> {
    const files = uris.map((uri) => ({ uri, file: this.host.acquireIndex(uri) }));
    const entries: Entry[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Cogtrace: reading traces to compare' },
      async () => {
        for (const { uri, file } of files) {
          await listed(file);
          const s = file.store;
          for (let r = 0; r < s.count; r++) {
            if (s.steps[r] === -2 || (keep && !keep(uri, r))) continue;
            const item = s.item(r);
            entries.push({
              uri,
              index: r,
              id: item.id,
              correct: item.correct,
              problemId: item.problemId,
              checkpoint: s.checkpointOf(r),
              file,
            });
          }
        }
      },
    );
    return { entries, done: () => files.forEach((f) => this.host.releaseIndex(f.file)) };
  }

  /** Opens (or reuses) a diff panel for two traces. */
  async show(left: Side, right: Side) {
    const engine = this.host.engine();
    const panel = vscode.window.createWebviewPanel(
      'cogtrace.diffView',
      `Diff: ${left.problemId} (${left.checkpoint.label || left.checkpoint.id} ↔ ${right.checkpoint.label || right.checkpoint.id})`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(this.host.context.extensionUri, 'dist')],
      },
    );
    panel.webview.html = webviewHtml(
      panel.webview,
      this.host.context.extensionUri,
      'diffview.js',
      'Cogtrace diff',
    );
    const theme = shikiTheme(vscode.window.activeColorTheme.kind);
    const side = async (e: Side): Promise<DiffSide> => ({
      trace: e.trace,
      code: await engine.highlightCodeBlocks(e.trace.response, theme),
      file: vscode.workspace.asRelativePath(e.uri),
      index: e.index,
    });
    const diff = engine.diffTraces(left.trace, right.trace);
    const message: HostToDiff = {
      type: 'diff',
      left: await side(left),
      right: await side(right),
      rows: diff.rows,
      colors: this.host.colors(),
    };
    this.active = panel;
    panel.onDidChangeViewState(() => panel.active && (this.active = panel));
    panel.onDidDispose(() => this.active === panel && (this.active = undefined));
    panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = engine.parseDiffMessage(raw);
      if (!parsed.success) {
        this.host.log.warn(`ignored an invalid message from the diff view: ${parsed.error.message}`);
        return;
      }
      const m = parsed.data;
      if (m.type === 'ready') {
        await panel.webview.postMessage(message);
        this.host.report('diff', {
          problemId: left.problemId,
          rows: diff.rows.length,
          deltas: diff.behaviorDeltas,
        });
      } else if (m.type === 'open') {
        const e = m.side === 'left' ? left : right;
        await this.host.openAt(e.uri, e.index);
      } else if (m.type === 'stateChanged') this.host.report('diff-state', m.state);
      else if (m.type === 'log') this.host.log[m.level](`[diff view] ${m.message}`);
    });
  }

  private active?: vscode.WebviewPanel;

  /** Palette navigation for the active diff view. */
  command(command: 'nextDifference' | 'previousDifference' | 'nextBehaviorChange' | 'swap') {
    void this.active?.webview.postMessage({ type: 'command', command } satisfies HostToDiff);
  }
}
