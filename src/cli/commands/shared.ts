import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { RuleDetector } from '../../core/behaviors/detector';
import { RuleSet, RuleError } from '../../core/behaviors/rules';
import { zodIssues, formatIssue } from '../../core/issues';
import { loadTraces } from '../../core/files/traces';
import { annotate } from '../../core/annotate';
import type { AnnotatedTrace } from '../../core/schema';
import { UsageError } from '../io';

/** Loads a rules file (JSON or YAML) or the defaults; a bad file is a usage error naming the field. */
export async function loadDetector(rulesFile?: string): Promise<RuleDetector> {
  if (!rulesFile) return new RuleDetector();
  const text = await readFile(rulesFile, 'utf8');
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(rulesFile) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${rulesFile}:1: (file): cannot parse: ${(e as Error).message}`);
  }
  const parsed = RuleSet.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(zodIssues(rulesFile, 1, parsed.error).map(formatIssue).join('\n'));
  try {
    return new RuleDetector(parsed.data);
  } catch (e) {
    if (e instanceof RuleError) throw new UsageError(`${rulesFile}:1: ${e.message}`);
    throw e;
  }
}

export async function loadAnnotated(
  files: string[],
  detector: RuleDetector,
  onIssue: (s: string) => void,
): Promise<AnnotatedTrace[]> {
  const out: AnnotatedTrace[] = [];
  for (const f of files) {
    const { items, issues } = await loadTraces(f);
    issues.forEach((i) => onIssue(formatIssue(i)));
    for (const t of items) out.push(annotate(t, { detector }));
  }
  return out;
}
