// Finds the line on which each top-level element of a JSON array (or value of an object) starts,
// so errors in whole-file JSON inputs can still name a line.

export function topLevelLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectValue = false;
  let isObject = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      if (depth === 1 && !isObject && expectValue) {
        lines.push(line);
        expectValue = false;
      }
      inString = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 10) continue;
    if (depth === 0 && (c === 91 || c === 123)) {
      depth = 1;
      isObject = c === 123;
      expectValue = !isObject;
      continue;
    }
    if (depth === 1) {
      if (c === 44) {
        expectValue = !isObject;
        continue;
      }
      if (c === 58 && isObject) {
        expectValue = true;
        continue;
      }
      if (expectValue) {
        lines.push(line);
        expectValue = false;
      }
    }
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
  }
  return lines;
}
