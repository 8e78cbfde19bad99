// The detector Cogtrace uses unless told otherwise, and the schema of learned-model files. The
// rules stay the default: fitted on every labelled trace but the held-out part of dev3, a learned
// model scores 0.70 / 0.56 (trace / span macro F1) there against the rules' 0.82 / 0.63, and the
// rules plus its confident hits 0.83 / 0.65 — but 0.83 / 0.71 against 0.84 / 0.72 on the real
// traces (5 folds), at about eight times the rules' cost per byte (December 2026). Users fit on
// their own labels instead (`cogtrace fit`). A detector file is either a rule set or a learned
// model.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssue, zodIssues } from '../issues';
import { BEHAVIOR_IDS } from '../schema';
import { type BehaviorDetector, RuleDetector } from './detector';
import { LearnedDetector, type LearnedModelFile } from './learned';
import { RuleError, RuleSet } from './rules';

const BehaviorModel = z.object({
  bias: z.number(),
  weights: z.record(z.string(), z.number()),
  platt: z.tuple([z.number(), z.number()]),
  threshold: z.number().min(0).max(1),
});
export const LearnedModel = z.object({
  version: z.literal(1),
  kind: z.literal('linear'),
  name: z.string(),
  trainedOn: z.string(),
  behaviors: z.object(Object.fromEntries(BEHAVIOR_IDS.map((b) => [b, BehaviorModel]))),
});

export const isLearnedFile = (raw: unknown) =>
  typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'linear';

export function defaultDetector(): RuleDetector {
  return new RuleDetector();
}

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
    return new LearnedDetector(m.data as LearnedModelFile);
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
