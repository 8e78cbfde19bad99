// The review files of open trace files: one LabelFile per `<name>.labels.jsonl`, shared by every
// panel of that trace file (so two panels never write over each other), reloaded when another
// window or process changes it, and the reviewer's name from the settings.
import * as vscode from 'vscode';
import { unwatchFile, watchFile } from 'node:fs';
import { userInfo } from 'node:os';
import type { LabelFile } from '../core/review/labelFile';
import type * as Engine from './engine';
import { Shared } from './shared';

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
  private readonly open = new Shared<LabelFile>((file) => unwatchFile(file.path));

  constructor(private readonly engine: () => typeof Engine) {}

  /** The review file of trace file `traceFile`; release it when the panel closes. */
  acquire(traceFile: string): LabelFile {
    const path = this.engine().labelsPathFor(traceFile);
    return this.open.acquire(path, () => {
      const file = this.engine().openLabelFile(path);
      // another window or process wrote it: read it again (panels here hear it through onChange)
      watchFile(path, { interval: 1000 }, () => file.reload() && file.notify());
      return file;
    });
  }

  release(file: LabelFile) {
    this.open.release(file);
  }

  dispose() {
    this.open.dispose();
  }
}
