// Which folders a trace view may load images from: the workspace folders, the trace file's folder
// and the folders in `cogtrace.imageRoots` (user settings only in restricted mode). A trace that
// names an image elsewhere (`../../x.png`, `/etc/x.png`, a symlink out) gets a placeholder and an
// "Allow this folder" action, never a silent load: a downloaded trace file cannot widen what the
// webview reads.
import * as vscode from 'vscode';
import { dirname } from 'node:path';

export function configuredImageRoots(): string[] {
  const cfg = vscode.workspace.getConfiguration('cogtrace');
  const value = vscode.workspace.isTrusted
    ? cfg.get<unknown>('imageRoots')
    : cfg.inspect<unknown>('imageRoots')?.globalValue;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
}

/** The folders a view of `traceFile` may read images from. */
export function imageRoots(traceFile: vscode.Uri): string[] {
  return [
    ...(vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath),
    dirname(traceFile.fsPath),
    ...configuredImageRoots(),
  ];
}

/** Asks, then adds `folder` to the user's `cogtrace.imageRoots`. True when the user allowed it. */
export async function allowImageFolder(folder: string): Promise<boolean> {
  const ok = await vscode.window.showWarningMessage(
    `Let Cogtrace trace views show images from ${folder}?`,
    { modal: true, detail: 'The folder is added to the user setting cogtrace.imageRoots.' },
    'Allow',
  );
  if (ok !== 'Allow') return false;
  const cfg = vscode.workspace.getConfiguration('cogtrace');
  const current = cfg.inspect<unknown>('imageRoots')?.globalValue;
  const list = Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
  if (!list.includes(folder))
    await cfg.update('imageRoots', [...list, folder], vscode.ConfigurationTarget.Global);
  return true;
}
