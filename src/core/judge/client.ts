// The judge's side of an OpenAI-compatible server (vLLM, SGLang, a hosted API): one non-streaming
// chat completion per call, a time limit per attempt, retries with backoff on 429/5xx, timeouts and
// dropped connections (core/http.ts), and counters of calls, retries, failures, tokens and time.
import { fetchRetrying, retryable } from '../http';

export interface JudgeEndpoint {
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never written to a trace, a cache or a log. */
  apiKey?: string;
  maxTokens?: number;
  temperature?: number;
  /** Per attempt (default 120 s): a slow answer past it is retried. */
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
}

export interface JudgeCounters {
  calls: number;
  cached: number;
  retries: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  /** Wall time spent in calls (summed over concurrent calls). */
  ms: number;
}

export const newCounters = (): JudgeCounters => ({
  calls: 0,
  cached: 0,
  retries: 0,
  failures: 0,
  promptTokens: 0,
  completionTokens: 0,
  ms: 0,
});

export class JudgeError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'server-error' | 'unauthorized' | 'unknown-model' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

export type ChatMessage = { role: 'system' | 'user'; content: string };

/** What asks the judge: a server (JudgeClient) or a local checkpoint through the runner. */
export interface JudgeBackend {
  /** Names the judge in hits and in the cache key. */
  readonly model: string;
  readonly counters: JudgeCounters;
  complete(messages: ChatMessage[], signal?: AbortSignal): Promise<{ text: string; truncated: boolean }>;
  /** Frees what the judge holds (a model process); the next call starts it again. */
  dispose?(): void;
}

export class JudgeClient implements JudgeBackend {
  readonly counters = newCounters();
  constructor(readonly endpoint: JudgeEndpoint) {}

  get model() {
    return this.endpoint.model;
  }

  /** The judge's answer to `messages`; `truncated` when it stopped at max_tokens. */
  async complete(
    messages: ChatMessage[],
    signal?: AbortSignal,
  ): Promise<{ text: string; truncated: boolean }> {
    const e = this.endpoint;
    const f = e.fetch ?? fetch;
    const timeout = e.timeoutMs ?? 120_000;
    const t0 = Date.now();
    this.counters.calls++;
    try {
      let res: Response;
      let attempts: number;
      try {
        ({ res, attempts } = await fetchRetrying(
          `${e.baseUrl.replace(/\/+$/, '')}/chat/completions`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(e.apiKey ? { authorization: `Bearer ${e.apiKey}` } : {}),
            },
            body: JSON.stringify({
              model: e.model,
              messages,
              max_tokens: e.maxTokens ?? 1024,
              temperature: e.temperature ?? 0,
            }),
          },
          {
            maxRetries: e.maxRetries ?? 4,
            backoffMs: e.backoffMs,
            signal,
            // each attempt has its own time limit; a timed-out attempt is retried like a dropped one
            fetch: (url, init) =>
              f(url, {
                ...init,
                signal: AbortSignal.any([
                  ...(init?.signal ? [init.signal] : []),
                  AbortSignal.timeout(timeout),
                ]),
              }),
            onRetry: () => this.counters.retries++,
          },
        ));
      } catch (err) {
        if (signal?.aborted) throw err;
        throw new JudgeError('unreachable', `cannot reach ${e.baseUrl}: ${(err as Error).message}`);
      }
      const body = await res.text();
      if (res.status === 401 || res.status === 403)
        throw new JudgeError('unauthorized', `${e.baseUrl} refused the judge's key (${res.status})`);
      if (res.status === 404)
        throw new JudgeError(
          'unknown-model',
          `${e.baseUrl}: no model "${e.model}" (404): ${body.slice(0, 200)}`,
        );
      if (!res.ok)
        throw new JudgeError(
          'server-error',
          `${e.baseUrl} answered ${res.status}${retryable(res.status) ? ` after ${attempts} tries` : ''}: ${body.slice(0, 200)}`,
        );
      let json: {
        choices?: { message?: { content?: string | null }; finish_reason?: string }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number };
      };
      try {
        json = JSON.parse(body);
      } catch {
        throw new JudgeError('malformed', `${e.baseUrl} sent a body that is not JSON: ${body.slice(0, 120)}`);
      }
      const choice = json.choices?.[0];
      if (typeof choice?.message?.content !== 'string')
        throw new JudgeError('malformed', `${e.baseUrl} sent no choices[0].message.content`);
      this.counters.promptTokens += json.usage?.prompt_tokens ?? 0;
      this.counters.completionTokens += json.usage?.completion_tokens ?? 0;
      return { text: choice.message.content, truncated: choice.finish_reason === 'length' };
    } catch (err) {
      this.counters.failures++;
      throw err;
    } finally {
      this.counters.ms += Date.now() - t0;
    }
  }
}
