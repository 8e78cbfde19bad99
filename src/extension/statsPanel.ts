// The statistics view: "Show Statistics" over one or more trace files (palette, explorer, the
// active trace view). It reads the files' indexes (shared with their trace views: summaries counted
// on worker threads, never the traces themselves), with progress in the view; the view gets the
// core's report and one row per problem. Rows open the problem's diff (its traces found in the
// index when asked); exports are saved where the user says.
import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HostToStats, StatsPayload } from '../protocol/statsView';
import { type CompareHost, type Comparer, traceFilesFor } from './compare';
import { webviewHtml } from './html';

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
  // the files' indexes, held while the view is open (its rows open diffs from them)
  const indexes = files.map((uri) => ({ uri, index: host.acquireIndex(uri) }));
  let payload: StatsPayload | undefined;
  let disposed = false;
  panel.onDidDispose(() => {
    disposed = true;
    for (const i of indexes) host.releaseIndex(i.index);
  });

  const compute = async (): Promise<StatsPayload> => {
    const summaries: ReturnType<typeof engine.storeSummaries> = [];
    const issues: string[] = [];
    for (const { index } of indexes) {
      // every trace summarized (by the index's workers); progress as they come
      const off = index.onChange((p) => void post({ type: 'progress', done: p.summarized, total: p.count }));
      await index.ready;
      off();
      if (disposed) throw new vscode.CancellationError();
      // appended one by one: a spread of a million summaries overflows the call stack
      for (const i of [...index.fileIssues, ...index.store.issues.values()]) issues.push(i);
      for (const t of engine.storeSummaries(index.store)) summaries.push(t);
    }
    for (const i of issues.slice(0, 1000)) host.log.warn(i);
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
        const list = indexes.flatMap(({ uri, index }) =>
          engine.rowsOfProblem(index.store, m.problemId).map((r) => ({ uri, index: r })),
        );
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
