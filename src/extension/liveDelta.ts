// How a growing response reaches a live trace view: changes are coalesced into at most one
// `traceDelta` per interval (the first change starts the clock), each carrying the whole response
// re-annotated. No vscode here: the live-run benchmark drives the same path against the webview.
import type { AnnotatedTrace } from '../core/schema';
import type { HostToWebview } from '../protocol/traceView';

/** At most one delta per 33 ms: about 30 updates a second whatever the token rate. */
export const LIVE_DELTA_MS = 33;

export class Coalescer {
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly flush: () => void,
    private readonly ms = LIVE_DELTA_MS,
  ) {}

  poke() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.ms);
  }

  dispose() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const traceDelta = (index: number, a: AnnotatedTrace): HostToWebview => ({
  type: 'traceDelta',
  index,
  response: a.response,
  steps: a.steps,
  done: false,
});
