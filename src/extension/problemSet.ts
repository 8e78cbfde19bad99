// Run Problem Set…: a problem file (.json, .jsonl, .yaml, with the field names the core reads)
// across the chosen checkpoints through the runner's batch mode. Progress with counts and ETA,
// Cancel, resume (a second run skips finished problem × checkpoint pairs and writes no duplicates);
// at the end the output opens in the trace view and accuracy per checkpoint is shown.
import * as vscode from 'vscode';
import { basename, isAbsolute, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CheckpointSetting } from '../protocol/runSettings';
import type { CompareHost } from './compare';
import { apiKey, type Runs } from './liveRun';

export async function runProblemSet(host: CompareHost, runs: Runs, uri?: vscode.Uri) {
  const ready = await runs.prepare();
  if (!ready) return;
  const { settings, engine } = ready;
  const active = vscode.window.activeTextEditor?.document.uri;
  const file =
    uri ??
    (active && /\.(json|jsonl|ya?ml)$/i.test(active.fsPath) && !/\.trace\.jsonl$/i.test(active.fsPath)
      ? active
      : undefined) ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'Problem files': ['json', 'jsonl', 'yaml', 'yml'] },
        openLabel: 'Run This Problem Set',
      })
    )?.[0];
  if (!file) return;
  const loaded = await engine.loadProblems(file.fsPath);
  for (const i of loaded.issues) host.log.warn(`${i.file}:${i.line}: ${i.field}: ${i.message}`);
  if (!loaded.items.length) {
    void vscode.window.showErrorMessage(
      `Cogtrace: no problem could be read from ${vscode.workspace.asRelativePath(file)}${loaded.issues.length ? ' (see the log)' : ''}.`,
    );
    return;
  }
  const chosen = await runs.pickCheckpoints(settings.checkpoints);
  if (!chosen?.length) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? join(file.fsPath, '..');
  const outDir = isAbsolute(settings.outputFolder)
    ? settings.outputFolder
    : join(folder, settings.outputFolder);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${basename(file.fsPath).replace(/\.\w+$/, '')}.trace.jsonl`);
  const ac = new AbortController();
  const t0 = Date.now();
  const failed: string[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Cogtrace: problem set', cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => ac.abort());
      let last = 0;
      for (const [k, ck] of chosen.entries()) {
        if (ac.signal.aborted) break;
        try {
          await engine.runBatch({
            problems: loaded.items,
            checkpoints: [engine.toCheckpointConfig(ck, await apiKey(host, ck))],
            out,
            params: engine.generationParams(settings),
            system: settings.systemPrompt || undefined,
            signal: ac.signal,
            onProgress: (done, _total, note) => {
              const overall = k * loaded.items.length + done;
              const all = chosen.length * loaded.items.length;
              const secs = (Date.now() - t0) / 1000;
              const eta = overall > 0 ? ((all - overall) * secs) / overall : NaN;
              progress.report({
                message: `${overall}/${all} · ${note}${Number.isFinite(eta) ? ` · about ${Math.ceil(eta)} s left` : ''}`,
                increment: ((overall - last) / all) * 100,
              });
              last = overall;
            },
          });
        } catch (e) {
          failed.push(`${ck.label ?? ck.id}: ${(e as Error).message}`);
          host.log.error(`problem set, ${ck.id}: ${(e as Error).message}`);
        }
      }
    },
  );
  for (const f of failed) void vscode.window.showErrorMessage(`Cogtrace: ${f}`);
  const summary = await accuracy(host, out, chosen);
  host.report('problem-set', { out, summary, cancelled: ac.signal.aborted });
  void vscode.window.showInformationMessage(
    `Cogtrace: problem set ${ac.signal.aborted ? 'cancelled' : 'done'} → ${vscode.workspace.asRelativePath(out)}. ${summary}`,
  );
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(out), 'cogtrace.traceView');
}

/** "cold: 11/15 right (73%) · rl: 13/15 right (87%)" from the output file. */
async function accuracy(host: CompareHost, out: string, chosen: CheckpointSetting[]): Promise<string> {
  const engine = host.engine();
  const { traces } = await engine.loadTraceFile(out);
  const detector = host.detector();
  const report = engine.computeStats(traces.map((t) => engine.summarize(engine.annotateTrace(t, detector))));
  return report.checkpoints
    .filter((c) => chosen.some((k) => k.id === c.checkpoint.id))
    .map(
      (c) =>
        `${c.checkpoint.label || c.checkpoint.id}: ${c.accuracy.k}/${c.accuracy.n} right (${(c.accuracy.rate * 100).toFixed(0)}%)`,
    )
    .join(' · ');
}
