// The live trace views of a run from the palette: every checkpoint's growing response, annotated as
// it arrives and sent to the views as coalesced deltas; two views side by side when there are two or
// more checkpoints. Each side is filled by Runs (liveRun.ts) as tokens and finished traces come in.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { AnnotatedTrace, Trace } from '../core/schema';
import type { HostToWebview } from '../protocol/traceView';
import type { CheckpointSetting } from '../protocol/runSettings';
import type { CompareHost } from './compare';
import { webviewHtml } from './html';
import { Coalescer, traceDelta } from './liveDelta';
import { ListServer } from './listServer';

export interface Side {
  setting: CheckpointSetting;
  response: string;
  tokens: NonNullable<Trace['tokens']>;
  status: Trace['status'];
  final?: Trace;
  error?: string;
}

/**
 * A live trace view of one run: the trace view app, fed by the host as tokens arrive. A run with two
 * or more checkpoints opens two, side by side (editor columns), each following one checkpoint; every
 * panel lists all of them, so any can be shown in either.
 */
class LivePanel {
  readonly panel: vscode.WebviewPanel;
  private readonly deltas = new Coalescer(() => this.sendDelta());
  /** The list of sides, answered from a store built when asked (a run has a few). */
  private readonly list = new ListServer(
    {
      store: () => this.host.engine().storeOf(this.run.sides.map((_, i) => this.run.annotated(i))),
      status: () => {
        const n = this.run.sides.length;
        return { phase: 'ready', scanned: 0, size: 0, count: n, summarized: n };
      },
    },
    (m) => this.post(m),
  );

  constructor(
    private readonly host: CompareHost,
    private readonly run: LiveRun,
    private readonly problem: NonNullable<Trace['problem']>,
    title: string,
    private selected: number,
    column: vscode.ViewColumn,
  ) {
    this.panel = vscode.window.createWebviewPanel('cogtrace.liveRun', title, column, {
      enableScripts: true,
      // the image the user picked for this run, and the app's own files
      localResourceRoots: [
        vscode.Uri.joinPath(host.context.extensionUri, 'dist'),
        vscode.Uri.file(dirname(problem.image!)),
      ],
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, host.context.extensionUri);
    this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    this.panel.onDidDispose(() => this.deltas.dispose());
  }

  private post(m: HostToWebview) {
    return this.panel.webview.postMessage(m);
  }

  private async receive(raw: unknown) {
    const parsed = this.host.engine().parseWebviewMessage(raw);
    if (!parsed.success) return this.host.log.warn(`ignored an invalid message from the live view`);
    const m = parsed.data;
    if (m.type === 'ready') {
      // a panel that follows another checkpoint than the first shows it from the start (read
      // before the list goes out: the view answers the list by selecting its first trace)
      const follow = this.selected;
      await this.sendList();
      if (follow > 0) await this.post({ type: 'reveal', index: follow });
      return;
    }
    if (m.type === 'selectTrace') {
      this.selected = Math.min(m.index, this.run.sides.length - 1);
      return this.sendTrace(this.selected);
    }
    if (m.type === 'listQuery') return this.list.query(m);
    if (m.type === 'listRows') return this.list.rows(m);
    if (m.type === 'copy') return vscode.env.clipboard.writeText(m.text);
    if (m.type === 'log') this.host.log[m.level](`[live view] ${m.message}`);
  }

  sendList() {
    return this.post({
      type: 'init',
      file: 'live run',
      total: this.run.sides.length,
      issues: this.run.sides.flatMap((s) => (s.error ? [`${s.setting.id}: ${s.error}`] : [])),
      colors: this.host.colors(),
    });
  }

  private sendTrace(i: number) {
    const trace = this.run.annotated(i);
    const imageUri = this.panel.webview.asWebviewUri(vscode.Uri.file(this.problem.image!)).toString();
    return this.post({ type: 'trace', index: i, trace, imageUri, code: [] });
  }

  /** Side `i` grew: when it is the one shown, it is re-annotated and sent at most every 33 ms. */
  changed(i: number) {
    if (i === this.selected) this.deltas.poke();
  }

  private sendDelta() {
    const i = this.selected;
    const a = this.run.annotated(i);
    void this.post(traceDelta(i, a));
    this.host.report('live-delta', { index: i, chars: a.response.length, steps: a.steps.length });
  }
}

/** The sides of one run, annotated once for every panel, and the panels showing them. */
export class LiveRun {
  readonly panels: LivePanel[];
  /** Built once per run: the stream re-annotates every 33 ms. */
  private readonly detector: ReturnType<CompareHost['detector']>;
  /** Annotations of ended sides, which no longer change (every panel lists every side). */
  private readonly ended = new Map<number, AnnotatedTrace>();

  constructor(
    private readonly host: CompareHost,
    readonly sides: Side[],
    private readonly problem: NonNullable<Trace['problem']>,
    title: string,
  ) {
    this.detector = host.detector();
    this.panels = [new LivePanel(host, this, problem, title, 0, vscode.ViewColumn.Active)];
    if (sides.length > 1)
      this.panels.push(new LivePanel(host, this, problem, title, 1, vscode.ViewColumn.Beside));
  }

  /** Side `i` as it stands, annotated. */
  annotated(i: number): AnnotatedTrace {
    const done = this.ended.get(i);
    if (done) return done;
    const s = this.sides[i]!;
    const t: Trace = s.final ?? {
      schemaVersion: 1,
      id: `${this.problem.id}/${s.setting.id}`,
      problemId: this.problem.id,
      checkpoint: {
        id: s.setting.id,
        label: s.setting.label ?? s.setting.id,
        role: s.setting.role,
        step: s.setting.step,
      },
      response: s.response,
      tokens: s.tokens,
      status: s.status,
      error: s.error,
      problem: this.problem,
    };
    const a = this.host.engine().annotateTrace(t, this.detector);
    if (s.final) this.ended.set(i, a);
    return a;
  }

  token(i: number, t: Side['tokens'][number]) {
    const s = this.sides[i]!;
    s.response += t.text;
    s.tokens.push(t);
    for (const p of this.panels) p.changed(i);
  }

  /** Side `i` ended (saved): every panel gets the list and, when shown, the trace in full. */
  async finish(i: number, trace?: Trace, error?: string) {
    const s = this.sides[i]!;
    s.final = trace;
    s.error = error;
    if (!trace) s.status = 'error';
    await Promise.all(this.panels.map((p) => p.sendList()));
  }
}
