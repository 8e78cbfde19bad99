// Settings, read with workspace trust in mind: in restricted mode nothing is loaded from a path that
// the workspace's settings name (the manifest also marks cogtrace.rulesFile as restricted).
// Validation and file parsing happen in engine.ts, so activation loads nothing heavy.
import * as vscode from 'vscode';

export interface RawSettings {
  rulesFile?: string;
  colorOverrides: Record<string, unknown>;
}

export function readRawSettings(): RawSettings {
  const cfg = vscode.workspace.getConfiguration('cogtrace');
  const colorOverrides = cfg.get<Record<string, unknown>>('behaviorColors') ?? {};
  // restricted mode: only a rules file from the user's own settings counts, never the workspace's
  const rulesFile = vscode.workspace.isTrusted
    ? cfg.get<string>('rulesFile')
    : cfg.inspect<string>('rulesFile')?.globalValue;
  return { rulesFile: rulesFile || undefined, colorOverrides };
}
