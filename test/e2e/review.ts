// Review mode in the workbench, keyboard first: accept, reject and relabel detections, add a missed
// behavior by selecting text, undo and redo, then reload the window and find the decisions again and
// the labels file beside the trace file right; export as CSV; screenshots of review mode.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ctx } from './traceView';
import { fail, runCommand, waitReady } from './workbench';

type Test = (name: string, fn: () => Promise<void>) => Promise<void>;

export async function reviewTests({ page, wv, report, workspace, shots, openTrace }: Ctx, test: Test) {
  const labelsFile = join(workspace, 'cold-start.labels.jsonl');
  const badge = (state: string) => wv.locator(`.badge.review[data-state="${state}"]`);
  const press = async (key: string) => {
    await page.keyboard.press(key);
    await sleep(150);
  };
  const record = () =>
    readFileSync(labelsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((r) => r.id === 'clock-01/cold-start');

  await test('reviews with the keyboard: accept, reject, relabel, add by selection, undo, redo', async () => {
    await openTrace(page, 'cold-start.trace.jsonl');
    await wv.locator('.trace-item[data-index="0"]').click();
    await wv.locator('body[data-trace-index="0"]').waitFor();
    await runCommand(page, 'Cogtrace: Review Annotations');
    await wv.locator('.review-bar .review-progress').waitFor({ timeout: 10000 });
    const pending = await badge('pending').count();
    if (pending < 3) fail(`expected at least 3 detections to review, got ${pending}`);
    // focus the view (not a badge), then: accept the first, reject the second, relabel the third
    await wv.locator('.step[data-step="0"] .gutter').click();
    await press('a');
    await badge('accepted').first().waitFor({ timeout: 5000 });
    await press('n');
    await press('x');
    await badge('rejected').first().waitFor({ timeout: 5000 });
    await press('n');
    await press('2'); // verification, or accepted when it already is one
    await wv
      .locator('.badge.review[data-state="relabelled"], .badge.review[data-state="accepted"] >> nth=1')
      .waitFor({ timeout: 5000 });
    // a missed behavior: select words of the first step and press 5 (visual reflection)
    await wv.locator('.step[data-step="0"] .step-body').evaluate((body) => {
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      const node = walker.nextNode()!;
      const at = node.textContent!.indexOf('The image shows an analog clock');
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 'The image shows an analog clock'.length);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
    });
    await press('5');
    await badge('added').first().waitFor({ timeout: 5000 });
    // the added label's quote is marked in the step text
    await wv
      .locator('.step[data-step="0"] mark.cue.added', { hasText: 'The image shows an analog clock' })
      .waitFor({ timeout: 5000 });
    // undo the addition, redo it
    await press('u');
    await badge('added').first().waitFor({ state: 'detached', timeout: 5000 });
    await press('U');
    await badge('added').first().waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(shots, 'review-light.png') });
    const r = record();
    const kinds = r.review.decisions
      .map((d: { decision: string }) => d.decision)
      .filter((d: string) => d !== 'pending');
    for (const k of ['accepted', 'rejected', 'added'])
      if (!kinds.includes(k)) fail(`labels file lacks a ${k} decision: ${kinds.join(', ')}`);
    if (
      !r.labels.some(
        (l: { behavior: string; quote: string }) =>
          l.behavior === 'visual_reflection' && l.quote === 'The image shows an analog clock',
      )
    )
      fail(`added label not in the labels: ${JSON.stringify(r.labels)}`);
    if (!r.review.decisions.every((d: { reviewer: string; at: number }) => d.reviewer && d.at > 0))
      fail('a decision without reviewer or time');
  });

  await test('keeps review decisions across a window reload and marks a trace done', async () => {
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await waitReady(page, 60000);
    await wv.locator('body[data-trace-index="0"]').waitFor({ timeout: 15000 });
    await wv.locator('.review-bar .review-progress').waitFor({ timeout: 15000 });
    await badge('accepted').first().waitFor({ timeout: 10000 });
    await badge('rejected').first().waitFor();
    await badge('added').first().waitFor();
    await wv.locator('.step[data-step="0"] .gutter').click();
    await press('d');
    await wv.locator('body[data-trace-index="1"]').waitFor({ timeout: 10000 });
    await wv.locator('.review-progress', { hasText: 'Reviewed 1/15' }).waitFor({ timeout: 10000 });
    if (!record().review.done) fail('trace not marked reviewed in the labels file');
    await runCommand(page, 'Cogtrace: Export Reviewed Labels…');
    const csv = join(report, 'reviewed.csv');
    for (let i = 0; i < 25 && !existsSync(csv); i++) await sleep(200);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    if (rows[0] !== 'trace,step,behavior,detected,decision,reviewer,time,quote')
      fail(`CSV header: ${rows[0]}`);
    if (!rows.some((l) => l.startsWith('clock-01/cold-start,1,visual_reflection,,added,')))
      fail(`CSV lacks the added label: ${rows.slice(0, 4).join(' | ')}`);
    // leave review mode for the suites after this one
    await runCommand(page, 'Cogtrace: Review Annotations');
    await wv.locator('.review-bar').waitFor({ state: 'hidden', timeout: 5000 });
  });
}
