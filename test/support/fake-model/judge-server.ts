// A loopback OpenAI-compatible server scripted to answer as an LLM judge, for tests: it reads the
// behavior and the reasoning out of the prompt and answers from the gold labels it was given, with
// deterministic noise (a dropped instance, a false one, quotes re-cased and re-spaced) so the judge's
// figures are not the labels' own. It can also fail the ways servers fail: 429 with Retry-After,
// a body that is not JSON, an answer cut at max_tokens, an answer without tags, a slow answer.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BEHAVIOR_IDS, behaviorLabel } from '../../../src/core/behaviors/catalog';

export type JudgeMode = 'ok' | '429' | 'malformed' | 'truncated' | 'no-tags' | 'slow';

export interface JudgeServer {
  url: string;
  /** Chat requests received (429s included). */
  requests: number;
  /** Modes for the next requests, one each (then 'ok'); `slowMs` for 'slow'. */
  queue(...modes: JudgeMode[]): void;
  slowMs: number;
  close(): Promise<void>;
}

const hash = (s: string) => createHash('sha1').update(s).digest().readUInt32BE(0);

/** The scripted judge's answer for one behavior of one reasoning text. */
export function scriptedAnswer(
  reasoning: string,
  behavior: string,
  gold: { behavior: string; quote: string }[],
) {
  const h = hash(`${behavior}\u0000${reasoning}`);
  let quotes = gold.filter((l) => l.behavior === behavior).map((l) => l.quote);
  if (quotes.length && h % 10 === 0) quotes = quotes.slice(0, -1); // a miss
  if (!quotes.length && h % 13 === 1) {
    const first = reasoning.split(/(?<=[.!?])\s+/).find((x) => x.trim().length > 20);
    if (first) quotes = [first.trim()]; // a false instance
  }
  // some quotes as a judge copies them: re-cased and re-spaced (placed by normalization)
  if (h % 3 === 0) quotes = quotes.map((q) => q.toLowerCase().replace(/\s+/g, '  '));
  const body = quotes.map((q) => `<instance>${q}</instance>`).join('\n');
  return `I read the reasoning looking for ${behaviorLabel(behavior)}.\n${body}\n<count>${quotes.length}</count>`;
}

export async function startJudgeServer(
  labels: Map<string, { behavior: string; quote: string }[]>,
): Promise<JudgeServer> {
  const modes: JudgeMode[] = [];
  const s: JudgeServer = {
    url: '',
    requests: 0,
    slowMs: 400,
    queue: (...m) => modes.push(...m),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      s.requests++;
      const mode = modes.shift() ?? 'ok';
      if (mode === '429') {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        return res.end('{"error":"rate limited"}');
      }
      if (mode === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"choices": [ {"message": broken');
      }
      if (mode === 'slow') await new Promise((r) => setTimeout(r, s.slowMs));
      const body = JSON.parse(raw) as { model: string; messages: { content: string }[] };
      const prompt = body.messages.at(-1)!.content;
      const reasoning = /<reasoning>\n([\s\S]*)\n<\/reasoning>/.exec(prompt)?.[1] ?? '';
      const label = /Behavior to look for: (.+)\./.exec(prompt)?.[1] ?? '';
      const behavior = BEHAVIOR_IDS.find((b) => behaviorLabel(b) === label) ?? '';
      let content = scriptedAnswer(reasoning, behavior, labels.get(reasoning) ?? []);
      let finish = 'stop';
      if (mode === 'truncated') {
        content = content.slice(0, content.indexOf('<instance>') + 20) || 'I read the reasoning and';
        finish = 'length';
      }
      if (mode === 'no-tags') content = 'The reasoning shows this behavior a couple of times.';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'judge-1',
          object: 'chat.completion',
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
          usage: {
            prompt_tokens: Math.ceil(prompt.length / 4),
            completion_tokens: Math.ceil(content.length / 4),
          },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return s;
}
