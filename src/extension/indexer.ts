// The index of one trace file, as the trace view and the statistics view use it (no vscode here: it
// runs in the engine bundle and in the bench). Opening: the cache when its key still matches, else a
// scan (line offsets + short fields, on this thread in 1 MB slices that yield); then full summaries
// on worker threads in the background, the rows a user looks at first on demand. A file that grows
// is extended from the old end; one that shrank or was rewritten is indexed again. Only the
// summaries are kept: a trace is read from its offset when it is shown.
import { createReadStream, existsSync, mkdirSync, openSync, readSync, closeSync, renameSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { annotate } from '../core/annotate';
import type { BehaviorDetector } from '../core/behaviors/detector';
import { availableParallelism } from 'node:os';
import {
  type IndexSummary,
  invalidSummary,
  lightSummary,
  scanLines,
  summaryOf,
} from '../core/files/traceIndex';
import { isJsonLines, readTraces, traceFromLine } from '../core/files/traces';
import { formatIssue } from '../core/issues';
import type { AnnotatedTrace, Trace } from '../core/schema';
import { decodeStore, encodeStore, type IndexKey } from '../core/summaryCache';
import { SummaryStore } from '../core/summaryStore';
import { annotateOnWorkers } from '../cli/jobs';

export interface IndexOptions {
  /** Folder for cache files (the extension's storage); none: no cache. */
  cacheDir?: string;
  detector: BehaviorDetector;
  /** The rules file the detector came from (workers build the same one). */
  rulesFile?: string;
  /** Names the detector in the cache key (rules file path and mtime, extension version). */
  detectorKey: string;
  /** Worker threads for the full summaries (default: the core count). */
  jobs?: number;
  log?: (m: string) => void;
}

export type IndexPhase = 'scanning' | 'summarizing' | 'ready';

export interface IndexProgress {
  phase: IndexPhase;
  /** Bytes of the file scanned so far / its size. */
  scanned: number;
  size: number;
  count: number;
  summarized: number;
}

type Listener = (p: IndexProgress, reset: boolean) => void;

export class TraceFileIndex {
  store = new SummaryStore();
  phase: IndexPhase = 'scanning';
  /** How the last open used the cache: all of it, the part before an append, or none. */
  fromCache: 'exact' | 'prefix' | 'none' = 'none';
  private indexed = 0;
  private indexedLines = 0;
  private size = 0;
  private mtimeMs = 0;
  /** Traces of a file that is not JSONL (whole-file JSON, text): read at once, kept. */
  private memory?: Trace[];
  /** Problems of such a file (a JSONL file's bad lines are rows with an issue instead). */
  readonly fileIssues: string[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly ac = new AbortController();
  private work: Promise<void> = Promise.resolve();
  private watching = false;
  private disposed = false;
  readonly ready: Promise<void>;

  constructor(
    readonly file: string,
    private readonly opts: IndexOptions,
  ) {
    this.ready = this.enqueue(() => this.open()).then(() => this.settled());
  }

  /** Resolves when the scans queued so far and the summaries they started are done. */
  async settled(): Promise<void> {
    await this.work;
    while (this.summarizing) await this.summarizing;
  }

  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  progress(): IndexProgress {
    return {
      phase: this.phase,
      scanned: this.indexed,
      size: this.size,
      count: this.store.count,
      summarized: this.store.summarized,
    };
  }

  private emit(reset = false) {
    const p = this.progress();
    for (const l of this.listeners) l(p, reset);
  }

  /** Index work runs one job at a time (open, growth, re-index). */
  private enqueue(job: () => Promise<void>): Promise<void> {
    this.work = this.work.then(job).catch((e: Error) => {
      if (e.name !== 'AbortError') this.opts.log?.(`index of ${this.file}: ${e.stack ?? e.message}`);
    });
    return this.work;
  }

  private async open() {
    const st = await stat(this.file);
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    if (!isJsonLines(this.file)) return this.loadWhole();
    const cached = await this.loadCache(st.size, st.mtimeMs);
    this.fromCache = cached;
    if (cached === 'exact') {
      this.phase = this.store.summarized === this.store.count ? 'ready' : 'summarizing';
      this.emit(true);
    } else await this.scan();
    this.summarize();
  }

  /** Whole-file JSON and text traces: small by nature (JSON is capped), read and summarized at once. */
  private async loadWhole() {
    this.memory = [];
    for await (const r of readTraces(this.file, { onIssue: (i) => this.fileIssues.push(formatIssue(i)) })) {
      this.memory.push(r.trace);
      const a = annotate(r.trace, { detector: this.opts.detector });
      this.store.add({ line: r.line, offset: 0, length: 0 }, summaryOf(a));
    }
    this.indexed = this.size;
    this.phase = 'ready';
    this.emit(true);
  }

  /** Scans from where the index ends: line offsets and short fields, yielding every slice. */
  private async scan() {
    this.phase = 'scanning';
    const start = this.indexed;
    let line = this.indexedLines + 1;
    let base = start;
    let carry: Buffer = Buffer.alloc(0);
    let last = Date.now();
    const stream = createReadStream(this.file, { start, highWaterMark: 1 << 20, signal: this.ac.signal });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const r = scanLines(buf, base, line, (l, bytes) => {
        this.store.add(l, lightSummary(bytes, this.file, l.line));
      });
      base += r.consumed;
      line += r.lines;
      this.indexed = base;
      this.indexedLines = line - 1;
      carry = Buffer.from(buf.subarray(r.consumed));
      if (Date.now() - last > 250) {
        last = Date.now();
        this.emit();
      }
    }
    // a last line without its newline counts once it is complete JSON (a writer mid-line is not)
    if (carry.length)
      scanLines(Buffer.concat([carry, Buffer.from('\n')]), base, line, (l, bytes) => {
        const s = lightSummary(bytes, this.file, l.line);
        if (s.issue !== undefined) return;
        this.store.add(l, s);
        this.indexed = base + carry.length;
        this.indexedLines = line;
      });
    this.phase = 'summarizing';
    this.emit();
    await this.saveCache();
  }

  /** The summary loop running now, if any; `again`: rows were added meanwhile. */
  private summarizing: Promise<void> | undefined;
  private again = false;
  /** Aborts the summaries of a store that was replaced (a rewritten file) or disposed. */
  private sumAc = new AbortController();

  /**
   * Starts summarizing the rows not summarized yet, or, when that runs already, has it go on with
   * the rows added since: a growing file's new lines are listed at once, counted after.
   */
  private summarize() {
    if (this.summarizing) {
      this.again = true;
      return;
    }
    this.summarizing = (async () => {
      try {
        do {
          this.again = false;
          await this.summarizeRest();
        } while (this.again && !this.disposed);
      } catch (e) {
        if ((e as Error).name !== 'AbortError')
          this.opts.log?.(`summaries of ${this.file}: ${(e as Error).message}`);
      } finally {
        this.summarizing = undefined;
        // rows added while an aborted loop (a replaced store) was ending
        if (this.again && !this.disposed) this.summarize();
      }
    })();
  }

  /** Full summaries of every row not summarized yet, on worker threads, in file order. */
  private async summarizeRest() {
    const s = this.store;
    let first = 0;
    while (first < s.count && s.isSummarized(first)) first++;
    if (first >= s.count) {
      if (this.phase !== 'scanning') this.phase = 'ready';
      this.emit();
      return;
    }
    if (this.phase !== 'scanning') this.phase = 'summarizing';
    let last = Date.now();
    await annotateOnWorkers(
      this.file,
      this.opts.jobs ?? (this.indexed - s.offset[first]! < 8e6 ? 1 : availableParallelism()),
      { kind: 'index', rules: this.opts.rulesFile },
      (item) => {
        const [line, summary] = JSON.parse(item) as [number, IndexSummary];
        const r = s.rowOfLine(line);
        if (r >= 0 && !s.isSummarized(r)) s.set(r, summary);
        if (Date.now() - last > 500) {
          last = Date.now();
          this.emit();
        }
      },
      () => {},
      undefined,
      { start: s.offset[first]!, end: this.indexed, firstLine: s.line[first]!, signal: this.sumAc.signal },
    );
    if (s !== this.store) return;
    if (this.phase !== 'scanning') this.phase = this.again ? 'summarizing' : 'ready';
    this.emit();
    await this.saveCache();
  }

  /** Rows summarized now (on this thread): the rows on screen come before the workers reach them. */
  ensureSummarized(rows: Iterable<number>) {
    for (const r of rows) {
      if (r < 0 || r >= this.store.count || this.store.isSummarized(r)) continue;
      const a = this.annotated(r);
      this.store.set(
        r,
        a.annotated ? summaryOf(a.annotated) : invalidSummary(this.file, this.store.line[r]!, a.issue!),
      );
    }
  }

  /** Trace at row `r`, read from its offset, or why that line is not a trace. */
  read(r: number): { trace?: Trace; issue?: string } {
    if (this.memory) return { trace: this.memory[r] };
    const s = this.store;
    const buf = Buffer.alloc(s.length[r]!);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, s.offset[r]!);
    } finally {
      closeSync(fd);
    }
    const t = traceFromLine({ line: s.line[r]!, text: buf.toString('utf8') }, this.file);
    if (t.trace) return { trace: t.trace };
    const i = t.issues[0];
    return { issue: i ? `${i.field}: ${i.message}` : 'not a trace' };
  }

  annotated(r: number): { annotated?: AnnotatedTrace; issue?: string } {
    const t = this.read(r);
    return t.trace ? { annotated: annotate(t.trace, { detector: this.opts.detector }) } : { issue: t.issue };
  }

  /** Picks up appends within ~0.5 s (a training run still writing); a rewritten file is re-indexed. */
  watch() {
    if (this.watching || this.memory) return;
    this.watching = true;
    let queued = false;
    const poll = setInterval(() => {
      if (queued) return;
      queued = true;
      void this.enqueue(() => this.checkGrowth()).finally(() => (queued = false));
    }, 500);
    this.ac.signal.addEventListener('abort', () => clearInterval(poll));
  }

  /** Compares the file with the index: grown → extended; shrunk or rewritten → indexed again. */
  async checkGrowth() {
    if (this.disposed) return;
    const st = await stat(this.file).catch(() => undefined);
    if (!st || (st.size === this.size && st.mtimeMs === this.mtimeMs)) return;
    const grown = st.size >= this.indexed && this.prefixUnchanged();
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    if (!grown) {
      this.opts.log?.(`${this.file} was rewritten: indexing it again`);
      this.sumAc.abort();
      this.sumAc = new AbortController();
      this.adopt(new SummaryStore(), 0, 0);
      this.emit(true);
    }
    if (st.size === this.indexed) return;
    await this.scan();
    this.summarize();
  }

  /** Whether the last indexed line is still where it was (the file was appended to, not rewritten). */
  private prefixUnchanged(): boolean {
    const s = this.store;
    if (!s.count) return true;
    const r = s.count - 1;
    const t = this.read(r);
    return (t.trace?.id ?? `line ${s.line[r]}`) === s.ids[r];
  }

  private cacheFile(): string | undefined {
    if (!this.opts.cacheDir) return undefined;
    const h = createHash('sha1').update(this.file).digest('hex').slice(0, 20);
    return join(this.opts.cacheDir, `${h}.idx`);
  }

  private key(): IndexKey {
    return {
      path: this.file,
      indexed: this.indexed,
      indexedLines: this.indexedLines,
      size: this.size,
      mtimeMs: this.mtimeMs,
      detector: this.opts.detectorKey,
    };
  }

  /** 'exact': the cache is this file; 'prefix': the file grew since (the rest is scanned). */
  private async loadCache(size: number, mtimeMs: number): Promise<'exact' | 'prefix' | 'none'> {
    const f = this.cacheFile();
    if (!f || !existsSync(f)) return 'none';
    const d = decodeStore(await readFile(f).catch(() => Buffer.alloc(0)));
    if (!d || d.key.path !== this.file || d.key.detector !== this.opts.detectorKey) return 'none';
    if (d.key.size === size && d.key.mtimeMs === mtimeMs) {
      this.adopt(d.store, d.key.indexed, d.key.indexedLines);
      return 'exact';
    }
    if (size <= d.key.indexed) return 'none';
    this.adopt(d.store, d.key.indexed, d.key.indexedLines);
    if (this.prefixUnchanged()) return 'prefix';
    this.adopt(new SummaryStore(), 0, 0);
    return 'none';
  }

  /** Takes `store` as the index of the file's first `indexed` bytes (`lines` lines). */
  private adopt(store: SummaryStore, indexed: number, lines: number) {
    this.store = store;
    this.indexed = indexed;
    this.indexedLines = lines;
  }

  private async saveCache() {
    const f = this.cacheFile();
    if (!f || this.disposed) return;
    try {
      mkdirSync(this.opts.cacheDir!, { recursive: true });
      await writeFile(`${f}.tmp`, encodeStore(this.store, this.key()));
      renameSync(`${f}.tmp`, f);
    } catch (e) {
      this.opts.log?.(`index cache ${f} not written: ${(e as Error).message}`);
    }
  }

  dispose() {
    this.disposed = true;
    this.ac.abort();
    this.sumAc.abort();
    this.listeners.clear();
  }
}
