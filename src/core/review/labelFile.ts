// The review file beside a trace file (`<name>.labels.jsonl`): one reviewed trace per line. Every
// change is written at once and atomically (a temporary file renamed over the old one), so a crash
// or reload loses nothing. Writes re-read the file when someone else changed it and merge per
// annotation (the later decision wins), so two panels or two windows never undo each other's work.
// A line that does not parse is reported (file, line, field) and written back as it was.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InputIssue } from '../issues';
import { zodIssues } from '../issues';
import { applyDecision, mergeRecords, ReviewRecord, type ReviewDecision } from './labels';

/** `runs/rl.trace.jsonl` → `runs/rl.labels.jsonl`. */
export function labelsPathFor(traceFile: string): string {
  const stem = basename(traceFile).replace(/(\.trace)?\.(jsonl|ndjson|json|txt|md|markdown)$/i, '');
  return join(dirname(traceFile), `${stem}.labels.jsonl`);
}

interface Parsed {
  records: Map<string, ReviewRecord>;
  /** Lines that did not parse, kept verbatim. */
  bad: string[];
  issues: InputIssue[];
}

export function parseLabelFile(file: string, text: string): Parsed {
  const out: Parsed = { records: new Map(), bad: [], issues: [] };
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      out.bad.push(line);
      out.issues.push({
        file,
        line: i + 1,
        field: '(line)',
        message: `invalid JSON: ${(e as Error).message}`,
      });
      return;
    }
    const r = ReviewRecord.safeParse(raw);
    if (!r.success) {
      out.bad.push(line);
      out.issues.push(...zodIssues(file, i + 1, r.error));
      return;
    }
    const have = out.records.get(r.data.id);
    out.records.set(r.data.id, have ? mergeRecords(have, r.data) : r.data);
  });
  return out;
}

export class LabelFile {
  private records = new Map<string, ReviewRecord>();
  private bad: string[] = [];
  issues: InputIssue[] = [];
  /** Size and mtime of the file as this copy last read or wrote it. */
  private seen = '';
  private readonly listeners = new Set<() => void>();

  constructor(readonly path: string) {
    this.reload();
  }

  private stamp(): string {
    if (!existsSync(this.path)) return 'none';
    const st = statSync(this.path);
    return `${st.size}:${st.mtimeMs}`;
  }

  /** Reads the file again (merging with what this copy holds) when it changed since last seen. */
  reload(): boolean {
    const stamp = this.stamp();
    if (stamp === this.seen) return false;
    this.seen = stamp;
    if (stamp === 'none') return false;
    const p = parseLabelFile(this.path, readFileSync(this.path, 'utf8'));
    for (const [id, r] of p.records) {
      const have = this.records.get(id);
      this.records.set(id, have ? mergeRecords(have, r) : r);
    }
    this.bad = p.bad;
    this.issues = p.issues;
    return true;
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get(id: string): ReviewRecord | undefined {
    return this.records.get(id);
  }

  all(): ReviewRecord[] {
    return [...this.records.values()];
  }

  /** Records one decision on trace `id` and writes; `base` makes its record when it has none yet. */
  decide(id: string, base: () => ReviewRecord, d: ReviewDecision) {
    this.reload();
    this.records.set(id, applyDecision(this.records.get(id) ?? base(), d));
    this.write();
  }

  /** Marks trace `id` reviewed (or not) and writes; `base` as for decide. */
  setDone(id: string, base: () => ReviewRecord, done: boolean, reviewer: string, at = Date.now()) {
    this.reload();
    const r = this.records.get(id) ?? base();
    this.records.set(id, { ...r, review: { ...r.review, done, reviewer, updatedAt: at } });
    this.write();
  }

  private write() {
    const lines = [...[...this.records.values()].map((r) => JSON.stringify(r)), ...this.bad];
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, lines.join('\n') + '\n');
    renameSync(tmp, this.path);
    this.seen = this.stamp();
    this.notify();
  }

  /** Tells every listener (each panel of the file) that the decisions changed. */
  notify() {
    for (const l of this.listeners) l();
  }
}
