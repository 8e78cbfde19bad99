// Annotation on worker threads, for files too big for one core (RL rollout dumps): the main thread
// only cuts the JSONL file into ~1 MB slices at line ends and transfers the bytes (no copy) to N
// workers, which split, decode, parse, validate and annotate them and return output lines
// (annotate) or summaries (stats) with the input issues of their lines. Results and issues come
// back in input order. `--jobs 1` (and files that are not JSONL) annotate on the main thread.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createReadStream } from 'node:fs';
import type { InputIssue } from '../core/issues';
import type { StepMode } from '../core/segment';
import { UsageError } from './io';

/** `index`: one [line, IndexSummary] per non-blank line, invalid ones too (the trace view's index). */
export type OutputKind = 'contract' | 'full' | 'summary-line' | 'stats-summary' | 'index';

export interface WorkerInit {
  /** The file the lines come from (named in issues; images resolve against its folder). */
  file: string;
  rules?: string;
  markers?: string;
  mode?: StepMode;
  kind: OutputKind;
}

export interface WorkerBatch {
  id: number;
  /** The number of the slice's first line in the file. */
  firstLine: number;
  bytes: Uint8Array;
}

export interface WorkerResult {
  id: number;
  /** One entry per trace: an output line, or a JSON-encoded summary. */
  items: string[];
  issues: InputIssue[];
  error?: string;
}

/** Below this much input, starting workers costs more than it saves. */
const WORKERS_FROM_BYTES = 8e6;

/** `--jobs`: a positive integer; by default the machine's parallelism, or 1 for small inputs. */
export function parseJobs(value: string | undefined, inputBytes = Infinity): number {
  if (value === undefined) return inputBytes < WORKERS_FROM_BYTES ? 1 : availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a positive integer, not ${value}`);
  return n;
}

function workerPath(): string {
  for (const p of [join(__dirname, 'cli-worker.js'), join(__dirname, '..', '..', 'dist', 'cli-worker.js')])
    if (existsSync(p)) return p;
  throw new UsageError('cli-worker.js not found next to the CLI bundle; run `npm run build`');
}

/**
 * Annotates the JSONL `file` on `jobs` workers; `emit` receives each trace's item and `onIssue`
 * each input issue, in file order. At most four slices per worker in flight: memory stays bounded.
 */
export async function annotateOnWorkers(
  file: string,
  jobs: number,
  init: Omit<WorkerInit, 'file'>,
  emit: (item: string) => void,
  onIssue: (issue: InputIssue) => void,
  onProgress?: (bytes: number) => void,
  range: { start?: number; end?: number; firstLine?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const workers = Array.from(
    { length: jobs },
    () => new Worker(workerPath(), { workerData: { ...init, file } }),
  );
  // slices sent and not yet answered: one error handler per worker fails them all (a listener per
  // slice would pile up on the worker)
  const pending = new Map<number, { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  for (const w of workers) {
    w.on('message', (r: WorkerResult) => {
      pending.get(r.id)?.resolve(r);
      pending.delete(r.id);
    });
    w.on('error', fail);
  }
  const inFlight: Promise<WorkerResult>[] = [];
  let next = 0;
  let count = 0;
  const flushOne = async () => {
    const r = await inFlight.shift()!;
    if (r.error) throw new Error(r.error);
    r.issues.forEach(onIssue);
    count += r.items.length;
    for (const item of r.items) emit(item);
  };
  const send = (bytes: Uint8Array, firstLine: number) => {
    const id = next++;
    const worker = workers[id % jobs]!;
    const result = new Promise<WorkerResult>((resolve, reject) => {
      if (failure) reject(failure);
      else pending.set(id, { resolve, reject });
    });
    // awaited in order by flushOne; marked handled so a failure thrown before its turn is not also
    // reported as an unhandled rejection
    result.catch(() => {});
    inFlight.push(result);
    worker.postMessage({ id, firstLine, bytes } satisfies WorkerBatch, [bytes.buffer as ArrayBuffer]);
  };
  try {
    let carry: Buffer = Buffer.alloc(0);
    let line = range.firstLine ?? 1; // number of the first line in `carry`
    let read = 0;
    const stream = createReadStream(file, {
      highWaterMark: 1 << 20,
      start: range.start,
      end: range.end === undefined ? undefined : range.end - 1,
      signal: range.signal,
    });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (failure) throw failure;
      read += chunk.length;
      onProgress?.(read);
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = buf.lastIndexOf(0x0a);
      if (cut < 0) {
        carry = buf;
        continue;
      }
      // a copy the worker owns (the stream's buffers are pooled), cut after the last newline
      const slice = new Uint8Array(cut + 1);
      slice.set(buf.subarray(0, cut + 1));
      let lines = 0;
      for (let i = slice.indexOf(0x0a); i !== -1; i = slice.indexOf(0x0a, i + 1)) lines++;
      send(slice, line);
      line += lines;
      carry = Buffer.from(buf.subarray(cut + 1));
      if (inFlight.length >= 4 * jobs) await flushOne();
    }
    if (carry.length) send(new Uint8Array(carry), line);
    while (inFlight.length) await flushOne();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return count;
}
