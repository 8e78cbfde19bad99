// The keys that name a reviewed annotation, without zod (the webview builds them too): a detection
// is its behavior on the (paragraph) step it was found in, an added label its behavior and span.
export const detectionKey = (behavior: string, start: number, end: number) => `${behavior}@${start}-${end}`;
export const addedKey = (behavior: string, start: number, end: number) => `+${behavior}@${start}-${end}`;
