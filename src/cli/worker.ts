// A worker thread of `--jobs`: builds the detector once (the same files as the main thread), then
// splits, decodes, parses, validates and annotates each slice of the file it is sent, and returns
// output lines or summaries and the input issues, in line order.
import { parentPort, workerData } from 'node:worker_threads';
import { annotate } from '../core/annotate';
import { splitLines } from '../core/files/lines';
import { traceFromLine } from '../core/files/traces';
import { invalidSummary, summaryOf } from '../core/files/traceIndex';
import type { InputIssue } from '../core/issues';
import { summarize } from '../core/stats';
import { formatAnnotated } from './commands/annotate';
import { loadDetector, loadMarkers } from './commands/shared';
import type { WorkerBatch, WorkerInit, WorkerResult } from './jobs';

async function start() {
  const init = workerData as WorkerInit;
  const detector = await loadDetector(init.rules);
  const markers = await loadMarkers(init.markers);
  parentPort!.on('message', async (b: WorkerBatch) => {
    try {
      const items: string[] = [];
      const issues: InputIssue[] = [];
      const buf = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
      for await (const l of splitLines([buf], b.firstLine)) {
        const r = traceFromLine(l, init.file);
        if (init.kind === 'index') {
          // every line that is not blank gets an entry, so the index can mark the bad ones
          const bad = r.issues[0];
          if (r.trace) {
            const a = annotate(r.trace, { detector, markers, mode: init.mode });
            items.push(JSON.stringify([l.line, summaryOf(a)]));
          } else if (bad)
            items.push(
              JSON.stringify([l.line, invalidSummary(init.file, l.line, `${bad.field}: ${bad.message}`)]),
            );
          continue;
        }
        issues.push(...r.issues);
        if (!r.trace) continue;
        const a = annotate(r.trace, { detector, markers, mode: init.mode });
        items.push(
          init.kind === 'stats-summary' ? JSON.stringify(summarize(a)) : formatAnnotated(a, init.kind),
        );
      }
      parentPort!.postMessage({ id: b.id, items, issues } satisfies WorkerResult);
    } catch (e) {
      parentPort!.postMessage({
        id: b.id,
        items: [],
        issues: [],
        error: String((e as Error)?.stack ?? e),
      } satisfies WorkerResult);
    }
  });
}

void start();
