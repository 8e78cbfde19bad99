// The trace list of a million traces in the webview bundle on its own page (stub VS Code API; the
// page answers the view's list queries as the host would): past a browser's element-height cap the
// scrollbar is scaled, and scrolling to the end, to the middle and back shows the right rows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fail, webviewHarness } from './workbench';

export async function millionListTest(browser: Browser) {
  const harness = webviewHarness(mkdtempSync(join(tmpdir(), 'cogtrace-list-')));
  const p = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  try {
    await p.goto(`file://${harness}`);
    await p.evaluate(() => {
      const count = 1_000_000;
      const w = window as unknown as {
        __onPost: (m: { type: string; seq: number; from: number; to: number }) => void;
      };
      w.__onPost = (m) => {
        const status = { phase: 'ready', scanned: 1, size: 1, count, summarized: count };
        if (m.type === 'listQuery')
          window.postMessage({ type: 'listView', seq: m.seq, count, total: count, status }, '*');
        if (m.type === 'listRows') {
          const items = [];
          for (let i = m.from; i < Math.min(m.to, count); i++)
            items.push({
              index: i,
              id: `r${i}`,
              problemId: `q${i}`,
              checkpoint: 'RL',
              role: 'rl',
              correct: i % 2 === 0,
              status: 'complete',
              steps: 5,
              behaviors: {},
            });
          window.postMessage({ type: 'listRows', seq: m.seq, from: m.from, items }, '*');
        }
      };
      window.postMessage(
        { type: 'init', file: 'million.trace.jsonl', total: count, issues: [], colors: {} },
        '*',
      );
    });
    await p.locator('.list-status', { hasText: /^1,000,000 traces$/ }).waitFor({ timeout: 10000 });
    const list = p.locator('.trace-list');
    const rowsShown = () =>
      p.locator('.trace-item').evaluateAll((es) => es.map((e) => Number((e as HTMLElement).dataset.index)));
    await list.evaluate((e) => (e.scrollTop = e.scrollHeight));
    await p.locator('.trace-item[data-index="999999"]').waitFor({ timeout: 5000 });
    await list.evaluate((e) => (e.scrollTop = (e.scrollHeight - e.clientHeight) / 2));
    await p.waitForTimeout(300);
    const mid = await rowsShown();
    if (!(mid[0]! > 450_000 && mid[0]! < 550_000)) fail(`half-way down shows rows from ${mid[0]}`);
    await list.evaluate((e) => (e.scrollTop = 0));
    await p.locator('.trace-item[data-index="0"]').waitFor({ timeout: 5000 });
    if ((await rowsShown()).length > 40) fail('more rows in the DOM than fit the viewport');
  } finally {
    await p.close();
  }
}
