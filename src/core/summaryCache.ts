// A SummaryStore as bytes, for the index cache: a JSON header (the key it was made for, the strings)
// and the typed columns after it. A second open of a big trace file reads this instead of the file.
import { BEHAVIOR_IDS } from './behaviors/catalog';
import { SummaryStore } from './summaryStore';

const MAGIC = 'cogtrace-index';
const VERSION = 2;

/** What a cached index was made from: a file whose path, size and mtime changed is not its file. */
export interface IndexKey {
  path: string;
  /** Bytes of the file the index covers (complete lines only). */
  indexed: number;
  /** Lines of the file the index covers (the next line's number is indexedLines + 1). */
  indexedLines: number;
  size: number;
  mtimeMs: number;
  /** The detector (rules file, version) the summaries were counted with. */
  detector: string;
}

const COLUMNS = [
  'offset',
  'length',
  'line',
  'problem',
  'ckpt',
  'status',
  'correct',
  'steps',
  'counts',
  'lowConf',
] as const;

export function encodeStore(s: SummaryStore, key: IndexKey): Buffer {
  const n = s.count;
  const nb = BEHAVIOR_IDS.length;
  const cols = COLUMNS.map((c) => {
    const a = s[c];
    const used = c === 'counts' ? a.subarray(0, n * nb) : a.subarray(0, n);
    return Buffer.from(used.buffer, used.byteOffset, used.byteLength);
  });
  const header = Buffer.from(
    JSON.stringify({
      magic: MAGIC,
      version: VERSION,
      key,
      count: n,
      summarized: s.summarized,
      ids: s.ids.slice(0, n),
      problems: s.problems.values,
      checkpoints: s.checkpoints.values,
      issues: [...s.issues],
      sizes: cols.map((c) => c.length),
    }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  // every column starts at a multiple of 8 bytes, so it can be viewed in place on reading
  const parts: Buffer[] = [len, header];
  let at = 4 + header.length;
  for (const c of cols) {
    const pad = (8 - (at % 8)) % 8;
    parts.push(Buffer.alloc(pad), c);
    at += pad + c.length;
  }
  return Buffer.concat(parts);
}

/** The store in `b` and the key it was made for; undefined when `b` is not a cache of this version. */
export function decodeStore(b: Buffer): { store: SummaryStore; key: IndexKey } | undefined {
  try {
    const hl = b.readUInt32LE(0);
    const h = JSON.parse(b.toString('utf8', 4, 4 + hl));
    if (h.magic !== MAGIC || h.version !== VERSION) return undefined;
    const s = new SummaryStore();
    let at = 4 + hl;
    const copy = <A extends ArrayBufferView>(ctor: new (buf: ArrayBuffer) => A, size: number): A => {
      at += (8 - (at % 8)) % 8;
      const bytes = new Uint8Array(size);
      bytes.set(b.subarray(at, at + size));
      at += size;
      return new ctor(bytes.buffer);
    };
    const sizes = h.sizes as number[];
    s.offset = copy(Float64Array, sizes[0]!);
    s.length = copy(Uint32Array, sizes[1]!);
    s.line = copy(Uint32Array, sizes[2]!);
    s.problem = copy(Uint32Array, sizes[3]!);
    s.ckpt = copy(Uint32Array, sizes[4]!);
    s.status = copy(Uint8Array, sizes[5]!);
    s.correct = copy(Int8Array, sizes[6]!);
    s.steps = copy(Int32Array, sizes[7]!);
    s.counts = copy(Uint16Array, sizes[8]!);
    s.lowConf = copy(Uint8Array, sizes[9]!);
    s.count = h.count;
    s.summarized = h.summarized;
    s.ids = h.ids;
    for (const p of h.problems) s.problems.id(p);
    for (const c of h.checkpoints) s.checkpoints.id(c);
    for (const [r, m] of h.issues) s.issues.set(r, m);
    if (s.offset.length !== s.count) return undefined;
    return { store: s, key: h.key };
  } catch {
    return undefined;
  }
}
