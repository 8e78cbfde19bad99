// The diff view in the workbench: Compare Traces… on the sample file, a problem picked, the pair
// shown side by side, differences stepped through with the keys, a side opened in its trace view.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { fail, runCommand, webview } from './workbench';
import type { Ctx } from './traceView';

/** Runs Compare Traces… from the active trace view and picks `problem`; waits for the diff view. */
export async function openDiff(page: Page, problem: string) {
  await runCommand(page, 'Cogtrace: Compare Traces…');
  // the problem picker, not the command palette still closing (filling that one races the command)
  await page
    .locator('.quick-input-widget .quick-input-title', { hasText: 'compare which problem' })
    .waitFor({ timeout: 30000 });
  const input = page.locator('.quick-input-widget input');
  await input.fill(problem);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: problem }).waitFor();
  await page.keyboard.press('Enter');
  await webview(page).locator('body[data-ready="true"] .diff-row').first().waitFor({ timeout: 30000 });
}

export async function diffViewTests(
  { page, report, shots, openTrace }: Ctx,
  test: (n: string, f: () => Promise<void>) => Promise<void>,
) {
  await test('compares the cold-start and RL traces of a problem and steps through differences', async () => {
    await openTrace(page, 'ovr-sample.trace.jsonl');
    await openDiff(page, 'clock-01');
    const wv = webview(page);
    const cols = await wv.locator('.diff-column-head').allInnerTexts();
    if (!/ColdStart/.test(cols[0] ?? '') || !/RL/.test(cols[1] ?? '')) fail(`sides: ${cols.join(' | ')}`);
    if ((await wv.locator('.diff-row').count()) < 3) fail('too few aligned rows');
    if ((await wv.locator('.diff-behaviors tbody tr').count()) !== 8) fail('behavior table lacks rows');
    await wv.locator('body').press(']');
    const first = Number(await wv.locator('body').getAttribute('data-cursor'));
    const kind = await wv.locator('.diff-row.cursor').getAttribute('data-kind');
    if (kind === 'same') fail(`] landed on an unchanged row ${first}`);
    await wv.locator('body').press(']');
    const second = Number(await wv.locator('body').getAttribute('data-cursor'));
    await wv.locator('body').press('[');
    if (Number(await wv.locator('body').getAttribute('data-cursor')) !== first) fail('[ did not go back');
    if (second === first && (await wv.locator('.diff-row[data-kind]:not([data-kind="same"])').count()) > 1)
      fail('] did not advance');
    if ((await wv.locator('.katex').count()) < 1) fail('no math rendered in the diff');
    await page.screenshot({ path: join(shots, 'diff-view-light.png') });
    // swap, then open the right side (now the cold-start trace) in its trace view
    await wv.locator('body').press('s');
    await wv.locator('.diff-column-head.left', { hasText: 'RL' }).waitFor();
    for (let i = 0; i < 20 && !existsSync(join(report, 'diff.json')); i++) await sleep(200);
    const d = JSON.parse(readFileSync(join(report, 'diff.json'), 'utf8'));
    if (d.problemId !== 'clock-01') fail(`host reported ${JSON.stringify(d)}`);
    await wv.locator('.diff-side-facts.right .link-button').click();
    await webview(page).locator('body[data-trace-index="0"]').waitFor({ timeout: 20000 });
  });
}
