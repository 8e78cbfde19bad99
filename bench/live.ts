// Live-run latency: two checkpoints streaming at 200 tokens/s each into two trace views (the webview
// bundle on harness pages, as two panels side by side), through the host's path: tokens appended,
// coalesced (LIVE_DELTA_MS), the whole response re-annotated with the default detector, a traceDelta
// posted. Measured: from a token's emission to its text in the view's DOM (p50/p95, view following the
// tail), and from a keypress queued in the other view to its cursor moving, while both stream.
import { oneTraceMessages } from '../test/support/oneTraceView';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { annotate } from '../src/core/annotate';
import { defaultDetector } from '../src/core/behaviors/default';
import { Coalescer, LIVE_DELTA_MS, traceDelta } from '../src/extension/liveDelta';
import type { BenchLine } from './core';
import { webviewHarness } from '../test/e2e/workbench';

const RATE = 200;
const SECONDS = 8;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** The n-th token of a side: a unique word, with a new step every 24 tokens and some behaviors. */
function tokenText(n: number): string {
  if (n % 24 === 0) return n % 72 === 0 ? '\n\nWait, let me check the scale again: ' : '\n\nNext, ';
  return ` w${n}`;
}

async function openView(browser: Browser, harness: string, label: string): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 700, height: 900 } });
  await p.goto(`file://${harness}`);
  const item = {
    index: 0,
    id: label,
    problemId: 'live',
    checkpoint: label,
    role: 'rl',
    correct: null,
    status: 'interrupted',
    steps: 0,
    behaviors: {},
  };
  const trace = {
    schemaVersion: 1,
    id: label,
    problemId: 'live',
    checkpoint: { id: label, label, role: 'rl' },
    response: '',
    status: 'interrupted',
    steps: [],
    answer: { extracted: null, normalized: null, correct: null },
  };
  await p.evaluate(
    (ms) => ms.forEach((m) => window.postMessage(m, '*')),
    oneTraceMessages('live run', item, trace),
  );
  await p.locator('body[data-ready="true"]').waitFor();
  return p;
}

export async function liveBench(browser: Browser): Promise<BenchLine[]> {
  const harness = webviewHarness(mkdtempSync(join(tmpdir(), 'cogtrace-bench-live-')));
  const views = [await openView(browser, harness, 'cold-start'), await openView(browser, harness, 'rl')];
  // view 0 records when each token's word first appears in its DOM (wall clock, as the host's)
  await views[0]!.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { __seen: Record<string, number> }).__seen = seen;
    // the app's own handler runs first (registered at load): this one sees when it has finished
    const handle: number[] = ((window as unknown as { __handle: number[] }).__handle = []);
    window.addEventListener('message', (e) => {
      if ((e.data as { type?: string })?.type === 'traceDelta') handle.push(performance.now() - e.timeStamp);
    });
    new MutationObserver(() => {
      const now = Date.now();
      const steps = document.querySelectorAll('.step');
      for (const s of [...steps].slice(-3))
        for (const m of (s.textContent ?? '').matchAll(/w(\d+)/g)) seen[m[1]!] ??= now;
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const detector = defaultDetector();
  const annotateMs: number[] = [];
  const sent: number[][] = [[], []];
  const responses = ['', ''];
  const coalescers = views.map(
    (page, i) =>
      new Coalescer(
        () => {
          const a0 = performance.now();
          const a = annotate(
            {
              schemaVersion: 1,
              id: `live/${i}`,
              problemId: 'live',
              checkpoint: { id: `ck${i}`, label: `ck${i}`, role: 'rl' },
              response: responses[i]!,
              status: 'interrupted',
            },
            { detector },
          );
          annotateMs.push(performance.now() - a0);
          void page.evaluate((d) => window.postMessage(d, '*'), traceDelta(0, a));
        },
        Number(process.env.COGTRACE_BENCH_DELTA_MS) || LIVE_DELTA_MS,
      ),
  );
  // both sides at RATE tokens/s, emitted in 5 ms ticks
  const t0 = Date.now();
  let n = 0;
  const total = RATE * SECONDS;
  const keyLatencies: number[] = [];
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
      for (; n < due; n++)
        for (let i = 0; i < 2; i++) {
          responses[i] += tokenText(n);
          sent[i]![n] = Date.now();
          coalescers[i]!.poke();
        }
      if (n >= total) {
        clearInterval(tick);
        setTimeout(resolve, 500);
      }
    }, 5);
    // a keypress in view 1 every 400 ms: queued as a task, timed until its cursor has moved
    const keys = setInterval(async () => {
      if (n >= total) return clearInterval(keys);
      const ms = await views[1]!
        .evaluate(
          () =>
            new Promise<number>((done) => {
              const before = document.querySelector('.step.cursor');
              const start = performance.now();
              setTimeout(() =>
                document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true })),
              );
              const check = () => {
                const now = document.querySelector('.step.cursor');
                if (now && now !== before) done(performance.now() - start);
                else if (performance.now() - start > 1000) done(NaN);
                else requestAnimationFrame(check);
              };
              requestAnimationFrame(check);
            }),
        )
        .catch(() => NaN);
      if (Number.isFinite(ms)) keyLatencies.push(ms);
    }, 400);
  });
  const seen = await views[0]!.evaluate(
    () => (window as unknown as { __seen: Record<string, number> }).__seen,
  );
  const latencies = Object.entries(seen)
    .map(([k, at]) => at - sent[0]![Number(k)]!)
    .filter((x) => Number.isFinite(x));
  const handleMs = await views[0]!.evaluate(() => (window as unknown as { __handle: number[] }).__handle);
  coalescers.forEach((c) => c.dispose());
  await Promise.all(views.map((v) => v.close()));
  const wordTokens = Math.floor(total * (23 / 24));
  const p95 = quantile(latencies, 0.95);
  const keyP95 = quantile(keyLatencies, 0.95);
  return [
    {
      name: `live run: token → text in the view, p50 (2 × ${RATE} tok/s, deltas every ${LIVE_DELTA_MS} ms)`,
      value: quantile(latencies, 0.5),
      unit: 'ms',
    },
    {
      name: `live run: token → text in the view, p95 (${latencies.length} of ${wordTokens} tokens seen)`,
      value: p95,
      unit: 'ms',
      target: '≤ 50 ms',
      ok: p95 <= 50,
    },
    {
      name: `live run: per delta, host re-annotation of the response, p95 (${annotateMs.length} deltas)`,
      value: quantile(annotateMs, 0.95),
      unit: 'ms',
    },
    {
      name: 'live run: per delta, the view handling it (steps, rows, visible rows drawn), p95',
      value: quantile(handleMs, 0.95),
      unit: 'ms',
    },
    {
      name: `live run: keypress → cursor moved in the other view while both stream, p95 (${keyLatencies.length} presses)`,
      value: keyP95,
      unit: 'ms',
      target: '≤ 50 ms',
      ok: keyP95 <= 50,
    },
  ];
}
