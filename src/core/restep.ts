// The same annotated trace at another step granularity (the view's paragraph/sentence switch): the
// steps are cut again and every behavior hit moves to the step that holds its cue. Pure, and free
// of the detector, so the webview can switch without a round trip to the host.
import type { RegionMarker } from './regions';
import type { AnnotatedTrace, Step } from './schema';
import { segment, type StepMode } from './segment';

export function restep<T extends Pick<AnnotatedTrace, 'response' | 'steps'>>(
  trace: T,
  mode: StepMode,
  markers?: readonly RegionMarker[],
): Step[] {
  const spans = segment(trace.response, { mode, markers });
  const steps: Step[] = spans.map((s, index) => ({ ...s, index, behaviors: [] }));
  let k = 0;
  const hits = trace.steps.flatMap((s) => s.behaviors).sort((a, b) => a.cue.start - b.cue.start);
  for (const h of hits) {
    while (k < steps.length - 1 && steps[k]!.end <= h.cue.start) k++;
    const st = steps[k];
    if (st && !st.behaviors.some((b) => b.id === h.id && b.cue.start === h.cue.start)) st.behaviors.push(h);
  }
  return steps;
}
