// The host's half of a virtualized trace list: the view sends its filter and sort (listQuery) and
// asks for the rows it shows (listRows); the answers come from the file's summaries, so the view
// never holds a million items. As the index grows, the query is answered again, at a rate that
// keeps its cost under a tenth of the host's time.
import type { SummaryStore } from '../core/summaryStore';
import type { HostToWebview, IndexStatus, WebviewToHost } from '../protocol/traceView';

type Query = Extract<WebviewToHost, { type: 'listQuery' }>;

export interface ListSource {
  store(): SummaryStore;
  status(): IndexStatus;
  /** Summarizes rows not summarized yet (the rows on screen), when the source can. */
  ensure?(rows: Int32Array): void;
}

/** Rows per listRows answer at most (a view asks for a screenful and some). */
const MAX_ROWS = 500;

export class ListServer {
  private q?: Query;
  private order: Int32Array = new Int32Array(0);
  private lastCost = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRefresh = 0;

  constructor(
    private readonly src: ListSource,
    private readonly post: (m: HostToWebview) => Thenable<boolean> | Promise<boolean>,
  ) {}

  query(q: Query) {
    this.q = q;
    this.refresh();
  }

  /** The index changed: the query is answered again, soon (coalesced). */
  changed() {
    if (this.timer || !this.q) return;
    const wait = Math.max(0, Math.max(250, this.lastCost * 10) - (Date.now() - this.lastRefresh));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, wait);
  }

  /** Answers the current query now. */
  refresh() {
    const q = this.q;
    if (!q) return;
    const t = Date.now();
    const store = this.src.store();
    this.order = store.query({ text: q.text, sort: q.sort, descending: q.descending });
    this.lastCost = Date.now() - t;
    this.lastRefresh = Date.now();
    void this.post({
      type: 'listView',
      seq: q.seq,
      count: this.order.length,
      total: store.count,
      status: this.src.status(),
    });
  }

  rows(m: Extract<WebviewToHost, { type: 'listRows' }>) {
    if (!this.q || m.seq !== this.q.seq) return;
    const rows = this.order.subarray(m.from, Math.min(m.to, m.from + MAX_ROWS));
    this.src.ensure?.(rows);
    const store = this.src.store();
    void this.post({
      type: 'listRows',
      seq: m.seq,
      from: m.from,
      items: Array.from(rows, (r) => store.item(r)),
    });
  }

  /** The rows of the current query, in its order (the review queue follows the list's filter). */
  currentOrder(): Int32Array | undefined {
    return this.q ? this.order : undefined;
  }

  dispose() {
    clearTimeout(this.timer);
  }
}
