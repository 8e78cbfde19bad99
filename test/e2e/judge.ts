// The LLM judge in the workbench, against the loopback server scripted to answer as a judge: choose
// both detectors, see a trace "not judged yet", judge the file from the palette (confirming the
// estimate in the modal), then see the judge's ⚖ hits beside the rules with disagreements marked ≠
// and the trace report naming both detectors; back to the rules afterwards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from './traceView';
import { fail, runCommand } from './workbench';

type Test = (name: string, fn: () => Promise<void>) => Promise<void>;

export async function judgeTests(
  { page, wv, report, shots, openTrace }: Ctx,
  test: Test,
  judgeCalls: () => number,
  useJudge: (on: boolean) => void,
) {
  await test('judges a trace file from the palette and shows both detectors with disagreements', async () => {
    useJudge(true);
    await openTrace(page, 'cold-start.trace.jsonl');
    await wv.locator('.trace-item[data-index="0"]').click();
    await wv.locator('.judge-status[data-judged="false"]').waitFor({ timeout: 15000 });
    const before = judgeCalls();
    await runCommand(page, 'Cogtrace: Judge Behaviors in Trace File…');
    // 15 traces × 8 behaviors: past the confirmation threshold, a modal with the estimate
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15000 });
    const detail = await dialog.innerText();
    if (!/120 judge call\(s\) \(0 cached\)/.test(detail)) fail(`estimate not shown: ${detail}`);
    await dialog.locator('.monaco-button', { hasText: 'Judge' }).first().click();
    await wv.locator('.judge-status[data-judged="true"]').waitFor({ timeout: 60000 });
    if (judgeCalls() - before !== 120)
      fail(`expected 120 judge calls, the server got ${judgeCalls() - before}`);
    await wv.locator('.badge.judge').first().waitFor({ timeout: 10000 });
    const sent = JSON.parse(readFileSync(join(report, 'trace-sent.json'), 'utf8'));
    if (!sent.detectors.includes('judge') || !sent.detectors.includes('rules'))
      fail(`the trace shown lacks a detector: ${JSON.stringify(sent)}`);
    // find a trace where the two disagree, and see the ≠ marks
    let found = false;
    for (let i = 0; i < 15 && !found; i++) {
      await wv.locator(`.trace-item[data-index="${i}"]`).click();
      await wv.locator(`body[data-trace-index="${i}"]`).waitFor({ timeout: 10000 });
      await wv.locator('.judge-status[data-judged="true"]').waitFor({ timeout: 10000 });
      const n = Number(await wv.locator('.judge-status').getAttribute('data-disagreements'));
      if (n > 0) {
        await wv.locator('.badge.only').first().waitFor({ timeout: 5000 });
        found = true;
      }
    }
    if (!found) fail('no trace where the rules and the scripted judge disagree');
    await page.screenshot({ path: join(shots, 'judge-both.png') });
    // judged once: judging again makes no call
    const again = judgeCalls();
    await runCommand(page, 'Cogtrace: Judge Behaviors in Trace File…');
    await page
      .locator('.notification-toast', { hasText: 'judged 15 traces' })
      .first()
      .waitFor({ timeout: 20000 });
    if (judgeCalls() !== again) fail('a second judge run called the server');
    useJudge(false);
    await wv.locator('.judge-status').waitFor({ state: 'hidden', timeout: 10000 });
  });
}
