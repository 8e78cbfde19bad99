// Run settings, read with workspace trust in mind: in restricted mode runs are refused before this
// is read; the values are validated by the engine (zod), which names the entry and field at fault.
import * as vscode from 'vscode';

export interface RawRunSettings {
  checkpoints: unknown;
  maxNewTokens: unknown;
  temperature: unknown;
  topP: unknown;
  seed: unknown;
  systemPrompt: unknown;
  outputFolder: unknown;
  parallel: unknown;
}

export function readRunSettings(): RawRunSettings {
  const cfg = vscode.workspace.getConfiguration('cogtrace');
  return {
    checkpoints: cfg.get('checkpoints'),
    maxNewTokens: cfg.get('run.maxNewTokens'),
    temperature: cfg.get('run.temperature'),
    topP: cfg.get('run.topP'),
    seed: cfg.get('run.seed'),
    systemPrompt: cfg.get('run.systemPrompt'),
    outputFolder: cfg.get('outputFolder'),
    parallel: cfg.get('run.parallel'),
  };
}
