// Activation does almost nothing: it registers the custom editor and commands. Parsing, annotation
// and highlighting live in engine.js, required the first time a trace is opened.
import * as vscode from 'vscode';
import { TraceEditorProvider } from './traceEditor';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Cogtrace', { log: true });
  const provider = new TraceEditorProvider(context, log);
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
    vscode.commands.registerCommand('cogtrace.showLog', () => log.show()),
  );
  if (process.env.COGTRACE_E2E_OUT) provider.enableTestReports(process.env.COGTRACE_E2E_OUT);
}

export function deactivate(): void {}
