// A run from the palette against the fake Qwen2.5-VL (two checkpoints configured in the user
// settings): the image open in the editor, a typed question, both checkpoints; the steps stream into
// the live view and both traces land in the run file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFakeQwen25VL } from '../support/fake-model/build';
import { fail, openFile, root, runCommand, updateSettings, webview } from './workbench';
import type { Page } from 'playwright-core';
import type { Ctx } from './traceView';

/**
 * The checkpoints setting (written before the workbench starts): the fake model twice, as a
 * cold-start and an RL checkpoint, and a vLLM-like loopback server.
 */
export function fakeCheckpoints(serverUrl: string, maxNewTokens = 48): Record<string, unknown> {
  // no end-of-sequence within reach: every run ends at maxNewTokens, cancelled, or killed
  const model = writeFakeQwen25VL(join(root, 'fake-qwen'), { eosAtPosition: 1_000_000 });
  return {
    'cogtrace.checkpoints': [
      { id: 'fake-cold', label: 'Fake cold-start', role: 'cold-start', model, device: 'cpu' },
      { id: 'fake-rl', label: 'Fake RL', role: 'rl', step: 1000, model, device: 'cpu' },
      {
        id: 'server',
        label: 'Loopback server',
        role: 'other',
        backend: 'openai',
        baseUrl: serverUrl,
        model: 'ovr-rl',
      },
    ],
    'cogtrace.run.maxNewTokens': maxNewTokens,
  };
}

/** The two live panels side by side: the first follows the first checkpoint, the second the next. */
const panel = (page: Page, n: number) =>
  page.frameLocator('iframe.webview.ready >> visible=true').nth(n).frameLocator('#active-frame');

interface SavedTrace {
  checkpoint: { id: string };
  status: string;
  response: string;
  tokens: unknown[];
  error?: string;
}
const savedTraces = (out: string): SavedTrace[] =>
  readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SavedTrace);

async function runResult(report: string) {
  for (let i = 0; i < 360 && !existsSync(join(report, 'run.json')); i++) await sleep(250);
  if (!existsSync(join(report, 'run.json'))) fail('the run did not end');
  return JSON.parse(readFileSync(join(report, 'run.json'), 'utf8')) as { out: string; cancelled: boolean };
}

/**
 * Accepts the checkpoint picker with every checkpoint (picked by default) once its rows are drawn:
 * Enter on a picker whose list is still empty accepts nothing, and the run quietly does not start.
 */
async function pickAllCheckpoints(page: Page) {
  const picker = page.locator('.quick-input-widget', { hasText: 'run which checkpoints' });
  await picker.waitFor();
  // attached, not visible: on a loaded machine the third row was once in the DOM but not yet laid
  // out (hidden) for the whole 30 s, while the picker already held all three
  await picker.locator('.monaco-list-row').nth(2).waitFor({ state: 'attached' });
  // the rows are drawn before their 'picked' state reaches the widget: Enter before the count badge
  // says 3 accepts an empty selection on a loaded machine
  await picker
    .locator('.quick-input-count', { hasText: '3' })
    .waitFor({ timeout: 10000 })
    .catch(() => console.log('    (the picker never counted 3 checked checkpoints)'));
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

/** What the workbench shows when a run did not start: open pickers and notifications, for the log. */
async function whatIsShown(page: Page): Promise<string> {
  const texts = async (sel: string) =>
    (await page.locator(`${sel} >> visible=true`).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  return JSON.stringify({
    pickers: await texts('.quick-input-widget'),
    notifications: await texts('.notifications-toasts .notification-toast'),
    tabs: await texts('.tab'),
  });
}

/** Opens the clock image, runs the command on it with a question and every checkpoint (the default). */
async function startRun(page: Page) {
  for (let attempt = 1; ; attempt++) {
    await openFile(page, 'clock-01.png');
    await page.locator('.tab.active', { hasText: 'clock-01.png' }).waitFor();
    const question = page.locator('.quick-input-widget', { hasText: 'question about clock-01.png' });
    await runCommand(page, 'Cogtrace: Run on Image and Problem…');
    await question.waitFor();
    await page.locator('.quick-input-widget input').fill('What time does the clock show?');
    await page.keyboard.press('Enter');
    await pickAllCheckpoints(page);
    // the run's views open at once; a picker closed before it took the keypress starts nothing
    const started = await page
      .locator('.tab', { hasText: 'Run: clock-01.png' })
      .first()
      .waitFor({ timeout: 30000 })
      .then(() => true)
      .catch(() => false);
    if (started) return;
    console.log(`    (shown: ${await whatIsShown(page)})`);
    await page.keyboard.press('Escape');
    // a freshly started window (the dark-theme test) has missed twice in a row on a loaded machine
    if (attempt === 3) fail('the run did not start after three tries');
    console.log('    (the run did not start: its live view did not open within 30 s; trying again)');
  }
}

export async function liveRunTests(
  { page, report, shots }: Ctx,
  test: (n: string, f: () => Promise<void>) => Promise<void>,
) {
  await test('runs two local checkpoints and a server at once from the palette, side by side, streaming steps, and saves all', async () => {
    rmSync(join(report, 'run.json'), { force: true });
    await startRun(page);
    const left = panel(page, 0);
    const right = panel(page, 1);
    await left.locator('body[data-ready="true"]').waitFor({ timeout: 30000 });
    await right.locator('body[data-ready="true"]').waitFor({ timeout: 30000 });
    if ((await left.locator('.trace-item').count()) !== 3)
      fail('the live view should list the three checkpoints');
    // the second column follows the second checkpoint from the start
    await right.locator('body[data-trace-index="1"] .trace-header', { hasText: 'Fake RL' }).waitFor();
    await left.locator('.step').first().waitFor({ timeout: 60000 });
    await right.locator('.step').first().waitFor({ timeout: 60000 });
    for (let i = 0; i < 40 && !existsSync(join(report, 'live-delta.json')); i++) await sleep(250);
    if (!existsSync(join(report, 'live-delta.json'))) fail('no step delta streamed to the view');
    const traces = savedTraces((await runResult(report)).out);
    if (
      traces
        .map((t) => t.checkpoint.id)
        .sort()
        .join() !== 'fake-cold,fake-rl,server'
    )
      fail(`saved ${traces.length} traces`);
    if (!traces.every((t) => t.status === 'complete' && t.response.length > 0))
      fail('a trace is not complete');
    const server = traces.find((t) => t.checkpoint.id === 'server')!;
    if (!server.response.includes('\\boxed{4}')) fail(`server response: ${server.response}`);
    await page.screenshot({ path: join(shots, 'live-run-light.png') });
    await runCommand(page, 'View: Close All Editor Groups');
  });

  await test('Cancel Run stops every checkpoint mid-generation and saves the partial traces as interrupted', async () => {
    // long runs from here on (the workbench picks the settings file up)
    updateSettings({ 'cogtrace.run.maxNewTokens': 4000 });
    await sleep(2000);
    rmSync(join(report, 'run.json'), { force: true });
    await startRun(page);
    // both local models mid-generation (on a loaded machine the second can still be loading when
    // the first streams, and a checkpoint that wrote nothing has no partial trace to save)
    await panel(page, 0).locator('.step').first().waitFor({ timeout: 60000 });
    await panel(page, 1).locator('.step').first().waitFor({ timeout: 60000 });
    await runCommand(page, 'Cogtrace: Cancel Run');
    const run = await runResult(report);
    if (!run.cancelled) fail('the run was not reported cancelled');
    const local = savedTraces(run.out).filter((t) => t.checkpoint.id.startsWith('fake'));
    if (local.length !== 2) fail(`saved ${local.length} local traces`);
    for (const t of local) {
      if (t.status !== 'interrupted') fail(`${t.checkpoint.id}: status ${t.status}`);
      if (!t.response || t.tokens.length >= 4000) fail(`${t.checkpoint.id}: ${t.tokens.length} tokens`);
    }
    await runCommand(page, 'View: Close All Editor Groups');
  });

  await test('a killed model process is reported, its partial trace kept with status error, and the extension goes on', async () => {
    rmSync(join(report, 'run.json'), { force: true });
    await startRun(page);
    // both local models have produced text: both partial traces must survive the kill
    await panel(page, 0).locator('.step').first().waitFor({ timeout: 60000 });
    await panel(page, 1).locator('.step').first().waitFor({ timeout: 60000 });
    const killed = spawnSync('pkill', ['-KILL', '-f', 'runner-child.js']).status;
    if (killed !== 0) fail('no runner process to kill');
    await page
      .locator('.notification-toast', { hasText: /model runner process exited \(signal SIGKILL\)/ })
      .first()
      .waitFor({ timeout: 30000 });
    const run = await runResult(report);
    const local = savedTraces(run.out).filter((t) => t.checkpoint.id.startsWith('fake'));
    if (local.length !== 2 || !local.every((t) => t.status === 'error' && t.response.length > 0))
      fail(
        `local traces: ${local.map((t) => `${t.checkpoint.id} ${t.status} ${t.response.length}`).join(', ')}`,
      );
    if (!local.every((t) => /SIGKILL/.test(t.error ?? '')))
      fail('the error does not say the process was killed');
    // the extension is still up: a new run starts fresh runner processes and streams again
    await runCommand(page, 'View: Close All Editor Groups');
    await runCommand(page, 'Notifications: Clear All Notifications');
    rmSync(join(report, 'run.json'), { force: true });
    await startRun(page);
    await panel(page, 0).locator('.step').first().waitFor({ timeout: 60000 });
    await runCommand(page, 'Cogtrace: Cancel Run');
    await runResult(report);
    await runCommand(page, 'View: Close All Editor Groups');
    updateSettings({ 'cogtrace.run.maxNewTokens': 48 });
    await sleep(2000);
  });
}

/** A live run in whatever theme the workbench has, captured once both views show steps. */
export async function liveRunScreenshot(page: Page, report: string, path: string) {
  rmSync(join(report, 'run.json'), { force: true });
  await startRun(page);
  await panel(page, 0).locator('.step').first().waitFor({ timeout: 60000 });
  await panel(page, 1).locator('.step').first().waitFor({ timeout: 60000 });
  await runResult(report);
  // the second column still follows the second checkpoint once every side has ended
  await panel(page, 1).locator('body[data-trace-index="1"] .trace-header', { hasText: 'Fake RL' }).waitFor();
  await page.screenshot({ path });
  await runCommand(page, 'View: Close All Editor Groups');
}

export async function problemSetTests(
  { page, report, workspace }: Ctx,
  test: (n: string, f: () => Promise<void>) => Promise<void>,
) {
  await test('runs a problem set from the palette, resumes without duplicates, and opens the traces', async () => {
    updateSettings({ 'cogtrace.run.maxNewTokens': 48 }); // whatever the run tests left
    await sleep(1500);
    const problems = [
      { id: 'mini-clock', question: 'What time is it?', image: 'images/clock-01.png', answer: '3:40' },
      {
        id: 'mini-pie',
        question: 'How many students chose grapes?',
        image: 'images/pie-11.png',
        answer: '40',
      },
    ];
    writeFileSync(
      join(workspace, 'mini-problems.jsonl'),
      problems.map((p) => JSON.stringify(p)).join('\n') + '\n',
    );
    const runOnce = async () => {
      rmSync(join(report, 'problem-set.json'), { force: true });
      await openFile(page, 'mini-problems.jsonl');
      await page.locator('.tab.active', { hasText: 'mini-problems.jsonl' }).waitFor();
      await runCommand(page, 'Cogtrace: Run Problem Set…');
      await pickAllCheckpoints(page);
      for (let i = 0; i < 360 && !existsSync(join(report, 'problem-set.json')); i++) await sleep(250);
      return JSON.parse(readFileSync(join(report, 'problem-set.json'), 'utf8')) as {
        out: string;
        summary: string;
      };
    };
    const first = await runOnce();
    const lines = () => readFileSync(first.out, 'utf8').trim().split('\n');
    if (lines().length !== 6) fail(`expected 2 problems × 3 checkpoints = 6 traces, got ${lines().length}`);
    if (!/Fake cold-start: \d\/2 right/.test(first.summary)) fail(`summary: ${first.summary}`);
    await webview(page)
      .locator('body[data-ready="true"] .trace-item[data-index="5"]')
      .waitFor({ timeout: 30000 });
    await runOnce();
    if (lines().length !== 6) fail(`a second run wrote duplicates: ${lines().length} lines`);
  });
}
