// End-to-end tests of the trace view in a real VS Code workbench (see workbench.ts). Writes
// test-output/e2e.json ({passed, failed, tests}) and screenshots under test-output/screenshots/.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { diffViewTests, openDiff } from './diffView';
import { liveStepsTest } from './live';
import { fakeCheckpoints, liveRunScreenshot, liveRunTests, problemSetTests } from './liveRun';
import { openStats, statsViewTests } from './statsView';
import { traceViewTests } from './traceView';
import { bigFileTests } from './bigFile';
import { millionListTest } from './millionList';
import { reviewTests } from './review';
import { judgeTests } from './judge';
import { startJudgeServer } from '../support/fake-model/judge-server';
import { loadTraces } from '../../src/core/files/traces';
import * as W from './workbench';
import { startLoopback } from '../support/fake-model/loopback-server';

const shots = join(W.out, 'screenshots');
const results = {
  passed: 0,
  failed: 0,
  tests: [] as { name: string; ok: boolean; ms?: number; error?: string }[],
};
const save = () => writeFileSync(join(W.out, 'e2e.json'), JSON.stringify(results, null, 2));
let current: Page | undefined;

async function test(name: string, fn: () => Promise<void>) {
  const t0 = Date.now();
  try {
    await fn();
    results.passed++;
    results.tests.push({ name, ok: true, ms: Date.now() - t0 });
    console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    const err = e as Error;
    results.failed++;
    results.tests.push({ name, ok: false, error: String(err?.stack ?? err) });
    console.log(
      `  ✗ ${name}\n    ${String(err?.message ?? err)
        .split('\n')
        .slice(0, 6)
        .join('\n    ')}`,
    );
    await current
      ?.screenshot({ path: join(shots, `failure-${name.replace(/\W+/g, '-')}.png`) })
      .catch(() => {});
  }
  save();
}

/** Opens a trace file and waits for its view; a first open in a cold workbench may be slow, so once more. */
async function openTrace(page: Page, name: string) {
  await W.openFile(page, name);
  try {
    // the editor of this file in front first: another trace view may be ready already
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30000 });
    await W.waitReady(page, 60000);
  } catch {
    const tab = await page
      .locator('.tab.active')
      .innerText()
      .catch(() => '?');
    console.log(
      `    (the view of ${name} was not ready after 60 s; active tab: ${tab.trim()}; opening it again)`,
    );
    await W.runCommand(page, 'View: Close All Editors');
    await W.openFile(page, name);
    // a workbench still starting may have opened it as text: reopen it with the trace view
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30000 });
    if (
      !(await W.webview(page)
        .locator('body')
        .count()
        .catch(() => 0))
    ) {
      await W.runCommand(page, 'View: Reopen Editor With...');
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Cogtrace Trace View' });
      await row.first().waitFor({ timeout: 10000 });
      await row.first().click();
    }
    await W.waitReady(page, 60000);
  }
}

function writeWorkspace(workspace: string) {
  cpSync(join(W.repo, 'sample'), workspace, { recursive: true });
  cpSync(join(W.repo, 'test', 'fixtures', 'injection.trace.jsonl'), join(workspace, 'injection.trace.jsonl'));
  // a 5,000-step trace, to check that a long trace opens and scrolls
  const long = ['<think>'];
  for (let i = 0; i < 5000; i++)
    long.push(
      i % 7 === 3
        ? `Step ${i}: wait, let me double-check the value $x_{${i}} = ${i}$ here.`
        : `Step ${i}: we compute the partial sum up to ${i} carefully.`,
    );
  const record = (id: string, response: string, image?: string) =>
    JSON.stringify({
      id,
      problemId: id,
      checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
      response,
      status: 'complete',
      ...(image ? { problem: { id, question: 'What does the image show?', image } } : {}),
    }) + '\n';
  writeFileSync(
    join(workspace, 'long.trace.jsonl'),
    record('long', long.join('\n\n') + '\n</think>\n\\boxed{1}'),
  );
  // a trace naming an image outside the workspace: a placeholder until the user allows its folder
  const outside = join(W.root, 'outside');
  mkdirSync(outside, { recursive: true });
  const img = readdirSync(join(W.repo, 'sample', 'images'))[0]!;
  copyFileSync(join(W.repo, 'sample', 'images', img), join(outside, img));
  writeFileSync(
    join(workspace, 'outside-image.trace.jsonl'),
    record('outside', '<think>Look at it.</think> \\boxed{1}', join(outside, img)),
  );
}

async function main() {
  if (!existsSync(join(W.dist, 'extension.js'))) W.fail('build first (npm run build)');
  mkdirSync(shots, { recursive: true });
  const workspace = join(W.root, 'workspace');
  const { report } = W.prepareWorkbench({ workspace });
  writeWorkspace(workspace);
  const loopback = await startLoopback();
  // a judge server scripted from the dev labels (the sample's traces are the dev set's)
  const dev = (await loadTraces(join(W.repo, '..', 'shared', 'data', 'behaviors-dev.jsonl'))).items;
  const judgeServer = await startJudgeServer(new Map(dev.map((t) => [t.response, t.labels ?? []])));
  const settings = fakeCheckpoints(loopback.url);
  W.writeSettings('Default Light Modern', settings);
  // the judge suite adds it for its run, so the run pickers of the other suites stay as they were
  const judgeSettings = (on: boolean) => ({
    'cogtrace.checkpoints': [
      ...(settings['cogtrace.checkpoints'] as unknown[]),
      ...(on
        ? [
            {
              id: 'judge',
              label: 'Scripted judge',
              backend: 'openai',
              baseUrl: judgeServer.url,
              model: 'scripted-judge',
            },
          ]
        : []),
    ],
    'cogtrace.judge.checkpoint': on ? 'judge' : '',
    'cogtrace.detector': on ? 'both' : 'rules',
  });

  console.log('e2e: starting code-server');
  let server = await W.startCodeServer({ workspace, report });
  const browser: Browser = await W.launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  current = page;
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
      consoleErrors.push(m.text());
  });
  const wv = W.webview(page);
  const ctx = { page, wv, report, workspace, shots, openTrace, consoleErrors };
  try {
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await sleep(2500);
    // COGTRACE_E2E_ONLY=bigfile (a suite's name) runs that suite alone, for working on it
    const only = process.env.COGTRACE_E2E_ONLY;
    const suites = [
      ['trace', traceViewTests],
      ['review', reviewTests],
      [
        'judge',
        (c: typeof ctx, t: typeof test) =>
          judgeTests(
            c,
            t,
            () => judgeServer.requests,
            (on) => W.updateSettings(judgeSettings(on)),
          ),
      ],
      ['bigfile', bigFileTests],
      ['diff', diffViewTests],
      ['stats', statsViewTests],
      ['live', liveRunTests],
      ['problems', problemSetTests],
    ] as const;
    for (const [name, suite] of suites) if (!only || only === name) await suite(ctx, test);
    if (only) return;

    await test('renders in a dark theme (screenshot)', async () => {
      // a fresh window with the dark theme in the user settings, as a user who prefers it has
      await page.goto('about:blank');
      server.proc.kill();
      await sleep(500);
      W.writeSettings('Default Dark Modern');
      server = await W.startCodeServer({ workspace, report });
      await page.goto(server.url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await sleep(1500);
      await openTrace(page, 'ovr-sample.trace.jsonl');
      await page.waitForTimeout(1000);
      const sum = (css: string) =>
        (css.match(/\d+/g) ?? [])
          .slice(0, 3)
          .map(Number)
          .reduce((a, b) => a + b, 0);
      const bg = await page.locator('.monaco-workbench').evaluate((e) => getComputedStyle(e).backgroundColor);
      if (sum(bg) > 200) W.fail(`workbench still light: ${bg}`);
      const fg = await wv.locator('body').evaluate((e) => getComputedStyle(e).color);
      if (sum(fg) < 400) W.fail(`trace view text is not light on dark: ${fg}`);
      await page.screenshot({ path: join(shots, 'trace-view-dark.png') });
      await openDiff(page, 'clock-01');
      await page.screenshot({ path: join(shots, 'diff-view-dark.png') });
      await openTrace(page, 'ovr-sample.trace.jsonl');
      await openStats(page);
      await page.screenshot({ path: join(shots, 'stats-view-dark.png') });
      await liveRunScreenshot(page, report, join(shots, 'live-run-dark.png'));
      // review mode in the dark theme: the decisions made by the review suite
      await openTrace(page, 'cold-start.trace.jsonl');
      await W.runCommand(page, 'Cogtrace: Review Annotations');
      await wv.locator('.review-bar .review-progress').waitFor({ timeout: 10000 });
      await page.screenshot({ path: join(shots, 'review-dark.png') });
      await W.runCommand(page, 'Cogtrace: Review Annotations');
    });
    await test('accepts steps arriving live (traceDelta) in the webview bundle', () =>
      liveStepsTest(browser));
    await test('scrolls a list of a million traces to its end, middle and start', () =>
      millionListTest(browser));
  } finally {
    save();
    await browser.close();
    await loopback.close();
    await judgeServer.close();
    server.proc.kill();
    await sleep(300);
  }
  console.log(`e2e: ${results.passed} passed, ${results.failed} failed; screenshots in ${shots}`);
  const logs = existsSync(report) ? readdirSync(report).filter((f) => f.startsWith('webview-log')) : [];
  if (logs.length) {
    console.log(`e2e: ${logs.length} webview log message(s) in ${report}:`);
    for (const f of logs.slice(0, 5)) console.log(`  ${readFileSync(join(report, f), 'utf8').slice(0, 300)}`);
  }
}

main()
  .catch((e) => {
    results.failed++;
    results.tests.push({ name: 'e2e harness', ok: false, error: String((e as Error)?.stack ?? e) });
    console.error(e);
  })
  .finally(() => {
    save();
    process.exit(results.failed ? 1 : 0);
  });
