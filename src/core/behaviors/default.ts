// The detector Cogtrace uses unless told otherwise, and the one loader of detector files. The
// default is the rules plus the shipped learned model where the rules find nothing (combined.ts);
// a detector file is a rule set (rules alone) or a learned model (`cogtrace fit`; that model
// alone). The shipped model (default-detector.json) is fitted by `npm run fit-default` on every
// labelled trace the repository may use; its figures are in README ("How well it detects").
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssue, zodIssues } from '../issues';
import { type BehaviorDetector, RuleDetector } from './detector';
import { defaultDetector } from './combined';
import { LearnedDetector } from './learned';
import { LearnedModel, modelFromFile } from './modelFile';
import { RuleError, RuleSet } from './rules';

export { defaultDetector, LearnedModel };

export const isLearnedFile = (raw: unknown) =>
  typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'linear';

/** A detector file that does not validate; the message names the file, line and field. */
export class DetectorFileError extends Error {}

/**
 * The one loader of detector files (CLI and extension): a parsed rules file or learned model,
 * validated, as a detector.
 */
export function detectorFromConfig(raw: unknown, file: string): BehaviorDetector {
  const fail = (error: z.ZodError): never => {
    throw new DetectorFileError(zodIssues(file, 1, error).map(formatIssue).join('\n'));
  };
  if (isLearnedFile(raw)) {
    // a model written by `cogtrace fit` loads like a rules file
    const m = LearnedModel.safeParse(raw);
    if (!m.success) return fail(m.error);
    return new LearnedDetector(modelFromFile(m.data));
  }
  const parsed = RuleSet.safeParse(raw);
  if (!parsed.success) return fail(parsed.error);
  try {
    return new RuleDetector(parsed.data);
  } catch (e) {
    if (e instanceof RuleError) throw new DetectorFileError(`${file}:1: ${e.message}`);
    throw e;
  }
}

/** Parses a JSON or YAML configuration text; a text that does not parse names the file. */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new DetectorFileError(`${file}:1: (file): cannot parse: ${(e as Error).message}`);
  }
}

/** Reads a detector file (rules or learned model, JSON or YAML); no file means the default detector. */
export function detectorFromFile(file: string | undefined): BehaviorDetector {
  if (!file) return defaultDetector();
  return detectorFromConfig(parseConfigText(readFileSync(file, 'utf8'), file), file);
}
