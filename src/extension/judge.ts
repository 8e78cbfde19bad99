// The LLM judge in the editor: which detector the views show (cogtrace.detector: rules, judge or
// both); the judge built from a checkpoint of cogtrace.checkpoints (a server, its key from the secret
// storage where Configure Checkpoints puts it; or a local model, run in a runner child); and "Judge
// Behaviors in Trace File": an estimate (a modal to confirm past 50 calls), progress, Cancel,
// counters. Views never call the judge: a trace shows the judge's hits once its judgments are in
// the on-disk cache. Refused in restricted mode.
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Engine from './engine';
import type { TraceFileIndex } from './indexer';
import type { AnnotatedTrace, Trace } from '../core/schema';
import { readRunSettings } from './runSettings';

type Judge = InstanceType<typeof Engine.JudgeDetector>;
export type DetectorMode = 'rules' | 'judge' | 'both';

/** What a trace view says about the judge beside the trace. */
export interface JudgeStatus {
  mode: 'judge' | 'both';
  name: string;
  judged: boolean;
  /** Why there is no judge (not configured, a local checkpoint…). */
  problem?: string;
}

/** Runs past this many calls ask first (time, and money on a hosted API). */
const CONFIRM_CALLS = 50;

export class JudgeService {
  private built?: { key: string; judge: Judge };
  private running?: AbortController;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly engine: () => typeof Engine,
  ) {}

  /** The detector the views show; rules only in restricted mode. */
  mode(): DetectorMode {
    if (!vscode.workspace.isTrusted) return 'rules';
    const m = vscode.workspace.getConfiguration('cogtrace').get<string>('detector');
    return m === 'judge' || m === 'both' ? m : 'rules';
  }

  /** The judge the settings name, or why there is none. */
  private async judge(): Promise<Judge | string> {
    const e = this.engine();
    const cfg = vscode.workspace.getConfiguration('cogtrace');
    const id = cfg.get<string>('judge.checkpoint') ?? '';
    if (!id) return 'set cogtrace.judge.checkpoint to the id of a server checkpoint (cogtrace.checkpoints)';
    const parsed = e.parseRunSettings(readRunSettings());
    if (parsed.error) return parsed.error;
    const ck = parsed.settings!.checkpoints.find((c) => c.id === id);
    if (!ck) return `no checkpoint "${id}" in cogtrace.checkpoints (cogtrace.judge.checkpoint)`;
    const promptsFile = cfg.get<string>('judge.promptsFile') || undefined;
    const maxTokens = cfg.get<number>('judge.maxTokens') ?? 1024;
    let mtime = 0;
    try {
      if (promptsFile) mtime = statSync(promptsFile).mtimeMs;
    } catch {
      return `cannot read cogtrace.judge.promptsFile ${promptsFile}`;
    }
    const key = JSON.stringify([ck, promptsFile, mtime, maxTokens]);
    if (this.built?.key === key) return this.built.judge;
    let prompts;
    try {
      prompts = e.loadPrompts(promptsFile);
    } catch (err) {
      return (err as Error).message;
    }
    const client =
      ck.backend === 'openai'
        ? new e.JudgeClient({
            baseUrl: ck.baseUrl ?? 'http://localhost:8000/v1',
            model: ck.model,
            apiKey:
              (await this.context.secrets.get(`cogtrace.apiKey.${ck.id}`)) ??
              (ck.apiKeyEnv ? process.env[ck.apiKeyEnv] : undefined),
            maxTokens,
          })
        : // a local checkpoint judges in a runner child, started on the first call
          new e.LocalJudge(
            { backend: 'onnx', model: ck.model, device: ck.device, dtype: ck.dtype },
            { maxTokens },
          );
    const cache = await e.JudgmentCache.open(join(this.context.globalStorageUri.fsPath, 'judge'));
    const judge = new e.JudgeDetector(client, prompts, cache);
    this.built = { key, judge };
    return judge;
  }

  /** The trace as the chosen detector shows it; the judge's hits only when its answers are cached. */
  async overlay(t: AnnotatedTrace): Promise<{ trace: AnnotatedTrace; judge?: JudgeStatus }> {
    const mode = this.mode();
    if (mode === 'rules') return { trace: t };
    const judge = await this.judge();
    if (typeof judge === 'string')
      return { trace: t, judge: { mode, name: 'judge', judged: false, problem: judge } };
    const status = { mode, name: judge.name, judged: false };
    if (judge.estimate([t]).calls > 0)
      return { trace: mode === 'both' ? t : this.engine().withJudgeHits(t, judge, 'judge'), judge: status };
    await judge.judgeAll([t]); // every answer is cached: no call
    return { trace: this.engine().withJudgeHits(t, judge, mode), judge: { ...status, judged: true } };
  }

  cancel() {
    this.running?.abort(new Error('cancelled'));
  }

  /** Judges every trace of a file (cached answers skipped), then `refresh` redraws its views. */
  async judgeFile(uri: vscode.Uri, index: TraceFileIndex, refresh: () => void): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Cogtrace runs no judge in restricted mode: a workspace could name the server. Trust the workspace to judge.',
      );
      return;
    }
    if (this.running) {
      void vscode.window.showInformationMessage('Cogtrace: a judge run is already going (Cancel it first).');
      return;
    }
    const judge = await this.judge();
    if (typeof judge === 'string') {
      const a = await vscode.window.showErrorMessage(`Cogtrace: no judge — ${judge}.`, 'Open Settings');
      if (a) await vscode.commands.executeCommand('workbench.action.openSettings', 'cogtrace.judge');
      return;
    }
    await index.ready;
    const traces: Trace[] = [];
    for (let r = 0; r < index.store.count; r++) {
      const t = index.read(r).trace;
      if (t) traces.push(t);
    }
    const concurrency = Math.max(
      1,
      vscode.workspace.getConfiguration('cogtrace').get<number>('judge.concurrency') ?? 4,
    );
    const est = judge.estimate(traces, concurrency);
    const what = `${est.calls} judge call(s) (${est.cached} cached), about ${est.promptTokens.toLocaleString()} prompt tokens, ~${Math.max(1, Math.ceil(est.seconds / 60))} min at ${concurrency} at a time`;
    this.log.info(`judge ${judge.name} on ${uri.fsPath}: ${what}`);
    if (est.calls > CONFIRM_CALLS) {
      const ok = await vscode.window.showWarningMessage(
        `Judge ${traces.length} traces with ${judge.name}?`,
        { modal: true, detail: what },
        'Judge',
      );
      if (ok !== 'Judge') return;
    }
    const before = { ...judge.counters };
    const failed = judge.failures.length;
    const ac = (this.running = new AbortController());
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Cogtrace: judging ${vscode.workspace.asRelativePath(uri)}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => ac.abort(new Error('cancelled')));
          let last = 0;
          await judge.judgeAll(traces, {
            concurrency,
            signal: ac.signal,
            onProgress: (done, total) => {
              progress.report({ increment: ((done - last) / total) * 100, message: `${done}/${total}` });
              last = done;
            },
          });
        },
      );
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    } finally {
      this.running = undefined;
      judge.dispose(); // a local judge's model process: views only read the cache
    }
    const c = judge.counters;
    const summary = `${c.calls - before.calls} call(s), ${c.cached - before.cached} cached, ${c.retries - before.retries} retries, ${c.failures - before.failures} failed, ${c.promptTokens - before.promptTokens + c.completionTokens - before.completionTokens} tokens`;
    this.log.info(`judge ${judge.name}: ${summary}`);
    for (const f of judge.failures.slice(failed))
      this.log.warn(`judge: trace ${f.input + 1} ${f.behavior}: ${f.message}`);
    refresh();
    const msg = ac.signal.aborted
      ? `Cogtrace: judge run cancelled — ${summary}; what was judged is kept, a rerun resumes.`
      : `Cogtrace: judged ${traces.length} traces — ${summary}.`;
    if (judge.failures.length > failed)
      void vscode.window.showWarningMessage(msg, 'Show Log').then((a) => a && this.log.show());
    else void vscode.window.showInformationMessage(msg);
  }
}
