// Streaming line reader: yields one decoded line at a time, so a gigabyte file never sits in memory.
// It reports invalid UTF-8 per line (the other lines still load), strips a BOM and CR of CRLF.
import { createReadStream } from 'node:fs';
import type { InputIssue } from '../issues';

export interface Line {
  /** 1-based line number. */
  line: number;
  text: string;
  /** Set when the bytes of this line are not valid UTF-8; `text` then holds a lossy decoding. */
  invalidUtf8?: boolean;
  /** Bytes the line took in the file, its newline included (for progress). */
  bytes: number;
}

const NL = 0x0a;

export async function* readLines(file: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<Line> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20, signal: opts.signal });
  yield* splitLines(stream);
}

/** Lines of a byte stream; `firstLine` numbers a slice that starts further into a file. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  firstLine = 1,
): AsyncGenerator<Line> {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true });
  let pending: Buffer[] = [];
  let lineNo = firstLine - 1;
  const decode = (bytes: Buffer): Line => {
    lineNo++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let startAt = 0;
    if (lineNo === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) startAt = 3;
    const view = bytes.subarray(startAt, end);
    try {
      return { line: lineNo, text: strict.decode(view), bytes: bytes.length + 1 };
    } catch {
      return { line: lineNo, text: lossy.decode(view), invalidUtf8: true, bytes: bytes.length + 1 };
    }
  };
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    let from = 0;
    for (let nl = chunk.indexOf(NL, from); nl !== -1; nl = chunk.indexOf(NL, from)) {
      const piece = chunk.subarray(from, nl);
      if (pending.length) {
        pending.push(piece);
        const whole = Buffer.concat(pending);
        pending = [];
        yield decode(whole);
      } else {
        yield decode(piece);
      }
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
  }
  if (pending.length) {
    const rest = Buffer.concat(pending);
    if (rest.length) yield decode(rest);
  }
}

export interface JsonLine {
  line: number;
  value: unknown;
}

/**
 * The JSON value of each non-blank line. A line that is not valid UTF-8 or not valid JSON is reported
 * (file, line, what is wrong) and skipped; the rest still load.
 */
export async function* readJsonLines(
  file: string,
  onIssue: (issue: InputIssue) => void,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): AsyncGenerator<JsonLine> {
  let bytes = 0;
  for await (const l of readLines(file, { signal: opts.signal })) {
    bytes += l.bytes;
    opts.onProgress?.(bytes);
    const r = parseJsonLine(l, file);
    if (r === null) continue;
    if ('issue' in r) onIssue(r.issue);
    else yield { line: l.line, value: r.value };
  }
}

/** One line's JSON value; null for a blank line; an issue (file, line) when it is not UTF-8 or JSON. */
export function parseJsonLine(
  l: Omit<Line, 'bytes'>,
  file: string,
): { value: unknown } | { issue: InputIssue } | null {
  if (!l.text.trim()) return null;
  if (l.invalidUtf8)
    return { issue: { file, line: l.line, field: '(line)', message: 'invalid UTF-8; line skipped' } };
  try {
    return { value: JSON.parse(l.text) };
  } catch (e) {
    const msg = (e as Error).message;
    return {
      issue: {
        file,
        line: l.line,
        field: '(line)',
        message: `invalid JSON (truncated line?): ${msg.length > 120 ? msg.slice(0, 120) + '…' : msg}`,
      },
    };
  }
}
