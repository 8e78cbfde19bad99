// The read-only custom editor for trace files: one document per file (its traces parsed once,
// annotated on demand), one TraceSession per panel, and the "Annotate Trace File" command.
import * as vscode from 'vscode';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type * as Engine from './engine';
import type { TraceFileIndex } from './indexer';
import { Indexes } from './indexes';
import { Reviews } from './reviews';
import { JudgeService } from './judge';
import type { LabelFile } from '../core/review/labelFile';
import type { HostToWebview } from '../protocol/traceView';
import { type Detector, saveTraceChoice, TraceSession } from './traceSession';
import { webviewHtml } from './html';
import { readRawSettings } from './settings';

let engine: typeof Engine | undefined;
/** Loaded lazily: the first trace opened pays for it, activation does not. */
export function core(): typeof Engine {
  // next to extension.js when bundled; from a source checkout (unit tests), the built dist/
  const bundled = join(__dirname, 'engine.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= require(
    existsSync(bundled) ? bundled : join(__dirname, '..', '..', 'dist', 'engine.js'),
  ) as typeof Engine;
  return engine;
}

/** A trace file: its index (shared with other views of the file); traces are read when shown. */
class TraceDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly index: TraceFileIndex,
    readonly labels: LabelFile,
    private readonly release: () => void,
  ) {}
  dispose(): void {
    this.release();
  }
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  /** Default editor of `*.trace.jsonl`. */
  static readonly viewType = 'cogtrace.traceView';
  /** The same view offered through "Open With…" on any `.jsonl` file. */
  static readonly anyJsonlViewType = 'cogtrace.traceViewJsonl';
  private active?: vscode.WebviewPanel;
  /** The file shown in the active trace view: what "Annotate Trace File" acts on by default. */
  private activeUri?: vscode.Uri;
  private testOut?: string;
  private readonly sessions = new Map<string, TraceSession[]>();
  /** Indexes of open trace files, shared with the statistics view. */
  readonly indexes: Indexes;
  readonly judge: JudgeService;
  /** Review files of open trace files, shared by their panels. */
  readonly reviews = new Reviews(core);
  private readonly reviewBar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.indexes = new Indexes(context, log, core);
    this.judge = new JudgeService(context, log, core);
    context.subscriptions.push(
      { dispose: () => this.indexes.dispose() },
      { dispose: () => this.reviews.dispose() },
      this.reviewBar,
    );
    this.reviewBar.command = 'cogtrace.reviewAnnotations';
    this.reviewBar.tooltip = 'Cogtrace: traces reviewed in this file (click to leave review mode)';
  }

  /** The index of `uri` with the current detector (release it with `indexes.release`). */
  acquireIndex(uri: vscode.Uri): TraceFileIndex {
    const { rulesFile } = readRawSettings();
    return this.indexes.acquire(uri.fsPath, this.detector(rulesFile), rulesFile);
  }

  /** Sends the shown trace of every open view again (or of the views of `uri`). */
  refreshTraces(uri?: vscode.Uri) {
    for (const [key, sessions] of this.sessions)
      if (!uri || key === uri.toString()) for (const s of sessions) void s.refresh();
  }

  /** "Judge Behaviors in Trace File": the given file, or the active trace view's. */
  async judgeFile(uri?: vscode.Uri) {
    const target = uri ?? this.activeFile();
    if (!target) {
      void vscode.window.showInformationMessage('Cogtrace: open a trace file in the trace view to judge it.');
      return;
    }
    const index = this.acquireIndex(target);
    try {
      await this.judge.judgeFile(target, index, () => this.refreshTraces(target));
    } finally {
      this.indexes.release(index);
    }
  }

  /** Where the end-to-end suite reads reports, when it runs. */
  testOutput(): string | undefined {
    return this.testOut;
  }

  enableTestReports(dir: string) {
    this.testOut = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** The detector and colours the settings name now (for other views: the diff). */
  currentDetector(): Detector {
    return this.detector(readRawSettings().rulesFile);
  }

  currentColors(): Record<string, string> {
    return core().resolveColors(readRawSettings().colorOverrides, (m) => this.log.warn(m));
  }

  /** The file of the active trace view, if a trace view is the active editor. */
  activeFile(): vscode.Uri | undefined {
    return this.active?.active ? this.activeUri : undefined;
  }

  report(name: string, data: unknown) {
    if (!this.testOut) return;
    const tmp = join(this.testOut, `${name}.json.tmp`);
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, join(this.testOut, `${name}.json`));
  }

  async openCustomDocument(uri: vscode.Uri): Promise<TraceDocument> {
    // nothing is read here: the index scans in the background and the view shows its progress
    const index = this.acquireIndex(uri);
    const labels = this.reviews.acquire(uri.fsPath);
    const doc = new TraceDocument(uri, index, labels, () => {
      this.indexes.release(index);
      this.reviews.release(labels);
    });
    for (const i of labels.issues) this.log.warn(core().formatIssue(i));
    void index.ready.then(() => {
      const problems = index.store.issues.size + index.fileIssues.length;
      if (!problems) return;
      for (const i of [...index.fileIssues, ...[...index.store.issues.values()].slice(0, 1000)])
        this.log.warn(i);
      void vscode.window
        .showWarningMessage(
          `Cogtrace: ${problems} problem(s) in ${vscode.workspace.asRelativePath(uri)}; the other traces loaded.`,
          'Show Log',
        )
        .then((a) => a && this.log.show());
    });
    return doc;
  }

  resolveCustomEditor(doc: TraceDocument, panel: vscode.WebviewPanel): void {
    const settings = readRawSettings();
    const session = new TraceSession(panel, {
      engine: core(),
      uri: doc.uri,
      index: doc.index,
      labels: doc.labels,
      reviewStatus: (text) => {
        if (text === undefined) return this.reviewBar.hide();
        this.reviewBar.text = text;
        this.reviewBar.show();
      },
      colors: core().resolveColors(settings.colorOverrides, (m) => this.log.warn(m)),
      state: this.context.workspaceState,
      extensionUri: this.context.extensionUri,
      log: this.log,
      report: (name, data) => this.report(name, data),
      judge: this.judge,
    });
    panel.webview.html = webviewHtml(panel.webview, this.context.extensionUri);
    this.track(panel, doc.uri);
    const key = doc.uri.toString();
    this.sessions.set(key, [...(this.sessions.get(key) ?? []), session]);
    panel.onDidDispose(() =>
      this.sessions.set(
        key,
        (this.sessions.get(key) ?? []).filter((s) => s !== session),
      ),
    );
  }

  /** Opens `uri` in the trace view at trace `index` (an open view shows it; a new one starts there). */
  async openAt(uri: vscode.Uri, index: number) {
    const open = this.sessions.get(uri.toString())?.[0];
    if (open) return open.reveal(index);
    await saveTraceChoice(core(), this.context.workspaceState, uri, index);
    const viewType = /\.trace\.jsonl$/i.test(uri.fsPath)
      ? TraceEditorProvider.viewType
      : TraceEditorProvider.anyJsonlViewType;
    await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
  }

  /** Remembers the active trace view (for commands that act on it). */
  private track(panel: vscode.WebviewPanel, uri: vscode.Uri) {
    this.active = panel;
    this.activeUri = uri;
    panel.onDidChangeViewState(() => {
      if (!panel.active) return;
      this.active = panel;
      this.activeUri = uri;
    });
    panel.onDidDispose(() => {
      if (this.active !== panel) return;
      this.active = undefined;
      this.activeUri = undefined;
    });
  }

  private detector(rulesFile: string | undefined): Detector {
    try {
      return core().detectorFromFile(rulesFile);
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Cogtrace: rules file ${rulesFile} is invalid, using the default rules. ${(e as Error).message}`,
      );
      this.log.error(`rules file ${rulesFile}: ${(e as Error).message}`);
      return core().detectorFromFile(undefined);
    }
  }

  sendCommand(command: 'nextStep' | 'previousStep' | 'nextBehavior' | 'focusSearch' | 'toggleReview') {
    void this.active?.webview.postMessage({ type: 'command', command } satisfies HostToWebview);
  }

  /**
   * Runs `fn` on the review file of `uri` (else the active trace view's file), held for the call;
   * without a file, says `missing`.
   */
  private async withReviewFile(
    uri: vscode.Uri | undefined,
    missing: string,
    fn: (labels: LabelFile, target: vscode.Uri) => Promise<void>,
  ) {
    const target = uri ?? this.activeFile();
    if (!target) return void vscode.window.showInformationMessage(`Cogtrace: ${missing}`);
    const labels = this.reviews.acquire(target.fsPath);
    try {
      await fn(labels, target);
    } finally {
      this.reviews.release(labels);
    }
  }

  /** Saves the reviewed labels of a trace file as JSONL (the labelled format) or CSV (one row per decision). */
  exportReviews(uri?: vscode.Uri) {
    return this.withReviewFile(uri, 'open a trace file to export its review.', async (labels, target) => {
      const records = labels.all();
      if (!records.length)
        return void vscode.window.showInformationMessage(
          `Cogtrace: nothing reviewed in ${vscode.workspace.asRelativePath(target)} yet.`,
        );
      const kind = this.testOut
        ? 'csv'
        : (
            await vscode.window.showQuickPick(
              [
                {
                  label: 'JSONL',
                  description: 'the labelled format (cogtrace eval --labels, fit)',
                  format: 'jsonl',
                },
                { label: 'CSV', description: 'trace, step, behavior, decision, reviewer', format: 'csv' },
              ],
              { title: 'Cogtrace: export reviewed labels as' },
            )
          )?.format;
      if (!kind) return;
      const text =
        kind === 'csv' ? core().reviewCsv(records) : records.map((r) => JSON.stringify(r)).join('\n') + '\n';
      const name = `${labels.path.replace(/\.labels\.jsonl$/, '')}.reviewed.${kind}`;
      const out = this.testOut
        ? vscode.Uri.file(join(this.testOut, `reviewed.${kind}`))
        : await vscode.window.showSaveDialog({
            defaultUri: vscode.Uri.file(name),
            filters: { [kind.toUpperCase()]: [kind] },
          });
      if (!out) return;
      writeFileSync(out.fsPath, text);
      void vscode.window.setStatusBarMessage(`Cogtrace: saved ${vscode.workspace.asRelativePath(out)}`, 3000);
    });
  }

  /**
   * Fits a detector on the file's reviewed traces, shows the current detector against them beside the
   * fitted one on held-out folds, and on "Keep" saves it and points cogtrace.rulesFile at it.
   */
  improveFromReviews(uri?: vscode.Uri) {
    return this.withReviewFile(uri, 'open a reviewed trace file first.', async (labels) => {
      const e = core();
      const traces = e.reviewedTraces(labels.all(), labels.path);
      const r = e.improveFromReviews(
        traces,
        this.currentDetector(),
        vscode.workspace.asRelativePath(labels.path),
      );
      if (!r)
        return void vscode.window.showInformationMessage(
          'Cogtrace: review traces of at least two problems first (the fitted detector is measured on problems it was not fitted on).',
        );
      const b = r.before.macro;
      const a = r.after.macro;
      const report = [
        `Cogtrace: detector from ${r.n} reviewed traces (${vscode.workspace.asRelativePath(labels.path)})`,
        '',
        'Before: the current detector on the reviewed labels',
        e.formatEval(r.before),
        '',
        `After: a detector fitted on them, ${r.k}-fold cross-validated by problem (held-out folds)`,
        e.formatEval(r.after),
      ].join('\n');
      this.log.info(report);
      const f1 = (x: typeof b) => ({ trace: x.trace.f1, span: x.span.f1 });
      this.report('improve', { n: r.n, before: f1(b), after: f1(a) });
      const f = (x: typeof b) => `trace F1 ${x.trace.f1.toFixed(2)}, span F1 ${x.span.f1.toFixed(2)}`;
      const keep = this.testOut
        ? undefined
        : await vscode.window.showInformationMessage(
            `Cogtrace: on ${r.n} reviewed traces — current detector ${f(b)}; fitted (held out) ${f(a)}. Keep the fitted detector?`,
            { modal: true, detail: 'The full tables are in the Cogtrace log.' },
            'Keep',
            'Show Log',
          );
      if (keep === 'Show Log') return void this.log.show();
      if (keep !== 'Keep') return;
      const out = labels.path.replace(/\.labels\.jsonl$/, '.detector.json');
      writeFileSync(out, JSON.stringify(r.model) + '\n');
      await vscode.workspace
        .getConfiguration('cogtrace')
        .update(
          'rulesFile',
          out,
          vscode.workspace.workspaceFolders
            ? vscode.ConfigurationTarget.Workspace
            : vscode.ConfigurationTarget.Global,
        );
      void vscode.window.showInformationMessage(
        `Cogtrace: saved ${vscode.workspace.asRelativePath(out)}; cogtrace.rulesFile points to it.`,
      );
    });
  }

  async annotateToFile(uri?: vscode.Uri) {
    const target =
      uri ??
      (this.active?.active ? this.activeUri : undefined) ??
      vscode.window.activeTextEditor?.document.uri ??
      (
        await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: { 'Trace files': ['jsonl', 'json', 'txt', 'md'] },
        })
      )?.[0];
    if (!target) return;
    const out = target.fsPath.replace(/(\.trace)?\.(jsonl|json|txt|md)$/i, '') + '.annotated.jsonl';
    const rel = vscode.workspace.asRelativePath(out);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cogtrace: annotating', cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const { rulesFile } = readRawSettings();
        const engine = core();
        let n = 0;
        let problems = 0;
        if (engine.isJsonLines(target.fsPath)) {
          // streamed, off the extension host: worker threads annotate 1 MB slices, lines written in
          // input order as they come back (to a .part file renamed at the end)
          const size = Math.max(1, statSync(target.fsPath).size);
          const part = `${out}.part`;
          const sink = createWriteStream(part);
          let last = 0;
          try {
            await engine.annotateOnWorkers(
              target.fsPath,
              Math.max(1, Math.min(4, availableParallelism() - 1)),
              { rules: rulesFile, kind: 'full' },
              (line) => {
                sink.write(line);
                n++;
              },
              (issue) => {
                problems++;
                this.log.warn(engine.formatIssue(issue));
              },
              (bytes) => {
                progress.report({
                  message: `${Math.round((bytes / size) * 100)}%`,
                  increment: ((bytes - last) / size) * 100,
                });
                last = bytes;
              },
              { signal: ac.signal },
            );
          } catch (e) {
            if (!ac.signal.aborted) throw e;
          } finally {
            await new Promise<void>((r) => sink.end(r));
            // whole at once for readers of the file; a cancelled run keeps what it wrote
            renameSync(part, out);
          }
        } else {
          const detector = this.detector(rulesFile);
          const r = await engine.loadTraceFile(target.fsPath, ac.signal);
          const lines = r.traces.map((t) => JSON.stringify(engine.annotateTrace(t, detector)));
          writeFileSync(out, lines.join('\n') + (lines.length ? '\n' : ''));
          n = lines.length;
          problems = r.issues.length;
          for (const i of r.issues) this.log.warn(i);
        }
        const partial = ac.signal.aborted ? ' (cancelled: the traces annotated so far)' : '';
        void vscode.window.showInformationMessage(
          `Cogtrace: annotated ${n} trace(s) → ${rel}${partial}${problems ? ` (${problems} input problems, see log)` : ''}`,
        );
      },
    );
  }
}
