// The base of every webview app: typed messages both ways, saved state (webview state, mirrored to
// the host after a short debounce for hosts that drop it on reload), error and CSP-violation
// reports to the host's log, and the 'ready' handshake. Subclasses implement `handle`.
import { vscodeApi } from './api';

type Base = { type: string };
/** The messages every app may send, whatever its protocol. */
type Common<S> =
  | { type: 'ready' }
  | { type: 'stateChanged'; state: S }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export abstract class WebviewApp<In extends Base, Out extends Base, S extends object> {
  readonly state: S;
  /** Whether the webview had its own saved state (which wins over the host's copy). */
  readonly hadSavedState: boolean;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(defaults: S) {
    const saved = vscodeApi().getState() as Partial<S> | undefined;
    this.hadSavedState = !!saved;
    this.state = { ...defaults, ...(saved ?? {}) };
  }

  post(m: Out | Common<S>) {
    vscodeApi().postMessage(m);
  }

  persist() {
    vscodeApi().setState(this.state);
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.post({ type: 'stateChanged', state: this.state }), 150);
  }

  protected abstract handle(m: In): void;

  start() {
    window.addEventListener('message', (e: MessageEvent) => this.handle(e.data as In));
    window.addEventListener('error', (e) =>
      this.post({ type: 'log', level: 'error', message: String(e.message) }),
    );
    document.addEventListener('securitypolicyviolation', (e) =>
      this.post({
        type: 'log',
        level: 'warn',
        message: `CSP violation: ${e.violatedDirective} ${e.blockedURI}`,
      }),
    );
    this.post({ type: 'ready' });
  }
}
