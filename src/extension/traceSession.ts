// One trace view panel: answers its webview's messages (validated by the engine), sends the file's
// list and one annotated trace at a time with highlighted code and the image it may show, and keeps
// the view state. The provider (traceEditor.ts) creates one per panel.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type * as Engine from './engine';
import type { AnnotatedTrace } from '../core/schema';
import type { HostToWebview, WebviewToHost } from '../protocol/traceView';
import { allowImageFolder, imageRoots } from './imageAccess';
import type { TraceFileIndex } from './indexer';
import { ListServer } from './listServer';
import { ReviewSession } from './reviewSession';
import type { LabelFile } from '../core/review/labelFile';
import type { JudgeService } from './judge';

export type Detector = ReturnType<typeof Engine.detectorFromFile>;

/** What a session needs from the document and the provider. */
export interface SessionContext {
  engine: typeof Engine;
  uri: vscode.Uri;
  index: TraceFileIndex;
  colors: Record<string, string>;
  state: vscode.Memento;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Test hook: writes a JSON report the end-to-end suite reads. */
  report: (name: string, data: unknown) => void;
  /** The file's review decisions (shared by the file's panels). */
  labels: LabelFile;
  /** Shows (or, undefined, hides) the review count in the status bar. */
  reviewStatus: (text: string | undefined) => void;
  /** The detector the view shows: rules, or with the judge's cached hits (judge.ts). */
  judge: Pick<JudgeService, 'overlay'>;
}

export type ShikiTheme = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function shikiTheme(kind: vscode.ColorThemeKind): ShikiTheme {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return 'light';
    case vscode.ColorThemeKind.HighContrast:
      return 'high-contrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'high-contrast-light';
    default:
      return 'dark';
  }
}

/** The workspace-state key of a trace file's view state (the host's copy). */
export const viewStateKey = (uri: vscode.Uri) => `view:${uri.toString()}`;

/**
 * Saves trace `index` as the newest view state of `uri`: a view that starts afresh (a hidden panel
 * revealed, or a new one) loads it, since the newer of its own and the host's copy wins.
 */
export async function saveTraceChoice(
  engine: typeof Engine,
  state: vscode.Memento,
  uri: vscode.Uri,
  index: number,
) {
  const saved = engine.validViewState(state.get(viewStateKey(uri)));
  await state.update(viewStateKey(uri), { ...saved, traceIndex: index, scrollTop: 0, savedAt: Date.now() });
}

export class TraceSession {
  private readonly list: ListServer;
  private readonly review: ReviewSession;
  /** The trace on screen, annotated (a reveal or image permission sends it again). */
  private shown?: { index: number; trace: AnnotatedTrace };

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly ctx: SessionContext,
  ) {
    this.applyRoots();
    const { index } = ctx;
    this.list = new ListServer(
      {
        store: () => index.store,
        status: () => index.progress(),
        ensure: (rows) => index.ensureSummarized(rows),
      },
      (m) => this.post(m),
    );
    const off = index.onChange((_p, reset) => {
      if (reset) {
        this.shown = undefined;
        void this.sendList();
      } else this.list.changed();
    });
    this.review = new ReviewSession({
      engine: ctx.engine,
      index,
      labels: ctx.labels,
      post: (m) => this.post(m),
      reveal: (i) => this.reveal(i),
      status: ctx.reviewStatus,
      order: () => this.list.currentOrder(),
      report: ctx.report,
      log: ctx.log,
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      off();
      this.list.dispose();
      this.review.dispose();
    });
  }

  /** Sends the shown trace again (the detector setting changed, or the judge judged it). */
  async refresh() {
    const i = this.shown?.index;
    if (i === undefined) return;
    this.shown = undefined;
    await this.sendTrace(i);
  }

  /** Shows trace `index` in this panel and brings it to the front (saved too: see saveTraceChoice). */
  async reveal(index: number) {
    await saveTraceChoice(this.ctx.engine, this.ctx.state, this.ctx.uri, index);
    this.panel.reveal();
    await this.post({ type: 'reveal', index });
  }

  private get key() {
    return viewStateKey(this.ctx.uri);
  }

  private post(m: HostToWebview) {
    return this.panel.webview.postMessage(m);
  }

  /** Scripts from dist/, images from the allowed roots only. */
  private applyRoots() {
    this.panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.ctx.extensionUri, 'dist'),
        ...imageRoots(this.ctx.uri).map((r) => vscode.Uri.file(r)),
      ],
    };
  }

  private async receive(raw: unknown) {
    const parsed = this.ctx.engine.parseWebviewMessage(raw);
    if (!parsed.success) {
      this.ctx.log.warn(`ignored an invalid message from the trace view: ${parsed.error.message}`);
      return;
    }
    await this.handle(parsed.data);
  }

  private async handle(m: WebviewToHost) {
    const { ctx } = this;
    switch (m.type) {
      case 'ready':
        return this.sendList();
      case 'selectTrace':
        return this.sendTrace(m.index);
      case 'listQuery':
        return this.list.query(m);
      case 'listRows':
        return this.list.rows(m);
      case 'reviewMode':
      case 'reviewDecide':
      case 'reviewDone':
        return this.review.handle(m);
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.setStatusBarMessage('Cogtrace: copied as Markdown', 2000);
        return ctx.report('copied', { length: m.text.length, head: m.text.slice(0, 200) });
      case 'stateChanged':
        await ctx.state.update(this.key, m.state);
        return ctx.report('state', m.state);
      case 'allowImageFolder': {
        const shown = this.shown?.index === m.index ? this.shown.trace : undefined;
        const blocked = shown && this.image(shown).blocked;
        if (blocked && (await allowImageFolder(blocked.folder))) {
          this.applyRoots();
          await this.sendTrace(m.index);
        }
        return;
      }
      case 'log':
        ctx.log[m.level](`[trace view] ${m.message}`);
        return ctx.report(`webview-log-${Date.now()}`, m);
    }
  }

  /** The file's header; the rows follow the view's list query (listServer.ts). */
  private async sendList() {
    const { ctx } = this;
    const { store, fileIssues } = ctx.index;
    await this.post({
      type: 'init',
      file: vscode.workspace.asRelativePath(ctx.uri),
      total: store.count,
      issues: [...fileIssues, ...[...store.issues.values()].slice(0, 200)],
      colors: ctx.colors,
      savedState: ctx.engine.validViewState(ctx.state.get(this.key)),
    });
    ctx.report('list', { file: ctx.uri.fsPath, ...ctx.index.progress() });
  }

  /** The image of a trace: a webview URI when inside the allowed roots, else why not. */
  private image(trace: AnnotatedTrace): { uri?: string; blocked?: { path: string; folder: string } } {
    const ref = trace.problem?.image;
    const file = ref ? this.ctx.engine.imageFile(ref) : undefined;
    if (!file) return {};
    if (this.ctx.engine.rootHolding(file, imageRoots(this.ctx.uri)) === undefined)
      return { blocked: { path: file, folder: dirname(file) } };
    return { uri: this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString() };
  }

  private async sendTrace(index: number) {
    const { ctx } = this;
    const i = Math.min(Math.max(0, index), ctx.index.store.count - 1);
    if (i < 0) return;
    this.review.traceShown(i);
    const started = Date.now();
    let trace = this.shown?.index === i ? this.shown.trace : undefined;
    if (!trace) {
      const r = ctx.index.annotated(i);
      if (!r.annotated) {
        const line = ctx.index.store.line[i];
        return this.post({ type: 'error', message: `${ctx.uri.fsPath}:${line}: ${r.issue}` });
      }
      trace = r.annotated;
      this.shown = { index: i, trace };
    }
    const shown = await ctx.judge.overlay(trace);
    const img = this.image(trace);
    const code = await ctx.engine.highlightCodeBlocks(
      trace.response,
      shikiTheme(vscode.window.activeColorTheme.kind),
    );
    if (img.blocked) ctx.log.info(`image outside the allowed folders, not loaded: ${img.blocked.path}`);
    await this.post({
      type: 'trace',
      index: i,
      trace: shown.trace,
      imageUri: img.uri,
      imageBlocked: img.blocked,
      code,
      ...(shown.judge ? { judge: shown.judge } : {}),
    });
    ctx.report('trace-sent', {
      index: i,
      ms: Date.now() - started,
      judge: shown.judge,
      detectors: [
        ...new Set(shown.trace.steps.flatMap((s) => s.behaviors.map((h) => h.detector.split(':')[0]))),
      ],
    });
  }
}
