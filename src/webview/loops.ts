// Looping models repeat themselves; the view collapses runs of repeated text behind a marker.

/** Runs of consecutive steps with the same normalised text: [first, last] index pairs (length ≥ 3). */
export function repeatedStepRuns(texts: string[]): [number, number][] {
  const norm = texts.map((t) => t.replace(/\s+/g, ' ').trim().toLowerCase());
  const runs: [number, number][] = [];
  let i = 0;
  while (i < norm.length) {
    let j = i;
    while (j + 1 < norm.length && norm[j + 1] === norm[i] && norm[i] !== '') j++;
    if (j - i >= 2) runs.push([i, j]);
    i = j + 1;
  }
  return runs;
}

/** A repeated unit inside one text ("rt rt rt rt …"): where it starts and ends, the unit and the count. */
export function innerRepetition(
  text: string,
): { start: number; end: number; unit: string; count: number } | null {
  const m = /([\s\S]{1,40}?)\1{5,}/.exec(text);
  if (!m || m[0].length < 40) return null;
  return { start: m.index, end: m.index + m[0].length, unit: m[1]!, count: m[0].length / m[1]!.length };
}
