// Terminal plumbing shared by the commands: usage errors, issue reporting, a progress bar that
// only draws on a TTY, and plain tables.
import type { InputIssue } from '../core/issues';
import { formatIssue } from '../core/issues';

export class UsageError extends Error {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
}

export const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: !!process.stderr.isTTY,
};

export class IssueLog {
  count = 0;
  constructor(private readonly io: Io) {}
  report = (i: InputIssue) => {
    this.count++;
    this.io.err(formatIssue(i) + '\n');
  };
}

export class Progress {
  private last = 0;
  private readonly started = Date.now();
  constructor(
    private readonly io: Io,
    private readonly label: string,
    private readonly total?: number,
  ) {}
  update(done: number, note = '') {
    if (!this.io.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100 && (!this.total || done < this.total)) return;
    this.last = now;
    const secs = (now - this.started) / 1000;
    let line = `${this.label} ${done}`;
    if (this.total) {
      const frac = Math.min(1, done / this.total);
      const width = 24;
      const fill = Math.round(frac * width);
      const eta = frac > 0 ? (secs / frac - secs).toFixed(0) : '?';
      line = `${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0)}% ETA ${eta}s`;
    }
    this.io.err(`\r${line} ${note}`.slice(0, 120).padEnd(80) + '');
  }
  done() {
    if (this.io.isTTY) this.io.err('\r' + ' '.repeat(100) + '\r');
  }
}

export function table(rows: (string | number)[][], align: ('l' | 'r')[] = []): string {
  const cells = rows.map((r) => r.map(String));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const f3 = (x: number) => x.toFixed(3);
