// A run from the palette against the fake Qwen2.5-VL (two checkpoints configured in the user
// settings): the image open in the editor, a typed question, both checkpoints; the steps stream into
// the live view and both traces land in the run file.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFakeQwen25VL } from '../support/fake-model/build';
import { fail, openFile, root, runCommand, webview } from './workbench';
import type { Page } from 'playwright-core';
import type { Ctx } from './traceView';

/**
 * The checkpoints setting (written before the workbench starts): the fake model twice, as a
 * cold-start and an RL checkpoint, and a vLLM-like loopback server.
 */
export function fakeCheckpoints(serverUrl: string): Record<string, unknown> {
  const model = writeFakeQwen25VL(join(root, 'fake-qwen'));
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
    'cogtrace.run.maxNewTokens': 48,
  };
}

/** Opens the clock image, runs the command on it with a question and every checkpoint (the default). */
async function startRun(page: Page) {
  await openFile(page, 'clock-01.png');
  await page.locator('.tab.active', { hasText: 'clock-01.png' }).waitFor();
  const question = page.locator('.quick-input-widget', { hasText: 'question about clock-01.png' });
  await runCommand(page, 'Cogtrace: Run on Image and Problem…');
  await question.waitFor();
  await page.locator('.quick-input-widget input').fill('What time does the clock show?');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'run which checkpoints' }).waitFor();
  await page.keyboard.press('Enter'); // all are picked by default
}

export async function liveRunTests(
  { page, report, shots }: Ctx,
  test: (n: string, f: () => Promise<void>) => Promise<void>,
) {
  await test('runs two local checkpoints and a server on the open image from the palette, streaming steps, and saves all', async () => {
    await startRun(page);
    const wv = webview(page);
    await wv.locator('body[data-ready="true"]').waitFor({ timeout: 30000 });
    if ((await wv.locator('.trace-item').count()) !== 3)
      fail('the live view should list the three checkpoints');
    await wv.locator('.step').first().waitFor({ timeout: 60000 });
    for (let i = 0; i < 40 && !existsSync(join(report, 'live-delta.json')); i++) await sleep(250);
    if (!existsSync(join(report, 'live-delta.json'))) fail('no step delta streamed to the view');
    for (let i = 0; i < 240 && !existsSync(join(report, 'run.json')); i++) await sleep(250);
    const run = JSON.parse(readFileSync(join(report, 'run.json'), 'utf8')) as {
      out: string;
      cancelled: boolean;
    };
    const traces = readFileSync(run.out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { checkpoint: { id: string }; status: string; response: string });
    if (traces.map((t) => t.checkpoint.id).join() !== 'fake-cold,fake-rl,server')
      fail(`saved ${traces.length} traces`);
    if (!traces.every((t) => t.status === 'complete' && t.response.length > 0))
      fail('a trace is not complete');
    if (!traces[2]!.response.includes('\\boxed{4}')) fail(`server response: ${traces[2]!.response}`);
    await wv.locator('.trace-item[data-index="1"]').click();
    await wv.locator('body[data-trace-index="1"] .trace-header', { hasText: 'Fake RL' }).waitFor();
    await page.screenshot({ path: join(shots, 'live-run-light.png') });
  });
}

export async function problemSetTests(
  { page, report, workspace }: Ctx,
  test: (n: string, f: () => Promise<void>) => Promise<void>,
) {
  await test('runs a problem set from the palette, resumes without duplicates, and opens the traces', async () => {
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
      await page.locator('.quick-input-widget', { hasText: 'run which checkpoints' }).waitFor();
      await page.keyboard.press('Enter');
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
