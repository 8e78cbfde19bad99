// Activation does almost nothing: it registers the custom editor and commands. Parsing, annotation
// and highlighting live in engine.js, required the first time a trace is opened.
import * as vscode from 'vscode';
import { type CompareHost, Comparer } from './compare';
import { showStatistics } from './statsPanel';
import { Runs } from './liveRun';
import { configureCheckpoints } from './configure';
import { runProblemSet } from './problemSet';
import { core, TraceEditorProvider } from './traceEditor';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Cogtrace', { log: true });
  const provider = new TraceEditorProvider(context, log);
  const compareHost: CompareHost = {
    engine: core,
    detector: () => provider.currentDetector(),
    colors: () => provider.currentColors(),
    context,
    log,
    openAt: (uri, index) => provider.openAt(uri, index),
    report: (name, data) => provider.report(name, data),
    activeTraceFile: () => provider.activeFile(),
    testOutput: () => provider.testOutput(),
    acquireIndex: (uri) => provider.acquireIndex(uri),
    releaseIndex: (index) => provider.indexes.release(index),
  };
  const comparer = new Comparer(compareHost);
  const runs = new Runs(compareHost);
  context.subscriptions.push(
    log,
    ...[TraceEditorProvider.viewType, TraceEditorProvider.anyJsonlViewType].map((viewType) =>
      vscode.window.registerCustomEditorProvider(viewType, provider, {
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
    ),
    vscode.commands.registerCommand('cogtrace.openTraceFile', async (uri?: vscode.Uri) => {
      const target =
        uri ??
        (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { 'Trace files': ['jsonl', 'json', 'txt', 'md'] },
            openLabel: 'Open Trace',
          })
        )?.[0];
      if (target)
        await vscode.commands.executeCommand('vscode.openWith', target, TraceEditorProvider.viewType);
    }),
    vscode.commands.registerCommand('cogtrace.annotateTraceFile', (uri?: vscode.Uri) =>
      provider.annotateToFile(uri),
    ),
    vscode.commands.registerCommand('cogtrace.nextStep', () => provider.sendCommand('nextStep')),
    vscode.commands.registerCommand('cogtrace.previousStep', () => provider.sendCommand('previousStep')),
    vscode.commands.registerCommand('cogtrace.nextBehavior', () => provider.sendCommand('nextBehavior')),
    vscode.commands.registerCommand('cogtrace.focusSearch', () => provider.sendCommand('focusSearch')),
    vscode.commands.registerCommand('cogtrace.reviewAnnotations', () => provider.sendCommand('toggleReview')),
    vscode.commands.registerCommand('cogtrace.improveFromReviews', (uri?: vscode.Uri) =>
      provider.improveFromReviews(uri),
    ),
    vscode.commands.registerCommand('cogtrace.exportReviews', (uri?: vscode.Uri) =>
      provider.exportReviews(uri),
    ),
    vscode.commands.registerCommand('cogtrace.showLog', () => log.show()),
    vscode.commands.registerCommand('cogtrace.judgeTraceFile', (uri?: vscode.Uri) => provider.judgeFile(uri)),
    vscode.commands.registerCommand('cogtrace.cancelJudge', () => provider.judge.cancel()),
    vscode.commands.registerCommand('cogtrace.chooseDetector', () => chooseDetector()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cogtrace.detector') || e.affectsConfiguration('cogtrace.judge'))
        provider.refreshTraces();
    }),
    vscode.commands.registerCommand('cogtrace.compareTraces', (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
      comparer.compare(uris?.length ? uris : uri ? [uri] : undefined),
    ),
    vscode.commands.registerCommand('cogtrace.selectForCompare', (uri?: vscode.Uri) =>
      comparer.selectForCompare(uri),
    ),
    vscode.commands.registerCommand('cogtrace.compareWithSelected', (uri?: vscode.Uri) =>
      comparer.compareWithSelected(uri),
    ),
    vscode.commands.registerCommand('cogtrace.nextDifference', () => comparer.command('nextDifference')),
    vscode.commands.registerCommand('cogtrace.previousDifference', () =>
      comparer.command('previousDifference'),
    ),
    vscode.commands.registerCommand('cogtrace.nextBehaviorChange', () =>
      comparer.command('nextBehaviorChange'),
    ),
    vscode.commands.registerCommand('cogtrace.swapSides', () => comparer.command('swap')),
    vscode.commands.registerCommand('cogtrace.runOnImage', (uri?: vscode.Uri) => runs.runOnImage(uri)),
    vscode.commands.registerCommand('cogtrace.cancelRun', () => runs.cancel()),
    vscode.commands.registerCommand('cogtrace.runProblemSet', (uri?: vscode.Uri) =>
      runProblemSet(compareHost, runs, uri),
    ),
    vscode.commands.registerCommand('cogtrace.configureCheckpoints', () => configureCheckpoints(compareHost)),
    vscode.commands.registerCommand('cogtrace.showStatistics', (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
      showStatistics(compareHost, comparer, uris?.length ? uris : uri ? [uri] : undefined),
    ),
  );
  if (process.env.COGTRACE_E2E_OUT) provider.enableTestReports(process.env.COGTRACE_E2E_OUT);
}

/** "Choose Behavior Detector…": the rules, the LLM judge, or both with their disagreements marked. */
async function chooseDetector() {
  const cfg = vscode.workspace.getConfiguration('cogtrace');
  const now = cfg.get<string>('detector') ?? 'rules';
  const items = [
    { id: 'rules', label: 'Rules', description: 'the fast local detector (or cogtrace.rulesFile)' },
    {
      id: 'judge',
      label: 'LLM judge',
      description: "the paper's method: a judge server, one prompt per behavior",
    },
    { id: 'both', label: 'Both', description: 'rules and judge together, disagreements marked ≠' },
  ].map((i) => ({ ...i, picked: i.id === now, detail: i.id === now ? 'current' : undefined }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Behavior detector for the trace views' });
  if (pick) await cfg.update('detector', pick.id, vscode.ConfigurationTarget.Global);
}

export function deactivate(): void {}
