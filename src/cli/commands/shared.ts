import { readFile } from 'node:fs/promises';
import type { BehaviorDetector } from '../../core/behaviors/detector';
import { DetectorFileError, detectorFromFile, parseConfigText } from '../../core/behaviors/default';
import { zodIssues, formatIssue } from '../../core/issues';
import { loadTraces } from '../../core/files/traces';
import { annotate } from '../../core/annotate';
import { RegionMarkers, type AnnotatedTrace } from '../../core/schema';
import { type RegionMarker, resolveMarkers } from '../../core/regions';
import { UsageError } from '../io';

/** A JSON or YAML configuration file, parsed; a file that does not parse is a usage error. */
async function readConfig(file: string): Promise<unknown> {
  try {
    return parseConfigText(await readFile(file, 'utf8'), file);
  } catch (e) {
    if (e instanceof DetectorFileError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The detector of `rulesFile`, built on first use: with `--jobs N` each worker builds its own, so the
 * main thread only validates a named file up front (its errors stay usage errors) and never builds
 * the default detector it would not use (a third of a second of a core on a 2-core machine).
 */
export async function detectorOnDemand(rulesFile?: string): Promise<() => Promise<BehaviorDetector>> {
  let built: Promise<BehaviorDetector> | undefined = rulesFile ? loadDetector(rulesFile) : undefined;
  if (built) await built;
  return () => (built ??= loadDetector(rulesFile));
}

/** Loads a region-marker file (JSON or YAML, `{extends, markers: [{region, open, close?}]}`). */
export async function loadMarkers(file?: string): Promise<readonly RegionMarker[] | undefined> {
  if (!file) return undefined;
  const parsed = RegionMarkers.safeParse(await readConfig(file));
  if (!parsed.success) throw new UsageError(zodIssues(file, 1, parsed.error).map(formatIssue).join('\n'));
  return resolveMarkers(parsed.data);
}

/** Loads a rules file or learned model (JSON or YAML) or the defaults; a bad file is a usage error. */
export async function loadDetector(rulesFile?: string): Promise<BehaviorDetector> {
  try {
    return detectorFromFile(rulesFile);
  } catch (e) {
    if (e instanceof DetectorFileError) throw new UsageError(e.message);
    throw e;
  }
}

export async function loadAnnotated(
  files: string[],
  detector: BehaviorDetector,
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
