// OpenAI-compatible back end for vLLM, SGLang, Ollama and llama.cpp servers: streaming chat
// completions over SSE, the image as a base64 data URL, logprobs when offered, retries with
// backoff on 429/5xx (core/http.ts), an API key read from an environment variable.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { GenerateRequest } from '../protocol/runner';
import type { Backend, GenerateResult, LoadInfo, TokenEvent } from './backend';
import { RunnerError } from './errors';
import { fetchRetrying, retryable } from '../core/http';

export interface OpenAIOptions {
  baseUrl: string;
  model: string;
  apiKeyEnv?: string;
  /** The key itself (from the editor's secret storage); never written to settings or traces. */
  apiKey?: string;
  maxRetries: number;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  backoffMs?: number;
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

export class OpenAIBackend implements Backend {
  private readonly f: typeof fetch;
  constructor(private readonly opts: OpenAIOptions) {
    this.f = opts.fetch ?? fetch;
  }

  private url(path: string) {
    return this.opts.baseUrl.replace(/\/+$/, '') + path;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json' };
    const key = this.opts.apiKey ?? (this.opts.apiKeyEnv ? process.env[this.opts.apiKeyEnv] : undefined);
    if (key) h.authorization = `Bearer ${key}`;
    return h;
  }

  private async request(path: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    let attempts: number;
    try {
      ({ res, attempts } = await fetchRetrying(
        this.url(path),
        { ...init, headers: this.headers() },
        { maxRetries: this.opts.maxRetries, backoffMs: this.opts.backoffMs, signal, fetch: this.f },
      ));
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new RunnerError(
        'server-unreachable',
        `cannot reach ${this.opts.baseUrl}: ${(e as Error).cause ?? (e as Error).message}`,
      );
    }
    if (retryable(res.status))
      throw new RunnerError(
        'server-error',
        `${this.opts.baseUrl} answered ${res.status} after ${attempts} tries: ${(await res.text()).slice(0, 300)}`,
      );
    if (res.status === 401 || res.status === 403) {
      throw new RunnerError(
        'unauthorized',
        `${this.opts.baseUrl} refused the request (${res.status}): set the API key in ${this.opts.apiKeyEnv ? `$${this.opts.apiKeyEnv}` : 'an environment variable named by apiKeyEnv'}`,
      );
    }
    if (res.status === 404) {
      const body = await res.text();
      throw new RunnerError(
        'unknown-model',
        `${this.opts.baseUrl}: model "${this.opts.model}" not found (404): ${body.slice(0, 300)}`,
      );
    }
    if (!res.ok)
      throw new RunnerError(
        'server-error',
        `${this.opts.baseUrl} answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
      );
    return res;
  }

  async load(): Promise<LoadInfo> {
    const t0 = Date.now();
    const res = await this.request('/models', { method: 'GET' });
    const body = (await res.json().catch(() => null)) as { data?: { id: string }[] } | null;
    const ids = body?.data?.map((m) => m.id) ?? [];
    if (ids.length && !ids.includes(this.opts.model)) {
      throw new RunnerError(
        'unknown-model',
        `${this.opts.baseUrl} serves ${ids.join(', ')}, not "${this.opts.model}"`,
      );
    }
    return { name: this.opts.model, device: this.opts.baseUrl, dtype: 'server', loadMs: Date.now() - t0 };
  }

  async generate(
    req: GenerateRequest,
    onToken: (t: TokenEvent) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult> {
    const t0 = Date.now();
    const content: unknown[] = [];
    if (req.image) {
      let bytes: Buffer;
      try {
        bytes = await readFile(req.image);
      } catch {
        throw new RunnerError('image-unreadable', `image not found or unreadable: ${req.image}`);
      }
      const mime = MIME[extname(req.image).toLowerCase()] ?? 'image/png';
      content.push({
        type: 'image_url',
        image_url: { url: `data:${mime};base64,${bytes.toString('base64')}` },
      });
    }
    content.push({ type: 'text', text: req.user });
    const body = {
      model: this.opts.model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [...(req.system ? [{ role: 'system', content: req.system }] : []), { role: 'user', content }],
      max_tokens: req.params.maxTokens,
      temperature: req.params.temperature,
      top_p: req.params.topP,
      ...(req.params.seed !== undefined ? { seed: req.params.seed } : {}),
      logprobs: true,
      top_logprobs: 5,
    };
    let response = '';
    let reasoning = '';
    let ttft: number | undefined;
    const ids: number[] = [];
    let finished = false;
    try {
      const res = await this.request(
        '/chat/completions',
        { method: 'POST', body: JSON.stringify(body) },
        signal,
      );
      if (!res.body) throw new RunnerError('malformed-stream', 'the server sent no body');
      for await (const data of sseEvents(res.body)) {
        if (data === '[DONE]') {
          finished = true;
          break;
        }
        let chunk: SseChunk;
        try {
          chunk = JSON.parse(data);
        } catch {
          throw new RunnerError(
            'malformed-stream',
            `malformed chunk in the server's stream: ${data.slice(0, 200)}`,
          );
        }
        if ((chunk as { error?: { message?: string } }).error)
          throw new RunnerError(
            'server-error',
            `server error mid-stream: ${JSON.stringify((chunk as { error: unknown }).error)}`,
          );
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        const lps = choice.logprobs?.content ?? [];
        const r = delta.reasoning_content ?? delta.reasoning;
        if (r) {
          ttft ??= Date.now() - t0;
          if (!reasoning) onToken({ text: '<think>\n' });
          reasoning += r;
          onToken({ text: r });
        }
        if (delta.content) {
          ttft ??= Date.now() - t0;
          if (reasoning && !response) onToken({ text: '\n</think>\n\n' });
          response += delta.content;
          if (lps.length) {
            for (const lp of lps)
              onToken({ text: lp.token, logprob: lp.logprob, entropy: entropyOf(lp.top_logprobs) });
          } else onToken({ text: delta.content });
        }
        if (choice.finish_reason) finished = true;
      }
    } catch (e) {
      if (signal.aborted) finished = false;
      else if (e instanceof RunnerError) throw e;
      else
        throw new RunnerError(
          'stream-dropped',
          `the connection to ${this.opts.baseUrl} dropped mid-stream: ${(e as Error).message}`,
        );
    }
    const full = reasoning ? `<think>\n${reasoning}\n</think>\n\n${response}` : response;
    if (!finished && !signal.aborted) {
      throw Object.assign(
        new RunnerError('stream-dropped', `the stream from ${this.opts.baseUrl} ended before completion`),
        { partial: full },
      );
    }
    return {
      response: full,
      tokenIds: ids,
      status: signal.aborted ? 'interrupted' : 'complete',
      ttftMs: ttft,
      totalMs: Date.now() - t0,
    };
  }

  async unload(): Promise<void> {}
}

interface SseChunk {
  choices?: {
    delta?: { content?: string; reasoning_content?: string; reasoning?: string; role?: string };
    logprobs?: { content?: { token: string; logprob: number; top_logprobs?: { logprob: number }[] }[] };
    finish_reason?: string | null;
  }[];
}

/** Entropy estimated from the top-k log-probabilities the server returns (a lower bound). */
function entropyOf(top?: { logprob: number }[]): number | undefined {
  if (!top?.length) return undefined;
  return -top.reduce((s, t) => s + Math.exp(t.logprob) * t.logprob, 0);
}

export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let sep: number;
    while ((sep = buf.search(/\r?\n\r?\n/)) >= 0) {
      const event = buf.slice(0, sep);
      buf = buf.slice(sep).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) yield data;
    }
  }
  if (buf.trim().startsWith('data:')) yield buf.trim().slice(5).trimStart();
}
