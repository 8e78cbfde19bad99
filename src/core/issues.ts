// A problem found in an input: always names the file, the line and the field, so a user can fix it.
import type { z } from 'zod';

export interface InputIssue {
  file: string;
  line: number;
  field: string;
  message: string;
}

export function formatIssue(i: InputIssue): string {
  return `${i.file}:${i.line}: ${i.field || '(line)'}: ${i.message}`;
}

/** Turns zod issues into ours; `prefix` is the path of the validated value inside the line. */
export function zodIssues(file: string, line: number, error: z.ZodError, prefix = ''): InputIssue[] {
  return error.issues.map((iss) => {
    const path = iss.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    const field = [prefix, path].filter(Boolean).join(prefix && path && !path.startsWith('[') ? '.' : '');
    return { file, line, field: field || '(value)', message: iss.message };
  });
}
