// Trace files, read as a stream of records. Each bad line or field becomes an issue and the good
// lines still load. Writers append one flushed line per trace so a crash never loses finished work.
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { InputIssue } from '../issues';
import type { Trace } from '../schema';
import { resolveImageRef } from './images';
import { type Line, parseJsonLine, readJsonLines } from './lines';
import { topLevelLines } from './json-offsets';
import { checkpointFromName, importTraceRecord } from './imports';

export interface TraceRecord {
  line: number;
  trace: Trace;
}

export interface ReadTracesOptions {
  onIssue?: (issue: InputIssue) => void;
  signal?: AbortSignal;
  /** Called with bytes read so far, for progress bars. */
  onProgress?: (bytes: number) => void;
}

const TEXT_EXT = new Set(['.txt', '.md', '.markdown']);
/** Whole-file JSON beyond this is refused: it would have to sit in memory. Use JSONL. */
const MAX_WHOLE_JSON = 512 * 1024 * 1024;

export function fileStem(file: string): string {
  return basename(file).replace(/(\.trace)?\.(jsonl|ndjson|json|txt|md|markdown)$/i, '');
}

/** A problem image written relative to the trace file is resolved against the file's folder. */
function resolveImage(trace: Trace, baseDir: string): Trace {
  const img = trace.problem?.image;
  if (!img) return trace;
  return { ...trace, problem: { ...trace.problem!, image: resolveImageRef(img, baseDir) } };
}

export async function* readTraces(file: string, opts: ReadTracesOptions = {}): AsyncGenerator<TraceRecord> {
  const baseDir = dirname(resolve(file));
  for await (const r of readTraceRecords(file, opts))
    yield { line: r.line, trace: resolveImage(r.trace, baseDir) };
}

async function* readTraceRecords(file: string, opts: ReadTracesOptions): AsyncGenerator<TraceRecord> {
  const report = opts.onIssue ?? (() => {});
  const ext = extname(file).toLowerCase();
  const stem = fileStem(file);
  if (TEXT_EXT.has(ext)) {
    let text = await readFile(file, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!text.trim()) {
      report({ file, line: 1, field: 'response', message: 'empty file' });
      return;
    }
    yield {
      line: 1,
      trace: {
        schemaVersion: 1,
        id: stem,
        problemId: stem,
        checkpoint: checkpointFromName(stem),
        response: text,
        status: 'complete',
      },
    };
    return;
  }
  if (ext === '.json') {
    const size = (await stat(file)).size;
    if (size > MAX_WHOLE_JSON) {
      report({
        file,
        line: 1,
        field: '(file)',
        message: `too large for whole-file JSON (${size} bytes); convert it to JSONL`,
      });
      return;
    }
    let text = await readFile(file, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      report({ file, line: 1, field: '(file)', message: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    const records = Array.isArray(doc) ? doc : [doc];
    const lines = Array.isArray(doc) ? topLevelLines(text) : [];
    for (let i = 0; i < records.length; i++) {
      const line = lines[i] ?? 1;
      const r = importTraceRecord(records[i], {
        file,
        line,
        defaultCheckpoint: stem,
        prefix: Array.isArray(doc) ? `[${i}]` : undefined,
      });
      if (r.issues) r.issues.forEach(report);
      if (r.trace) yield { line, trace: r.trace };
    }
    return;
  }
  for await (const { line, value } of readJsonLines(file, report, opts)) {
    const r = importTraceRecord(value, { file, line, defaultCheckpoint: stem });
    if (r.issues) r.issues.forEach(report);
    if (r.trace) yield { line, trace: r.trace };
  }
}

/**
 * One line of a JSONL trace file as a trace (image resolved against the file's folder), or the
 * issues that keep it out; what readTraces does per line, for workers handed raw lines.
 */
export function traceFromLine(l: Omit<Line, 'bytes'>, file: string): { trace?: Trace; issues: InputIssue[] } {
  const parsed = parseJsonLine(l, file);
  if (parsed === null) return { issues: [] };
  if ('issue' in parsed) return { issues: [parsed.issue] };
  const r = importTraceRecord(parsed.value, { file, line: l.line, defaultCheckpoint: fileStem(file) });
  return {
    trace: r.trace ? resolveImage(r.trace, dirname(resolve(file))) : undefined,
    issues: r.issues ?? [],
  };
}

/** Whether a file is read line by line as JSONL (the format workers can split). */
export const isJsonLines = (file: string) =>
  !TEXT_EXT.has(extname(file).toLowerCase()) && extname(file).toLowerCase() !== '.json';

/** Reads a whole trace file into memory (for small files and tests); issues are collected. */
export async function loadTraces(file: string): Promise<{ items: Trace[]; issues: InputIssue[] }> {
  const items: Trace[] = [];
  const issues: InputIssue[] = [];
  for await (const r of readTraces(file, { onIssue: (i) => issues.push(i) })) items.push(r.trace);
  return { items, issues };
}

/** Appends records as JSON lines and flushes each to disk before returning. */
export class JsonlAppender {
  private constructor(private readonly fh: Awaited<ReturnType<typeof open>>) {}
  static async open(file: string): Promise<JsonlAppender> {
    return new JsonlAppender(await open(file, 'a'));
  }
  async append(record: unknown): Promise<void> {
    await this.fh.write(JSON.stringify(record) + '\n');
    await this.fh.datasync();
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}
