// One index per trace file (and detector), shared by every view of it: the trace views of the file
// and the statistics view. Counted references; the last release disposes it. The cache lives in the
// extension's global storage, keyed by path, size and mtime (see core/summaryCache.ts).
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceFileIndex } from './indexer';
import type * as Engine from './engine';
import type { Detector } from './traceSession';
import { Shared } from './shared';

export class Indexes {
  private readonly open = new Shared<TraceFileIndex>((index) => index.dispose());

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly engine: () => typeof Engine,
  ) {}

  /** The index of `file` counted with `detector` (from `rulesFile`); release it when done. */
  acquire(file: string, detector: Detector, rulesFile: string | undefined): TraceFileIndex {
    const detectorKey = this.detectorKey(rulesFile);
    return this.open.acquire(`${file}\0${detectorKey}`, () => {
      const index = this.engine().openIndex(file, {
        cacheDir: join(this.context.globalStorageUri.fsPath, 'index'),
        detector,
        rulesFile,
        detectorKey,
        log: (m) => this.log.warn(m),
      });
      index.watch();
      return index;
    });
  }

  release(index: TraceFileIndex) {
    this.open.release(index);
  }

  /** The detector a cache was counted with: rules file and its mtime, and this extension's version. */
  private detectorKey(rulesFile: string | undefined): string {
    const version = String(this.context.extension?.packageJSON?.version ?? '');
    // the default detector changes between builds of one version (a refitted model, an edited rule)
    if (!rulesFile) return `default@${version}@${this.engine().defaultDetectorFingerprint()}`;
    let mtime = 0;
    try {
      mtime = statSync(rulesFile).mtimeMs;
    } catch {
      // a missing rules file falls back to the default rules (reported where it is loaded)
    }
    return `${rulesFile}@${mtime}@${version}`;
  }

  dispose() {
    this.open.dispose();
  }
}
