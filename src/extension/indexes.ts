// One index per trace file (and detector), shared by every view of it: the trace views of the file
// and the statistics view. Counted references; the last release disposes it. The cache lives in the
// extension's global storage, keyed by path, size and mtime (see core/summaryCache.ts).
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceFileIndex } from './indexer';
import type * as Engine from './engine';
import type { Detector } from './traceSession';

export class Indexes {
  private readonly open = new Map<string, { index: TraceFileIndex; refs: number }>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly engine: () => typeof Engine,
  ) {}

  /** The index of `file` counted with `detector` (from `rulesFile`); release it when done. */
  acquire(file: string, detector: Detector, rulesFile: string | undefined): TraceFileIndex {
    const detectorKey = this.detectorKey(rulesFile);
    const key = `${file}\0${detectorKey}`;
    const have = this.open.get(key);
    if (have) {
      have.refs++;
      return have.index;
    }
    const index = this.engine().openIndex(file, {
      cacheDir: join(this.context.globalStorageUri.fsPath, 'index'),
      detector,
      rulesFile,
      detectorKey,
      log: (m) => this.log.warn(m),
    });
    index.watch();
    this.open.set(key, { index, refs: 1 });
    return index;
  }

  release(index: TraceFileIndex) {
    for (const [k, v] of this.open) {
      if (v.index !== index) continue;
      if (--v.refs > 0) return;
      v.index.dispose();
      this.open.delete(k);
      return;
    }
  }

  /** The detector a cache was counted with: rules file and its mtime, and this extension's version. */
  private detectorKey(rulesFile: string | undefined): string {
    const version = String(this.context.extension?.packageJSON?.version ?? '');
    if (!rulesFile) return `default@${version}`;
    let mtime = 0;
    try {
      mtime = statSync(rulesFile).mtimeMs;
    } catch {
      // a missing rules file falls back to the default rules (reported where it is loaded)
    }
    return `${rulesFile}@${mtime}@${version}`;
  }

  dispose() {
    for (const v of this.open.values()) v.index.dispose();
    this.open.clear();
  }
}
