// Runs from the command palette: "Run on Image and Problem…" picks the image (the active image
// editor, the explorer's file, or a dialog), the question and the checkpoints, then runs each
// checkpoint through the runner (a child process for local ONNX models, HTTP for servers), all at
// once unless cogtrace.run.parallel is off, and streams their steps into live trace views side by
// side (livePanel.ts) as they are generated, annotated as they arrive. Each trace is saved to the
// run file the moment it ends (cancelled or failed ones with their status).
import * as vscode from 'vscode';
import { mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { LoadInfo } from '../protocol/runner';
import type { CheckpointSetting, RunSettings } from '../protocol/runSettings';
import type { CompareHost } from './compare';
import { LiveRun, type Side } from './livePanel';
import { readRunSettings } from './runSettings';

/** A server checkpoint's API key from the editor's secret storage (Configure Checkpoints… puts it there). */
export const apiKey = (host: CompareHost, ck: CheckpointSetting) =>
  ck.backend === 'openai' ? host.context.secrets.get(`cogtrace.apiKey.${ck.id}`) : Promise.resolve(undefined);

const IMAGE = /\.(png|jpe?g|webp|gif|bmp)$/i;

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

  /** The checkpoints to run: all picked by default; a single one needs no question; none, a message. */
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
    if (picked && !picked.length)
      // accepted with every box cleared: say so rather than do nothing
      void vscode.window.showInformationMessage('Cogtrace: no checkpoint picked, so nothing was run.');
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
    const live = new LiveRun(this.host, sides, problem, `Run: ${basename(image.fsPath)}`);
    const ac = new AbortController();
    this.current = ac;
    void vscode.commands.executeCommand('setContext', 'cogtrace.running', true);
    this.status.show();
    const loaded: (LoadInfo | undefined)[] = checkpoints.map(() => undefined);
    const started = checkpoints.map(() => Date.now());
    const where = (info: LoadInfo) => (info.adapter ? `${info.device}: ${info.adapter}` : info.device);
    const showStatus = () => {
      const now = Date.now();
      this.status.text = `$(pulse) ${checkpoints
        .map((ck, i) => {
          const n = sides[i]!.tokens.length;
          const rate = n / Math.max(0.001, (now - started[i]!) / 1000);
          const dev = loaded[i] ? ` · ${loaded[i]!.device}` : '';
          return `${ck.label ?? ck.id}: ${n} tok · ${rate.toFixed(1)} tok/s${dev}`;
        })
        .join('  |  ')}`;
    };
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Cogtrace', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => ac.abort());
          progress.report({ message: `running ${checkpoints.map((c) => c.label ?? c.id).join(', ')}…` });
          const runSide = async (i: number) => {
            const ck = checkpoints[i]!;
            if (ac.signal.aborted) return;
            try {
              await engine.runBatch({
                problems: [problem],
                checkpoints: [engine.toCheckpointConfig(ck, await apiKey(this.host, ck))],
                out,
                params: engine.generationParams(settings),
                system: settings.systemPrompt || undefined,
                signal: ac.signal,
                onLoaded: (_k, info) => {
                  started[i] = Date.now();
                  loaded[i] = info;
                  this.host.log.info(
                    `run ${ck.id}: loaded on ${where(info)} in ${info.loadMs} ms${info.note ? ` (${info.note})` : ''}`,
                  );
                  this.status.tooltip = checkpoints
                    .map((c, j) => `${c.label ?? c.id}: ${loaded[j] ? where(loaded[j]!) : 'loading…'}`)
                    .join('\n');
                },
                onToken: (_k, t) => {
                  live.token(i, t);
                  if (sides[i]!.tokens.length % 8 === 0) showStatus();
                },
                onTrace: (_k, trace) => {
                  // a failure mid-generation (a crashed or killed process, a dropped stream) is said
                  if (trace.status === 'error' && trace.error)
                    void vscode.window.showErrorMessage(
                      `Cogtrace: ${ck.label ?? ck.id}: ${trace.error} The partial trace is saved.`,
                    );
                  void live.finish(i, trace, trace.error);
                },
              });
            } catch (e) {
              // the other checkpoints go on; the message is the runner's, verbatim
              const msg = (e as Error).message;
              this.host.log.error(`run ${ck.id}: ${msg}`);
              // a GPU that cannot be used: the same checkpoint on the CPU is one click away
              const gpu = /^(cuda|webgpu)-unavailable$/.test((e as { code?: string }).code ?? '');
              void vscode.window
                .showErrorMessage(`Cogtrace: ${ck.label ?? ck.id}: ${msg}`, ...(gpu ? ['Run on CPU'] : []))
                .then((a) => {
                  if (a) void this.run(image, question, [{ ...ck, device: 'cpu' }], settings);
                });
              await live.finish(i, undefined, msg);
            }
          };
          // together (each local model in its own process), or one after another when asked to
          if (settings.parallel) await Promise.all(checkpoints.map((_, i) => runSide(i)));
          else for (let i = 0; i < checkpoints.length; i++) await runSide(i);
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
