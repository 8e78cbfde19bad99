// Judgments on disk, so a judge run is paid once: one JSON line per (trace content, behavior, judge
// model, prompt version), appended as each answer arrives — a cancelled or crashed run keeps what it
// got and a rerun resumes. The raw answer is stored (parsing can improve without new calls). A
// corrupted line is skipped and counted, never fatal.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedJudgment {
  text: string;
  truncated: boolean;
  at: number;
}

export function judgmentKey(parts: {
  model: string;
  version: string;
  behavior: string;
  response: string;
  problem: string;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.model, parts.version, parts.behavior, parts.problem, parts.response]))
    .digest('hex');
}

export class JudgmentCache {
  private readonly entries = new Map<string, CachedJudgment>();
  /** Lines of the file that could not be read. */
  skipped = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  static async open(dir: string): Promise<JudgmentCache> {
    await mkdir(dir, { recursive: true });
    const c = new JudgmentCache(join(dir, 'judgments.jsonl'));
    const text = await readFile(c.file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const { k, v } = JSON.parse(line) as { k: string; v: CachedJudgment };
        if (typeof k === 'string' && typeof v?.text === 'string') c.entries.set(k, v);
        else c.skipped++;
      } catch {
        c.skipped++;
      }
    }
    return c;
  }

  get size() {
    return this.entries.size;
  }

  get(key: string): CachedJudgment | undefined {
    return this.entries.get(key);
  }

  /** Records a judgment; appends are queued so lines never interleave. */
  put(key: string, v: CachedJudgment): Promise<void> {
    this.entries.set(key, v);
    this.writing = this.writing.then(() => appendFile(this.file, JSON.stringify({ k: key, v }) + '\n'));
    return this.writing;
  }

  flush(): Promise<void> {
    return this.writing;
  }
}
