// The live-steps test: the webview bundle on its own page (stub VS Code API) receives a trace and
// then a traceDelta with more steps, as runs from the palette will stream them.
import { oneTraceMessages } from '../support/oneTraceView';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fail, webviewHarness } from './workbench';

export async function liveStepsTest(browser: Browser) {
  const harness = webviewHarness(mkdtempSync(join(tmpdir(), 'cogtrace-live-')));
  const p = await browser.newPage();
  try {
    await p.goto(`file://${harness}`);
    const trace = (response: string, n: number) => ({
      schemaVersion: 1,
      id: 'live',
      problemId: 'live',
      checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
      response,
      status: 'complete',
      steps: Array.from({ length: n }, (_, i) => ({
        index: i,
        start: i * 20,
        end: (i + 1) * 20,
        region: 'think',
        behaviors: [],
      })),
      answer: { extracted: null, normalized: null, correct: null },
    });
    const text = Array.from({ length: 6 }, (_, i) => `Step ${i} is streamed.`.padEnd(20, ' ')).join('');
    const item = {
      index: 0,
      id: 'live',
      problemId: 'live',
      checkpoint: 'RL',
      role: 'rl',
      correct: null,
      status: 'complete',
      steps: 2,
      behaviors: {},
    };
    await p.evaluate(
      (ms) => ms.forEach((m) => window.postMessage(m, '*')),
      oneTraceMessages('live.trace.jsonl', item, trace(text.slice(0, 40), 2)),
    );
    await p.locator('body[data-ready="true"]').waitFor();
    if ((await p.locator('.step').count()) !== 2) fail('initial steps not rendered');
    await p.evaluate((d) => window.postMessage(d, '*'), {
      type: 'traceDelta',
      index: 0,
      response: text,
      steps: trace(text, 6).steps,
      done: false,
    });
    await p.locator('.step').nth(5).waitFor();
    const last = await p.locator('.step').nth(5).innerText();
    if (!last.includes('Step 5 is streamed')) fail(`live step text: ${last}`);
  } finally {
    await p.close();
  }
}
