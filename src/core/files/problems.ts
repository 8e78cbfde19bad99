// Problem files: .json (one problem, an array, or an object keyed by id as MathVista's testmini),
// .jsonl and .yaml, with the field names of MathVista, MathVerse and MathVision normalised.
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Problem } from '../schema';
import { type InputIssue, zodIssues } from '../issues';
import { resolveImageRef } from './images';
import { readJsonLines } from './lines';
import { topLevelLines } from './json-offsets';

export interface LoadResult<T> {
  items: T[];
  issues: InputIssue[];
}

type Raw = Record<string, unknown>;

const first = (o: Raw, keys: string[]): unknown => {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

/** Maps a benchmark's record onto Problem's fields; validation happens afterwards. */
export function normalizeProblem(raw: Raw, fallbackId: string | undefined, baseDir: string): Raw {
  const known = new Set([
    'schemaVersion',
    'id',
    'pid',
    'problem_id',
    'sample_index',
    'question',
    'query',
    'problem',
    'choices',
    'options',
    'answer',
    'gt_answer',
    'image',
    'image_path',
    'img',
    'meta',
    'decoded_image',
  ]);
  const id = first(raw, ['id', 'pid', 'problem_id', 'sample_index']) ?? fallbackId;
  const rawChoices = first(raw, ['choices', 'options']);
  const image = first(raw, ['image', 'image_path', 'img']);
  const meta: Raw = { ...((raw.meta as Raw | undefined) ?? {}) };
  for (const [k, v] of Object.entries(raw)) if (!known.has(k)) meta[k] = v;
  const answer = first(raw, ['answer', 'gt_answer']);
  return {
    schemaVersion: raw.schemaVersion,
    id: typeof id === 'number' ? String(id) : id,
    question: first(raw, ['question', 'query', 'problem']),
    choices: Array.isArray(rawChoices) && rawChoices.length === 0 ? undefined : rawChoices,
    answer: typeof answer === 'number' ? String(answer) : answer,
    image: typeof image === 'string' ? resolveImageRef(image, baseDir) : image,
    meta,
  };
}

function toProblem(file: string, line: number, raw: unknown, fallbackId: string | undefined, prefix: string) {
  const baseDir = dirname(resolve(file));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      issues: [{ file, line, field: prefix || '(line)', message: 'expected a JSON object for a problem' }],
    };
  }
  const parsed = Problem.safeParse(normalizeProblem(raw as Raw, fallbackId, baseDir));
  if (!parsed.success) return { issues: zodIssues(file, line, parsed.error, prefix) };
  return { problem: parsed.data };
}

export async function loadProblems(file: string): Promise<LoadResult<Problem>> {
  const ext = extname(file).toLowerCase();
  const items: Problem[] = [];
  const issues: InputIssue[] = [];
  const take = (r: { problem?: Problem; issues?: InputIssue[] }) => {
    if (r.problem) items.push(r.problem);
    if (r.issues) issues.push(...r.issues);
  };
  if (ext === '.jsonl' || ext === '.ndjson') {
    for await (const { line, value } of readJsonLines(file, (i) => issues.push(i))) {
      take(toProblem(file, line, value, undefined, ''));
    }
    return { items, issues };
  }
  let text = await readFile(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc: unknown;
  try {
    doc = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    issues.push({ file, line: 1, field: '(file)', message: `cannot parse: ${(e as Error).message}` });
    return { items, issues };
  }
  const lines = ext === '.json' ? topLevelLines(text) : [];
  if (Array.isArray(doc)) {
    doc.forEach((p, i) => take(toProblem(file, lines[i] ?? 1, p, undefined, `[${i}]`)));
  } else if (doc && typeof doc === 'object' && ('question' in doc || 'query' in doc || 'problem' in doc)) {
    take(toProblem(file, 1, doc, undefined, ''));
  } else if (doc && typeof doc === 'object') {
    Object.entries(doc).forEach(([key, p], i) => take(toProblem(file, lines[i] ?? 1, p, key, key)));
  } else {
    issues.push({
      file,
      line: 1,
      field: '(file)',
      message: 'expected a problem, an array of problems or an object keyed by id',
    });
  }
  return { items, issues };
}
