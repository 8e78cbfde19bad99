// Streaming line reader: yields one decoded line at a time, so a gigabyte file never sits in memory.
// It reports invalid UTF-8 per line (the other lines still load), strips a BOM and CR of CRLF.
import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number. */
  line: number;
  text: string;
  /** Set when the bytes of this line are not valid UTF-8; `text` then holds a lossy decoding. */
  invalidUtf8?: boolean;
}

const NL = 0x0a;

export async function* readLines(file: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<Line> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20, signal: opts.signal });
  yield* splitLines(stream);
}

export async function* splitLines(chunks: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Line> {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true });
  let pending: Buffer[] = [];
  let lineNo = 0;
  const decode = (bytes: Buffer): Line => {
    lineNo++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let startAt = 0;
    if (lineNo === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) startAt = 3;
    const view = bytes.subarray(startAt, end);
    try {
      return { line: lineNo, text: strict.decode(view) };
    } catch {
      return { line: lineNo, text: lossy.decode(view), invalidUtf8: true };
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
