// The review files of open trace files: one LabelFile per `<name>.labels.jsonl`, shared by every
// panel of that trace file (so two panels never write over each other), reloaded when another
// window or process changes it, and the reviewer's name from the settings.
import * as vscode from 'vscode';
import { unwatchFile, watchFile } from 'node:fs';
import { userInfo } from 'node:os';
import type { LabelFile } from '../core/review/labelFile';
import type * as Engine from './engine';

export function reviewerName(): string {
  const set = vscode.workspace.getConfiguration('cogtrace').get<string>('review.reviewer');
  if (set?.trim()) return set.trim();
  try {
    return userInfo().username;
  } catch {
    return 'reviewer';
  }
}

export class Reviews {
  private readonly open = new Map<string, { file: LabelFile; refs: number }>();

  constructor(private readonly engine: () => typeof Engine) {}

  /** The review file of trace file `traceFile`; release it when the panel closes. */
  acquire(traceFile: string): LabelFile {
    const path = this.engine().labelsPathFor(traceFile);
    const have = this.open.get(path);
    if (have) {
      have.refs++;
      return have.file;
    }
    const file = this.engine().openLabelFile(path);
    // another window or process wrote it: read it again (panels here hear it through onChange)
    watchFile(path, { interval: 1000 }, () => file.reload() && file.notify());
    this.open.set(path, { file, refs: 1 });
    return file;
  }

  release(file: LabelFile) {
    const e = this.open.get(file.path);
    if (!e || --e.refs > 0) return;
    unwatchFile(file.path);
    this.open.delete(file.path);
  }

  dispose() {
    for (const p of this.open.keys()) unwatchFile(p);
    this.open.clear();
  }
}
