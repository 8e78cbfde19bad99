// A rollout dump of a few hundred MB in the real workbench (generated here, not committed): the list
// appears while the file is indexed, scrolls to its end, filters, opens a trace near the end, and
// shows traces appended while the view is open.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpLine, dumpTemplates, writeDump } from '../support/bigFile';
import type { Ctx } from './traceView';
import { fail, repo, runCommand } from './workbench';

type Test = (name: string, fn: () => Promise<void>) => Promise<void>;

const n = (s: string) => Number(s.replace(/,/g, ''));

export async function bigFileTests({ page, wv, report, workspace, shots, openTrace }: Ctx, test: Test) {
  /** Types into the list filter as a user does (select all, then type; empty clears it). */
  const setFilter = async (text: string) => {
    const field = wv.locator('.list-pane vscode-textfield');
    // on this 2-core machine, with the workers counting the dump, the click's focus can reach the
    // field's inner input after the first keystrokes: type again until the field holds the text
    for (let attempt = 0; attempt < 3; attempt++) {
      await field.click();
      await field.evaluate(
        (e) =>
          new Promise<void>((ok) => {
            const t0 = Date.now();
            const wait = () =>
              document.activeElement === e || Date.now() - t0 > 3000 ? ok() : setTimeout(wait, 50);
            wait();
          }),
      );
      await page.keyboard.press('Control+A');
      if (text) await page.keyboard.type(text);
      else await page.keyboard.press('Backspace');
      if ((await field.evaluate((e) => (e as HTMLInputElement).value)) === text) break;
      console.log(`    (the filter field lost keystrokes, typing "${text}" again)`);
    }
    // the list answered this very filter (typing sends a query per keystroke); while the workers
    // still count the 300 MB dump the host answers slowly on this 2-core machine
    await wv.locator(`.list-status[data-query="${text}"]`).waitFor({ timeout: 30000 });
  };
  const file = join(workspace, 'rollouts.trace.jsonl');
  let lines = 0;
  await test('opens a 300 MB rollout dump: list while indexing, scroll to the end, filter, a late trace', async () => {
    const t0 = Date.now();
    ({ lines } = await writeDump(file, 300e6, repo));
    console.log(`    generated ${lines} traces (300 MB) in ${Date.now() - t0} ms`);
    const opened = Date.now();
    await openTrace(page, 'rollouts.trace.jsonl');
    const status = wv.locator('.list-status');
    await wv.locator('.trace-item').first().waitFor({ timeout: 30000 });
    console.log(`    first trace shown ${Date.now() - opened} ms after the open`);
    // every line indexed: the status counts them all
    await status
      .filter({ hasText: new RegExp(`^${lines.toLocaleString('en-US')} traces`) })
      .waitFor({ timeout: 60000 });
    console.log(`    ${lines} traces listed ${Date.now() - opened} ms after the open`);
    await page.screenshot({ path: join(shots, 'big-file.png') });
    // scroll to the end of the list: the last rows are fetched and drawn
    await wv.locator('.trace-list').evaluate((e) => (e.scrollTop = e.scrollHeight));
    const last = wv.locator(`.trace-item[data-index="${lines - 1}"]`);
    await last.waitFor({ timeout: 15000 });
    await last.click();
    await wv.locator(`body[data-trace-index="${lines - 1}"]`).waitFor({ timeout: 15000 });
    await wv.locator('.trace-header .meta', { hasText: `q${(lines - 1) % 5000}` }).waitFor();
    if ((await wv.locator('.step').count()) < 3) fail('the late trace shows too few steps');
    // filter by problem: the answer comes from the summaries, with the rows of that problem only
    await setFilter('q4321 rl');
    await wv.locator('.list-status[data-query="q4321 rl"]').waitFor({ timeout: 10000 });
    const shown = n((await status.innerText()).split(' ')[0]!);
    // every 5,000th line is q4321, all of them odd lines, which the dump gives to RL
    const want = Math.floor((lines - 4321 - 1) / 5000) + 1;
    if (shown !== want) fail(`filter "q4321 rl" matched ${shown}, expected ${want}`);
    for (const title of await wv.locator('.trace-item .trace-item-title').allInnerTexts())
      if (!title.includes('q4321')) fail(`filtered list shows ${title}`);
    await setFilter('');
  });

  await test('shows traces appended to an open dump', async () => {
    if (!lines) fail('no dump (the previous test failed)');
    const t = dumpTemplates(repo);
    const extra = [0, 1, 2].map((k) =>
      dumpLine(t, lines + k).replace(/"problemId":"q\d+"/, `"problemId":"appended-${k}"`),
    );
    const t0 = Date.now();
    appendFileSync(file, extra.join('\n') + '\n');
    await wv
      .locator('.list-status')
      .filter({ hasText: new RegExp(`^${(lines + 3).toLocaleString('en-US')} traces`) })
      .waitFor({ timeout: 10000 });
    console.log(`    appended traces listed after ${Date.now() - t0} ms`);
    await setFilter('appended');
    await wv
      .locator('.list-status[data-query="appended"]', { hasText: /^3 of / })
      .waitFor({ timeout: 10000 });
    await wv.locator('.trace-item', { hasText: 'appended-2' }).click();
    await wv.locator(`body[data-trace-index="${lines + 2}"]`).waitFor({ timeout: 15000 });
    await setFilter('');
    const sent = join(report, 'trace-sent.json');
    if (existsSync(sent))
      console.log(`    last trace read + annotated in ${JSON.parse(readFileSync(sent, 'utf8')).ms} ms`);
    // closing the view stops its index's workers (the rest of the suite gets the CPUs back)
    await runCommand(page, 'View: Close All Editors');
  });
}
