// The trace view in the workbench: the sample file, the list, filters, search, reload, keys, copy,
// the palette's Annotate command, loops, code and confidence, a 5,000-step trace, an injection
// corpus, and an image outside the allowed folders.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator, Page } from 'playwright-core';
import { droppedStyles, fail, runCommand, waitReady } from './workbench';

export interface Ctx {
  page: Page;
  wv: FrameLocator;
  report: string;
  workspace: string;
  shots: string;
  openTrace: (page: Page, name: string) => Promise<void>;
  consoleErrors: string[];
}
type Test = (name: string, fn: () => Promise<void>) => Promise<void>;

export async function traceViewTests(
  { page, wv, report, workspace, shots, openTrace, consoleErrors }: Ctx,
  test: Test,
) {
  await test('opens a sample trace through the custom editor', async () => {
    await openTrace(page, 'ovr-sample.trace.jsonl');
    // the list is virtualized: its status line counts the traces, the rows near the viewport exist
    await wv.locator('.list-status', { hasText: /^30 traces$/ }).waitFor({ timeout: 15000 });
    const n = await wv.locator('.trace-item').count();
    if (n < 8 || n > 30) fail(`expected the first rows of 30 traces in the list, got ${n}`);
    await wv.locator('.trace-header', { hasText: 'clock-01' }).waitFor();
    if ((await wv.locator('.step').count()) < 5) fail('too few steps rendered');
    if ((await wv.locator('.katex').count()) < 1) fail('no KaTeX output');
    const img = wv.locator('.image-frame img');
    await img.waitFor();
    await page.waitForTimeout(500);
    const w = await img.evaluate((e: HTMLImageElement) => e.naturalWidth);
    if (!(w > 0)) fail('problem image did not load');
    const dropped = await droppedStyles(wv);
    if (dropped) fail(`${dropped} inline style attributes were dropped by the CSP`);
    if ((await wv.locator('.badge').count()) < 1) fail('no behavior badges');
    const tip = await wv.locator('.chip[data-behavior="visual_reflection"]').getAttribute('title');
    if (!tip || !/returns to the image/i.test(tip)) fail(`legend chip lacks the catalog definition: ${tip}`);
    await page.screenshot({ path: join(shots, 'trace-view-light.png') });
  });

  await test('picks another trace from the list', async () => {
    await wv.locator('.trace-list').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await wv.locator('.trace-item[data-index="21"]').click();
    await wv.locator('body[data-trace-index="21"]').waitFor();
    const title = await wv.locator('.trace-item[data-index="21"] .trace-item-title').innerText();
    const pid = title.replace(/^\W+/, '').trim();
    await wv.locator('.trace-header .meta', { hasText: pid }).waitFor();
  });

  await test('filters steps by a behavior', async () => {
    const chip = wv.locator('.chip[data-behavior="visual_reflection"]');
    const count = Number(await chip.locator('.count').innerText());
    if (!(count > 0)) fail('the chosen trace has no visual reflection');
    await chip.click();
    await wv.locator('.chip.active[data-behavior="visual_reflection"]').waitFor();
    const steps = wv.locator('.step');
    const n = await steps.count();
    if (n !== count) fail(`expected ${count} steps after filtering, got ${n}`);
    for (let i = 0; i < n; i++)
      if (!(await steps.nth(i).innerText()).includes('Visual reflection'))
        fail(`step ${i} lacks the behavior`);
  });

  await test('searches inside the trace with an n/N counter and navigation', async () => {
    const field = wv.locator('.toolbar vscode-textfield');
    await field.click();
    await page.keyboard.type('grapes');
    const counter = wv.locator('.search-counter');
    await counter.filter({ hasText: /^1\/\d+$/ }).waitFor();
    const total = Number((await counter.innerText()).split('/')[1]);
    if (total < 2) fail(`expected several matches, got ${total}`);
    await page.keyboard.press('Enter');
    await counter.filter({ hasText: new RegExp(`^2/${total}$`) }).waitFor();
    await wv.locator('mark.hit.current').first().waitFor();
  });

  await test('restores the selected trace, filter and search after a window reload', async () => {
    await page.waitForTimeout(800); // let setState settle
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await waitReady(page, 60000);
    await wv.locator('body[data-trace-index="21"]').waitFor({ timeout: 15000 });
    await wv.locator('.chip.active[data-behavior="visual_reflection"]').waitFor();
    const v = await wv.locator('.toolbar vscode-textfield').evaluate((e) => (e as HTMLInputElement).value);
    if (v !== 'grapes') fail(`search not restored: ${JSON.stringify(v)}`);
  });

  await test('keyboard navigation and copy a step as Markdown', async () => {
    await wv.locator('.chip.clear').click();
    await wv.locator('.steps').click({ position: { x: 5, y: 5 } });
    await wv.locator('.steps').press('j');
    await wv.locator('.steps').press('j');
    const cur = await wv.locator('.step.cursor').getAttribute('data-step');
    if (cur !== '2' && cur !== '1') fail(`cursor at ${cur}`);
    await wv.locator('.steps').press('n');
    if ((await wv.locator('.step.cursor .badge').count()) < 1)
      fail('n did not move to a step with a behavior');
    await wv.locator('.step.cursor .icon-button').click({ force: true });
    for (let i = 0; i < 20 && !existsSync(join(report, 'copied.json')); i++) await sleep(200);
    const copied = JSON.parse(readFileSync(join(report, 'copied.json'), 'utf8'));
    if (!/^\*\*Step \d+\*\*/.test(copied.head)) fail(`unexpected clipboard text ${copied.head}`);
  });

  await test('annotates the open trace file from the command palette', async () => {
    await runCommand(page, 'Cogtrace: Annotate Trace File');
    const outFile = join(workspace, 'ovr-sample.annotated.jsonl');
    for (let i = 0; i < 50 && !existsSync(outFile); i++) await sleep(200);
    await sleep(300);
    const lines = readFileSync(outFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    if (lines.length !== 30) fail(`expected 30 annotated traces, got ${lines.length}`);
    if (!lines.every((l) => Array.isArray(l.steps) && l.answer && 'correct' in l.answer))
      fail('annotated lines lack steps or answers');
  });

  await test('collapses a looping model, highlights code and shades token confidence', async () => {
    await openTrace(page, 'looping.trace.jsonl');
    await wv.locator('.loop-marker').first().waitFor();
    const colored = await wv
      .locator('pre.code span')
      .evaluateAll((els) => els.filter((e) => (e as HTMLElement).style.color).length);
    if (!(colored > 2)) fail(`code fence not highlighted (${colored} coloured spans)`);
    await page.screenshot({ path: join(shots, 'trace-view-looping.png') });
    await wv.locator('.loop-marker').first().click();
    await wv.locator('.loop-marker').first().waitFor({ state: 'detached' });
    await wv.locator('.toolbar vscode-button', { hasText: 'Confidence' }).click();
    const toks = await wv.locator('.tok').count();
    if (!(toks > 10)) fail(`no token shading (${toks} tokens)`);
    await wv.locator('.toolbar vscode-button', { hasText: 'Confidence' }).click();
  });

  await test('opens a 5,000-step trace and scrolls it (virtualized)', async () => {
    await openTrace(page, 'long.trace.jsonl');
    const rendered = await wv.locator('.step').count();
    if (rendered > 400) fail(`${rendered} steps in the DOM: not virtualized`);
    await wv.locator('.steps').evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
    await page.waitForTimeout(300);
    const mid = Number(await wv.locator('.step').first().getAttribute('data-step'));
    if (!(mid > 1000)) fail(`after scrolling to the middle the first rendered step is ${mid}`);
  });

  await test('an image outside the allowed folders shows a placeholder until its folder is allowed', async () => {
    await openTrace(page, 'outside-image.trace.jsonl');
    const blocked = wv.locator('.image-blocked');
    await blocked.waitFor();
    if (await wv.locator('.image-frame img').count()) fail('the outside image was loaded');
    await page.screenshot({ path: join(shots, 'trace-view-image-blocked.png') });
    await blocked.locator('vscode-button').click();
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Allow' }).click();
    const img = wv.locator('.image-frame img');
    await img.waitFor({ timeout: 15000 });
    await page.waitForTimeout(500);
    if (!((await img.evaluate((e: HTMLImageElement) => e.naturalWidth)) > 0))
      fail('the allowed image did not load');
  });

  await test('an injection corpus stays inert in real Chromium', async () => {
    await openTrace(page, 'injection.trace.jsonl');
    for (let i = 0; i < 5; i++) {
      await wv.locator(`.trace-item[data-index="${i}"]`).click();
      await wv.locator(`body[data-trace-index="${i}"]`).waitFor();
      await page.waitForTimeout(300);
      const pwned = await wv.locator('body').evaluate(() => ({
        flag: document.body.dataset.pwned ?? null,
        imgs: document.querySelectorAll('img[src="x"], svg[onload], img[onerror]').length,
        scripts: [...document.querySelectorAll('script')].filter((s) => /pwned/.test(s.textContent ?? ''))
          .length,
        jsLinks: [...document.querySelectorAll('a')].filter((a) =>
          /^\s*javascript:/i.test(a.getAttribute('href') ?? ''),
        ).length,
        styles: [...document.querySelectorAll('style')].filter((s) =>
          /display:\s*none/.test(s.textContent ?? ''),
        ).length,
        hidden: getComputedStyle(document.body).display === 'none',
        visible: document.body.innerText.includes('<'),
      }));
      if (pwned.flag !== null) fail(`payload executed in trace ${i}: ${pwned.flag}`);
      if (pwned.imgs || pwned.jsLinks || pwned.scripts || pwned.styles || pwned.hidden)
        fail(`markup from model output reached the DOM in trace ${i}: ${JSON.stringify(pwned)}`);
      if (!pwned.visible) fail(`trace ${i}: the payload text should be visible as text`);
    }
    if (consoleErrors.some((e) => /script/i.test(e)))
      fail(`CSP blocked a script: ${consoleErrors.join(' | ')}`);
  });
}
