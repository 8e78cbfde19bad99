// A loopback server that streams exactly as vLLM's OpenAI-compatible API does (role chunk, content
// deltas with logprobs, a usage chunk, [DONE]) and can fail the ways real servers fail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = 'ok' | '500-then-ok' | 'always-500' | 'malformed' | 'drop' | '401' | 'slow';

export interface Loopback {
  url: string;
  requests: { body: unknown; auth?: string }[];
  setMode(m: Mode): void;
  close(): Promise<void>;
}

export async function startLoopback(
  words = ['<think>', 'Look', ' at', ' the', ' chart.', '</think>', ' \\boxed{4}'],
): Promise<Loopback> {
  let mode: Mode = 'ok';
  let failures = 0;
  const requests: Loopback['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [{ id: 'ovr-rl', object: 'model' }] }));
      }
      requests.push({ body: JSON.parse(body || '{}'), auth: req.headers.authorization });
      if (mode === '401') return res.writeHead(401).end('{"error":"bad key"}');
      if (mode === 'always-500' || (mode === '500-then-ok' && failures++ < 2))
        return res.writeHead(500).end('{"error":"overloaded"}');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
      const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'ovr-rl' };
      chunk({
        ...base,
        choices: [
          { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
        ],
      });
      for (const [i, w] of words.entries()) {
        if (mode === 'malformed' && i === 2) {
          res.write('data: {"choices": [ broken\n\n');
          return res.end();
        }
        if (mode === 'drop' && i === 3) {
          await new Promise((r) => setTimeout(r, 30)); // let the client see the first chunks
          return res.destroy();
        }
        if (mode === 'slow') await new Promise((r) => setTimeout(r, 20));
        chunk({
          ...base,
          choices: [
            {
              index: 0,
              delta: { content: w },
              logprobs: {
                content: [
                  {
                    token: w,
                    logprob: -0.1 * (i + 1),
                    bytes: [],
                    top_logprobs: [
                      { token: w, logprob: -0.1 * (i + 1) },
                      { token: 'x', logprob: -3 },
                    ],
                  },
                ],
              },
              finish_reason: null,
            },
          ],
        });
      }
      chunk({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
      chunk({
        ...base,
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: words.length, total_tokens: 10 + words.length },
      });
      res.write('data: [DONE]\n\n');
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setMode: (m) => {
      mode = m;
      failures = 0;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
