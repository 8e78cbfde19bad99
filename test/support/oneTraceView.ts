// What a host sends a trace view showing one trace: the file's header, the list's answer to the
// view's first query (seq 1) and the trace. For pages that drive the webview bundle without a host
// (the live-steps e2e test, the live bench); posted in the page in this order.
import type { HostToWebview, TraceListItem } from '../../src/protocol/traceView';

export function oneTraceMessages(file: string, item: TraceListItem, trace: unknown): HostToWebview[] {
  return [
    { type: 'init', file, total: 1, issues: [], colors: {} },
    {
      type: 'listView',
      seq: 1,
      count: 1,
      total: 1,
      status: { phase: 'ready', scanned: 0, size: 0, count: 1, summarized: 1 },
    },
    { type: 'listRows', seq: 1, from: 0, items: [item] },
    { type: 'trace', index: 0, trace: trace as never, code: [] },
  ];
}
