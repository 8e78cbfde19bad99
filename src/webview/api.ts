// The VS Code webview API (acquireVsCodeApi may be called once per page) and the trace view's
// default saved state.
import type { ViewState } from '../protocol/traceView';

export interface VsCodeApi {
  postMessage(m: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;
export const vscodeApi = (): VsCodeApi => (api ??= acquireVsCodeApi());

export const DEFAULT_VIEW_STATE: ViewState = {
  traceIndex: 0,
  scrollTop: 0,
  filters: [],
  expanded: [],
  search: '',
  listFilter: '',
  listSort: 'file',
  listDescending: false,
  confidence: false,
  review: false,
  stepMode: 'paragraph',
  savedAt: 0,
};
