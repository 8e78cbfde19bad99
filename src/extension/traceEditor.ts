// The read-only custom editor for trace files. One document per file; each editor is a webview that
// asks for one trace at a time and receives it annotated.
import * as vscode from 'vscode';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type * as HostCore from './host-core';
import type { AnnotatedTrace, Trace } from '../core/schema';
import type { HostToWebview, ViewState } from '../protocol/traceView';
import { webviewHtml } from './html';
import { readRawSettings } from './settings';

let hostCore: typeof HostCore | undefined;
/** Loaded lazily: the first trace opened pays for it, activation does not. */
export function core(): typeof HostCore {
  // next to extension.js when bundled; from a source checkout (unit tests), the built dist/
  const bundled = join(__dirname, 'host-core.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  hostCore ??= require(
    existsSync(bundled) ? bundled : join(__dirname, '..', '..', 'dist', 'host-core.js'),
  ) as typeof HostCore;
  return hostCore;
}

class TraceDocument implements vscode.CustomDocument {
  traces: Trace[] = [];
  issues: string[] = [];
  private annotated = new Map<number, AnnotatedTrace>();
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
  annotatedAt(i: number, detector: ReturnType<typeof HostCore.makeDetector>): AnnotatedTrace {
    let a = this.annotated.get(i);
    if (!a) {
      a = core().annotateTrace(this.traces[i]!, detector);
      this.annotated.set(i, a);
    }
    return a;
  }
}

/**
 * The list needs every trace annotated (behavior counts, correctness). Large files are annotated in
 * slices that yield to the event loop, so the extension host never stalls on a big file.
 */
async function listItems(doc: TraceDocument, detector: ReturnType<typeof HostCore.makeDetector>) {
  const items: ReturnType<typeof HostCore.listItem>[] = [];
  let sliceStart = Date.now();
  for (let i = 0; i < doc.traces.length; i++) {
    items.push(core().listItem(i, doc.annotatedAt(i, detector)));
    if (Date.now() - sliceStart > 20) {
      await new Promise((r) => setImmediate(r));
      sliceStart = Date.now();
    }
  }
  return items;
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  static readonly viewType = 'cogtrace.traceView';
  private active?: vscode.WebviewPanel;
  /** The file shown in the active trace view: what "Annotate Trace File" acts on by default. */
  private activeUri?: vscode.Uri;
  private testOut?: string;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  enableTestReports(dir: string) {
    this.testOut = dir;
    mkdirSync(dir, { recursive: true });
  }

  private report(name: string, data: unknown) {
    if (!this.testOut) return;
    const tmp = join(this.testOut, `${name}.json.tmp`);
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, join(this.testOut, `${name}.json`));
  }

  async openCustomDocument(
    uri: vscode.Uri,
    _ctx: vscode.CustomDocumentOpenContext,
    token: vscode.CancellationToken,
  ): Promise<TraceDocument> {
    const doc = new TraceDocument(uri);
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Window,
        title: `Cogtrace: reading ${vscode.workspace.asRelativePath(uri)}`,
      },
      async () => {
        const r = await core().loadTraceFile(uri.fsPath, ac.signal);
        doc.traces = r.traces;
        doc.issues = r.issues;
      },
    );
    for (const i of doc.issues) this.log.warn(i);
    if (doc.issues.length) {
      void vscode.window
        .showWarningMessage(
          `Cogtrace: ${doc.issues.length} problem(s) in ${vscode.workspace.asRelativePath(uri)}; the other traces loaded.`,
          'Show Log',
        )
        .then((a) => a && this.log.show());
    }
    return doc;
  }

  async resolveCustomEditor(doc: TraceDocument, panel: vscode.WebviewPanel): Promise<void> {
    const imageRoots = [
      ...new Set(
        doc.traces
          .map((t) => t.problem?.image)
          .filter((p): p is string => !!p && !/^[a-z]+:/i.test(p))
          .map((p) => vscode.Uri.file(dirname(p))),
      ),
    ];
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.context.extensionUri, 'dist'),
        vscode.Uri.joinPath(doc.uri, '..'),
        ...imageRoots,
      ],
    };
    panel.webview.html = webviewHtml(panel.webview, this.context.extensionUri);
    this.active = panel;
    this.activeUri = doc.uri;
    panel.onDidChangeViewState(() => {
      if (!panel.active) return;
      this.active = panel;
      this.activeUri = doc.uri;
    });
    panel.onDidDispose(() => {
      if (this.active !== panel) return;
      this.active = undefined;
      this.activeUri = undefined;
    });
    const settings = readRawSettings();
    const detector = this.detector(settings.rulesFile);
    const colors = core().resolveColors(settings.colorOverrides, (m) => this.log.warn(m));
    const post = (m: HostToWebview) => panel.webview.postMessage(m);
    const sendTrace = async (index: number) => {
      const i = Math.min(Math.max(0, index), doc.traces.length - 1);
      if (i < 0) return;
      const a = doc.annotatedAt(i, detector);
      const img = a.problem?.image;
      const imageUri =
        img && !/^[a-z]+:/i.test(img)
          ? panel.webview.asWebviewUri(vscode.Uri.file(img)).toString()
          : undefined;
      const kind = vscode.window.activeColorTheme.kind;
      const theme =
        kind === vscode.ColorThemeKind.Light
          ? 'light'
          : kind === vscode.ColorThemeKind.HighContrast
            ? 'high-contrast'
            : kind === vscode.ColorThemeKind.HighContrastLight
              ? 'high-contrast-light'
              : 'dark';
      const code = await core().highlightCodeBlocks(a.response, theme);
      await post({ type: 'trace', index: i, trace: a, imageUri, code });
    };
    panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = core().parseWebviewMessage(raw);
      if (!parsed.success) {
        this.log.warn(`ignored an invalid message from the trace view: ${parsed.error.message}`);
        return;
      }
      const m = parsed.data;
      switch (m.type) {
        case 'ready': {
          const started = Date.now();
          const traces = await listItems(doc, detector);
          await post({
            type: 'init',
            file: vscode.workspace.asRelativePath(doc.uri),
            traces,
            issues: doc.issues,
            colors,
            savedState: this.context.workspaceState.get<ViewState>(`view:${doc.uri.toString()}`),
          });
          this.log.info(`opened ${doc.uri.fsPath}: ${traces.length} traces in ${Date.now() - started} ms`);
          break;
        }
        case 'selectTrace':
          await sendTrace(m.index);
          break;
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          void vscode.window.setStatusBarMessage('Cogtrace: copied as Markdown', 2000);
          this.report('copied', { length: m.text.length, head: m.text.slice(0, 200) });
          break;
        case 'stateChanged':
          await this.context.workspaceState.update(`view:${doc.uri.toString()}`, m.state);
          this.report('state', m.state satisfies ViewState);
          break;
        case 'log':
          this.log[m.level](`[trace view] ${m.message}`);
          this.report(`webview-log-${Date.now()}`, m);
          break;
      }
    });
  }

  private detector(rulesFile: string | undefined): ReturnType<typeof HostCore.makeDetector> {
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

  sendCommand(command: 'nextStep' | 'previousStep' | 'nextBehavior' | 'focusSearch') {
    void this.active?.webview.postMessage({ type: 'command', command } satisfies HostToWebview);
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
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cogtrace: annotating', cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const detector = this.detector(readRawSettings().rulesFile);
        const r = await core().loadTraceFile(target.fsPath, ac.signal);
        const lines: string[] = [];
        for (const [i, t] of r.traces.entries()) {
          if (token.isCancellationRequested) break;
          lines.push(JSON.stringify(core().annotateTrace(t, detector)));
          if (i % 50 === 0) {
            progress.report({
              message: `${i + 1}/${r.traces.length}`,
              increment: (50 / Math.max(1, r.traces.length)) * 100,
            });
            await new Promise((res) => setImmediate(res)); // stay responsive
          }
        }
        writeFileSync(out, lines.join('\n') + (lines.length ? '\n' : ''));
        for (const i of r.issues) this.log.warn(i);
        void vscode.window.showInformationMessage(
          `Cogtrace: annotated ${lines.length} trace(s) → ${vscode.workspace.asRelativePath(out)}${r.issues.length ? ` (${r.issues.length} input problems, see log)` : ''}`,
        );
      },
    );
  }
}
