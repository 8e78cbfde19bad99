// Runs from the command palette: "Run on Image and Problem…" picks the image (the active image
// editor, the explorer's file, or a dialog), the question and the checkpoints, then runs each
// checkpoint through the runner (a child process for local ONNX models, HTTP for servers) and
// streams its steps into a live trace view as they are generated, annotated as they arrive. Each
// trace is saved to the run file the moment it ends (cancelled or failed ones with their status).
import * as vscode from 'vscode';
import { mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { AnnotatedTrace, Trace } from '../core/schema';
import type { HostToWebview } from '../protocol/traceView';
import type { CheckpointSetting, RunSettings } from '../protocol/runSettings';
import type { CompareHost } from './compare';
import { webviewHtml } from './html';
import { readRunSettings } from './runSettings';

/** A server checkpoint's API key from the editor's secret storage (Configure Checkpoints… puts it there). */
export const apiKey = (host: CompareHost, ck: CheckpointSetting) =>
  ck.backend === 'openai' ? host.context.secrets.get(`cogtrace.apiKey.${ck.id}`) : Promise.resolve(undefined);

const IMAGE = /\.(png|jpe?g|webp|gif|bmp)$/i;

interface Side {
  setting: CheckpointSetting;
  response: string;
  tokens: NonNullable<Trace['tokens']>;
  status: Trace['status'];
  final?: Trace;
  error?: string;
}

/** The live trace view of one run: the trace view app, fed by the host as tokens arrive. */
class LivePanel {
  readonly panel: vscode.WebviewPanel;
  private selected = 0;
  private timer?: ReturnType<typeof setTimeout>;
  /** Built once per run: the stream re-annotates every 33 ms. */
  private readonly detector: ReturnType<CompareHost['detector']>;

  constructor(
    private readonly host: CompareHost,
    private readonly sides: Side[],
    private readonly problem: NonNullable<Trace['problem']>,
    title: string,
  ) {
    this.panel = vscode.window.createWebviewPanel('cogtrace.liveRun', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      // the image the user picked for this run, and the app's own files
      localResourceRoots: [
        vscode.Uri.joinPath(host.context.extensionUri, 'dist'),
        vscode.Uri.file(dirname(problem.image!)),
      ],
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, host.context.extensionUri);
    this.detector = host.detector();
    this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
  }

  private post(m: HostToWebview) {
    return this.panel.webview.postMessage(m);
  }

  private traceOf(i: number): AnnotatedTrace {
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
    return this.host.engine().annotateTrace(t, this.detector);
  }

  private async receive(raw: unknown) {
    const parsed = this.host.engine().parseWebviewMessage(raw);
    if (!parsed.success) return this.host.log.warn(`ignored an invalid message from the live view`);
    const m = parsed.data;
    if (m.type === 'ready') return this.sendList();
    if (m.type === 'selectTrace') {
      this.selected = Math.min(m.index, this.sides.length - 1);
      return this.sendTrace(this.selected);
    }
    if (m.type === 'copy') return vscode.env.clipboard.writeText(m.text);
    if (m.type === 'log') this.host.log[m.level](`[live view] ${m.message}`);
  }

  sendList() {
    const engine = this.host.engine();
    return this.post({
      type: 'init',
      file: 'live run',
      traces: this.sides.map((_, i) => engine.listItem(i, this.traceOf(i))),
      issues: this.sides.flatMap((s) => (s.error ? [`${s.setting.id}: ${s.error}`] : [])),
      colors: this.host.colors(),
    });
  }

  private sendTrace(i: number) {
    const trace = this.traceOf(i);
    const imageUri = this.panel.webview.asWebviewUri(vscode.Uri.file(this.problem.image!)).toString();
    return this.post({ type: 'trace', index: i, trace, imageUri, code: [] });
  }

  /** A token of side `i`: appended, and the open side re-annotated at most every 33 ms. */
  token(i: number, t: Side['tokens'][number]) {
    const s = this.sides[i]!;
    s.response += t.text;
    s.tokens.push(t);
    if (i !== this.selected || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const a = this.traceOf(i);
      void this.post({ type: 'traceDelta', index: i, response: a.response, steps: a.steps, done: false });
      this.host.report('live-delta', { index: i, chars: a.response.length, steps: a.steps.length });
    }, 33);
  }

  /** Side `i` ended (saved): the list and, when open, the trace are sent in full. */
  async finish(i: number, trace?: Trace, error?: string) {
    const s = this.sides[i]!;
    s.final = trace;
    s.error = error;
    if (!trace) s.status = 'error';
    await this.sendList();
  }
}

export class Runs {
  private current?: AbortController;
  private statusItem?: vscode.StatusBarItem;
  /** Created on the first run: activation creates nothing it does not need. */
  private get status() {
    return (this.statusItem ??= vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50));
  }

  constructor(private readonly host: CompareHost) {}

  cancel() {
    this.current?.abort();
  }

  private async refuseUntrusted(): Promise<boolean> {
    if (vscode.workspace.isTrusted) return false;
    const a = await vscode.window.showWarningMessage(
      'Cogtrace runs no model in restricted mode: a workspace could name the model, server or prompt. Trust the workspace to run.',
      'Manage Workspace Trust',
    );
    if (a) await vscode.commands.executeCommand('workbench.trust.manage');
    return true;
  }

  private activeImage(): vscode.Uri | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const uri =
      input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
    return uri && IMAGE.test(uri.fsPath) ? uri : undefined;
  }

  /** Trust, then the validated run settings with at least one checkpoint; undefined when refused. */
  async prepare() {
    if (await this.refuseUntrusted()) return undefined;
    const engine = this.host.engine();
    const parsed = engine.parseRunSettings(readRunSettings());
    if (!parsed.settings) {
      void vscode.window.showErrorMessage(`Cogtrace: ${parsed.error}`);
      return undefined;
    }
    if (!parsed.settings.checkpoints.length) {
      const a = await vscode.window.showWarningMessage(
        'Cogtrace: no checkpoint to run. Add a model folder or a server (Configure Checkpoints…).',
        'Configure Checkpoints…',
      );
      if (a) await vscode.commands.executeCommand('cogtrace.configureCheckpoints');
      return undefined;
    }
    return { engine, settings: parsed.settings };
  }

  /** The checkpoints to run: all picked by default; a single one needs no question. */
  async pickCheckpoints(list: CheckpointSetting[]): Promise<CheckpointSetting[] | undefined> {
    if (list.length === 1) return list;
    const picked = await vscode.window.showQuickPick(
      list.map((c) => ({
        label: c.label ?? c.id,
        description: `${c.role} · ${c.backend === 'openai' ? c.baseUrl : c.model}`,
        picked: true,
        setting: c,
      })),
      { canPickMany: true, title: 'Cogtrace: run which checkpoints?' },
    );
    return picked?.map((p) => p.setting);
  }

  async runOnImage(uri?: vscode.Uri) {
    const ready = await this.prepare();
    if (!ready) return;
    const { settings } = ready;
    const image =
      (uri && IMAGE.test(uri.fsPath) ? uri : undefined) ??
      this.activeImage() ??
      (
        await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: { Images: ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] },
          openLabel: 'Run on This Image',
        })
      )?.[0];
    if (!image) return;
    const question = await vscode.window.showInputBox({
      title: `Cogtrace: question about ${basename(image.fsPath)}`,
      prompt: 'The problem to ask the model (choices may follow as A. … B. …)',
      ignoreFocusOut: true,
    });
    if (!question?.trim()) return;
    const chosen = await this.pickCheckpoints(settings.checkpoints);
    if (!chosen?.length) return;
    await this.run(image, question.trim(), chosen, settings);
  }

  private async run(
    image: vscode.Uri,
    question: string,
    checkpoints: CheckpointSetting[],
    settings: RunSettings,
  ) {
    const engine = this.host.engine();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(image.fsPath);
    const outDir = isAbsolute(settings.outputFolder)
      ? settings.outputFolder
      : join(folder, settings.outputFolder);
    mkdirSync(outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const slug = `${basename(image.fsPath).replace(/\.\w+$/, '')}-${stamp}`;
    const out = join(outDir, `${slug}.trace.jsonl`);
    const problem = { schemaVersion: 1 as const, id: slug, question, image: image.fsPath, meta: {} };
    const sides: Side[] = checkpoints.map((c) => ({
      setting: c,
      response: '',
      tokens: [],
      status: 'interrupted',
    }));
    const live = new LivePanel(this.host, sides, problem, `Run: ${basename(image.fsPath)}`);
    const ac = new AbortController();
    this.current = ac;
    void vscode.commands.executeCommand('setContext', 'cogtrace.running', true);
    this.status.show();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Cogtrace', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => ac.abort());
          for (const [i, ck] of checkpoints.entries()) {
            if (ac.signal.aborted) break;
            progress.report({ message: `${ck.label ?? ck.id}: loading…` });
            let n = 0;
            let t0 = Date.now();
            let device = '';
            try {
              await engine.runBatch({
                problems: [problem],
                checkpoints: [engine.toCheckpointConfig(ck, await apiKey(this.host, ck))],
                out,
                params: engine.generationParams(settings),
                system: settings.systemPrompt || undefined,
                signal: ac.signal,
                onLoaded: (_k, info) => {
                  t0 = Date.now();
                  device = info.adapter ? `${info.device}: ${info.adapter}` : info.device;
                  this.host.log.info(
                    `run ${ck.id}: loaded on ${device} in ${info.loadMs} ms${info.note ? ` (${info.note})` : ''}`,
                  );
                  this.status.tooltip = `Cogtrace: ${ck.label ?? ck.id} on ${device}${info.note ? `\n${info.note}` : ''}`;
                },
                onToken: (_k, t) => {
                  live.token(i, t);
                  n++;
                  const rate = n / Math.max(0.001, (Date.now() - t0) / 1000);
                  this.status.text = `$(pulse) ${ck.label ?? ck.id}: ${n} tokens · ${rate.toFixed(1)} tok/s${device ? ` · ${device.split(':')[0]}` : ''}`;
                  if (n % 16 === 0) progress.report({ message: `${ck.label ?? ck.id}: ${n} tokens` });
                },
                onTrace: (_k, trace) => void live.finish(i, trace, trace.error),
              });
            } catch (e) {
              // the run goes on with the next checkpoint; the message is the runner's, verbatim
              const msg = (e as Error).message;
              this.host.log.error(`run ${ck.id}: ${msg}`);
              void vscode.window.showErrorMessage(`Cogtrace: ${ck.label ?? ck.id}: ${msg}`);
              await live.finish(i, undefined, msg);
            }
          }
        },
      );
    } finally {
      this.current = undefined;
      this.status.hide();
      void vscode.commands.executeCommand('setContext', 'cogtrace.running', false);
    }
    this.host.report('run', { out, cancelled: ac.signal.aborted });
    const saved = sides.filter((s) => s.final).length;
    const actions = saved >= 2 ? ['Compare', 'Open Trace File'] : ['Open Trace File'];
    void vscode.window
      .showInformationMessage(
        `Cogtrace: run ${ac.signal.aborted ? 'cancelled' : 'finished'}; traces saved to ${vscode.workspace.asRelativePath(out)}`,
        ...actions,
      )
      .then((a) => {
        if (a === 'Compare')
          void vscode.commands.executeCommand('cogtrace.compareTraces', vscode.Uri.file(out));
        else if (a)
          void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(out), 'cogtrace.traceView');
      });
  }
}
