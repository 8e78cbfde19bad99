// HTTP with retries for OpenAI-compatible servers (the runner's generation back end and the LLM
// judge): network errors, 429 and 5xx are retried with exponential backoff and jitter; a 429's or
// 503's Retry-After (seconds or an HTTP date) is honoured. No vscode, no state: callers map statuses.

export interface RetryOptions {
  maxRetries: number;
  /** The first backoff; doubles per attempt (default 500 ms). */
  backoffMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Told before each wait: why, and for how long. */
  onRetry?: (why: string, waitMs: number) => void;
}

export const retryable = (status: number) => status === 429 || status >= 500;

/** The wait a Retry-After header asks for, in ms (undefined when absent or unreadable). */
export function retryAfterMs(h: string | null, now = Date.now()): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * `fetch` until it answers something other than 429/5xx or the retries run out. Returns the last
 * response (possibly still 429/5xx) and how many requests it took; throws the last network error
 * (or the abort) when no response came.
 */
export async function fetchRetrying(
  url: string,
  init: RequestInit,
  o: RetryOptions,
): Promise<{ res: Response; attempts: number }> {
  const f = o.fetch ?? fetch;
  for (let attempt = 1; ; attempt++) {
    const backoff = (o.backoffMs ?? 500) * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    let res: Response;
    try {
      res = await f(url, { ...init, signal: o.signal });
    } catch (e) {
      if (o.signal?.aborted || attempt > o.maxRetries) throw e;
      o.onRetry?.(`network: ${(e as Error).message}`, backoff);
      await sleep(backoff, o.signal);
      continue;
    }
    if (!retryable(res.status) || attempt > o.maxRetries) return { res, attempts: attempt };
    const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoff;
    await res.body?.cancel();
    o.onRetry?.(`HTTP ${res.status}`, wait);
    await sleep(wait, o.signal);
  }
}
