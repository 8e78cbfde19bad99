// The VS Code webview API, typed by our protocol.
import type { HostToWebview, ViewState, WebviewToHost } from '../src/protocol/traceView';

interface VsCodeApi {
  postMessage(m: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode = acquireVsCodeApi();
export const post = (m: WebviewToHost) => vscode.postMessage(m);

export function onMessage(handler: (m: HostToWebview) => void) {
  window.addEventListener('message', (e: MessageEvent) => handler(e.data as HostToWebview));
}

const DEFAULT_STATE: ViewState = {
  traceIndex: 0,
  scrollTop: 0,
  filters: [],
  expanded: [],
  search: '',
  listFilter: '',
  confidence: false,
  stepMode: 'paragraph',
};

export function hasSavedState(): boolean {
  return !!vscode.getState();
}

export function loadState(): ViewState {
  const s = vscode.getState() as Partial<ViewState> | undefined;
  return { ...DEFAULT_STATE, ...(s ?? {}) };
}

let pending: ReturnType<typeof setTimeout> | undefined;
export function saveState(s: ViewState) {
  vscode.setState(s);
  clearTimeout(pending);
  pending = setTimeout(() => post({ type: 'stateChanged', state: s }), 150);
}
