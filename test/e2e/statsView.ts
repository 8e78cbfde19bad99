// The statistics view in the workbench: Show Statistics on the sample file, its charts and tables,
// sorting and filtering the per-problem table, a row opening the diff, and a CSV export.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { droppedStyles, fail, runCommand, webview } from './workbench';
import type { Ctx } from './traceView';

export async function openStats(page: Page) {
  await runCommand(page, 'Cogtrace: Show Statistics');
  await webview(page)
    .locator('body[data-ready="true"] .stats-charts svg')
    .first()
    .waitFor({ timeout: 30000 });
}

export async function statsViewTests(
  { page, report, shots, openTrace }: Ctx,
  test: (n: string, f: () => Promise<void>) => Promise<void>,
) {
  await test('shows statistics, sorts and filters the problem table, opens a diff and exports CSV', async () => {
    await openTrace(page, 'ovr-sample.trace.jsonl');
    await openStats(page);
    const wv = webview(page);
    const bars = await wv.locator('svg rect.bar').count();
    if (bars !== 16) fail(`expected 8 behaviors × 2 checkpoints = 16 bars, got ${bars}`);
    if ((await wv.locator('body').getAttribute('data-rows')) !== '15') fail('expected 15 problem rows');
    const onlyB = Number(await wv.locator('.paired td[data-cell="only-b"]').innerText());
    await wv.locator('select').selectOption('only-b');
    await wv.locator(`body[data-rows="${onlyB}"]`).waitFor();
    await wv.locator('select').selectOption('all');
    await wv.locator('.ptable-head [data-sort="rl:steps"]').click();
    await wv.locator('.ptable-head [data-sort="rl:steps"][aria-sort="ascending"]').waitFor();
    const dropped = await droppedStyles(wv);
    if (dropped) fail(`${dropped} inline styles dropped by the CSP`);
    await page.screenshot({ path: join(shots, 'stats-view-light.png') });
    await wv.locator('.toolbar .link-button', { hasText: 'Export CSV' }).click();
    const csv = join(report, 'problems.csv');
    // the file exists before its bytes are written: wait for the whole table, not only the file
    const read = () => (existsSync(csv) ? readFileSync(csv, 'utf8').trim() : '');
    for (let i = 0; i < 25 && read().split('\n').length < 16; i++) await sleep(200);
    const lines = read().split('\n');
    if (lines.length !== 16 || !lines[0]!.startsWith('problem,'))
      fail(`CSV: ${lines.length} lines, ${lines[0]}`);
    await wv.locator('.chart[data-chart="behavior-emergence"] .link-button', { hasText: 'SVG' }).click();
    const svg = join(report, 'behavior-emergence.svg');
    for (let i = 0; i < 25 && !(existsSync(svg) && readFileSync(svg, 'utf8').includes('</svg>')); i++)
      await sleep(200);
    if (!/^<svg[^>]*xmlns/.test(readFileSync(svg, 'utf8'))) fail('SVG export is not a standalone SVG');
    await wv.locator('.ptable-row[data-problem="clock-01"]').click();
    await webview(page).locator('body[data-ready="true"] .diff-row').first().waitFor({ timeout: 30000 });
  });
}
