// The statistics view: "Show Statistics" over one or more trace files (palette, explorer, the
// active trace view). Traces are read and annotated in slices that yield to the extension host,
// with progress in the view; the view gets the core's report and one row per problem. Rows open
// the problem's diff; exports are saved where the user says.
import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HostToStats, StatsPayload } from '../protocol/statsView';
import { type CompareHost, type Comparer, traceFilesFor } from './compare';
import { webviewHtml } from './html';

interface Ref {
  uri: vscode.Uri;
  index: number;
  checkpoint: string;
}

export async function showStatistics(host: CompareHost, comparer: Comparer, uris?: vscode.Uri[]) {
  const files = await traceFilesFor(host, uris, 'Statistics');
  if (!files?.length) return;
  const engine = host.engine();
  const panel = vscode.window.createWebviewPanel(
    'cogtrace.statsView',
    `Statistics: ${files.map((f) => vscode.workspace.asRelativePath(f)).join(', ')}`,
    vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(host.context.extensionUri, 'dist')] },
  );
  panel.webview.html = webviewHtml(
    panel.webview,
    host.context.extensionUri,
    'statsview.js',
    'Cogtrace statistics',
  );
  const post = (m: HostToStats) => panel.webview.postMessage(m);
  const refs = new Map<string, Ref[]>(); // problem → its traces
  let payload: StatsPayload | undefined;
  let disposed = false;
  panel.onDidDispose(() => (disposed = true));

  const compute = async (): Promise<StatsPayload> => {
    const detector = host.detector();
    const summaries: (ReturnType<typeof engine.summarize> & { steps: number })[] = [];
    const issues: string[] = [];
    let slice = Date.now();
    for (const uri of files) {
      const r = await engine.loadTraceFile(uri.fsPath);
      issues.push(...r.issues);
      for (const [index, t] of r.traces.entries()) {
        if (disposed) throw new vscode.CancellationError();
        const a = engine.annotateTrace(t, detector);
        summaries.push({ ...engine.summarize(a), steps: a.steps.length });
        refs.set(a.problemId, [
          ...(refs.get(a.problemId) ?? []),
          { uri, index, checkpoint: a.checkpoint.id },
        ]);
        if (Date.now() - slice > 30) {
          void post({ type: 'progress', done: index + 1, total: r.traces.length });
          await new Promise((res) => setImmediate(res)); // the host stays responsive
          slice = Date.now();
        }
      }
    }
    for (const i of issues) host.log.warn(i);
    const report = engine.computeStats(summaries);
    return {
      files: files.map((f) => vscode.workspace.asRelativePath(f)),
      checkpoints: report.checkpoints.map((c) => ({
        checkpoint: {
          id: c.checkpoint.id,
          label: c.checkpoint.label,
          role: c.checkpoint.role,
          step: c.checkpoint.step,
        },
        traces: c.traces,
        accuracy: c.accuracy,
        behaviors: c.behaviors.map((b) => ({
          behavior: b.behavior,
          emergence: b.emergence,
          meanCount: b.meanCount,
        })),
      })),
      paired: report.paired,
      bySteps: report.bySteps,
      problems: engine.problemRows(summaries),
      issues,
    };
  };

  panel.webview.onDidReceiveMessage(async (raw: unknown) => {
    const parsed = engine.parseStatsMessage(raw);
    if (!parsed.success) {
      host.log.warn(`ignored an invalid message from the statistics view: ${parsed.error.message}`);
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case 'ready': {
        const started = Date.now();
        try {
          payload ??= await compute();
        } catch (e) {
          if (e instanceof vscode.CancellationError) return;
          void vscode.window.showErrorMessage(`Cogtrace: statistics failed: ${(e as Error).message}`);
          return;
        }
        await post({ type: 'stats', stats: payload, colors: host.colors() });
        host.log.info(`statistics of ${payload.problems.length} problems in ${Date.now() - started} ms`);
        host.report('stats', { problems: payload.problems.length, checkpoints: payload.checkpoints.length });
        return;
      }
      case 'openDiff': {
        const list = refs.get(m.problemId);
        if (!list || list.length < 2) {
          void vscode.window.showInformationMessage(
            `Cogtrace: ${m.problemId} has only one trace; nothing to compare.`,
          );
          return;
        }
        return comparer.compareRefs(list);
      }
      case 'export':
        return saveExport(host, files[0]!, m.kind, m.name, m.data);
      case 'stateChanged':
        return;
      case 'log':
        host.log[m.level](`[statistics view] ${m.message}`);
    }
  });
}

async function saveExport(
  host: CompareHost,
  near: vscode.Uri,
  kind: 'csv' | 'svg' | 'png',
  name: string,
  data: string,
) {
  const bytes =
    kind === 'png'
      ? Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64')
      : Buffer.from(data, 'utf8');
  const safe = name.replace(/[^\w.-]+/g, '_');
  const testDir = host.testOutput();
  // the end-to-end suite cannot drive a native save dialog: it reads exports from its report folder
  const target = testDir
    ? vscode.Uri.file(join(testDir, safe))
    : await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(join(dirname(near.fsPath), safe)),
        filters: { [kind.toUpperCase()]: [kind] },
      });
  if (!target) return;
  writeFileSync(target.fsPath, bytes);
  void vscode.window.setStatusBarMessage(`Cogtrace: saved ${vscode.workspace.asRelativePath(target)}`, 3000);
}
