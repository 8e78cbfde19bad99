// End-to-end tests in a real VS Code workbench: code-server (cached outside the clone) with the
// built extension and a sample workspace, driven by playwright-core and Debian Chromium.
// Writes test-output/e2e.json ({passed, failed}) and screenshots under test-output/screenshots/.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const repo = resolve(import.meta.dirname, '..');
const out = join(repo, 'test-output');
const shots = join(out, 'screenshots');
const root = join(out, 'e2e');
const results = { passed: 0, failed: 0, tests: [] };
const save = () => writeFileSync(join(out, 'e2e.json'), JSON.stringify(results, null, 2));
mkdirSync(shots, { recursive: true });

function fail(msg) {
  throw new Error(msg);
}

export function prepareWorkbench({ theme = 'Default Light Modern', workspace }) {
  rmSync(root, { recursive: true, force: true });
  for (const d of ['ud/User', 'ext', 'cfg', 'data', 'report']) mkdirSync(join(root, d), { recursive: true });
  const ext = join(root, 'ext', 'cogtrace.cogtrace-0.1.0');
  mkdirSync(ext, { recursive: true });
  for (const p of ['package.json', 'dist', 'media', 'README.md'])
    if (existsSync(join(repo, p))) cpSync(join(repo, p), join(ext, p), { recursive: true });
  writeSettings(theme);
  return { ext, report: join(root, 'report'), workspace };
}

function writeSettings(theme) {
  writeFileSync(
    join(root, 'ud/User/settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'workbench.colorTheme': theme,
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      'window.restoreWindows': 'all',
      'security.workspace.trust.enabled': false,
      'git.openRepositoryInParentFolders': 'never',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.commandCenter.enabled': false,
    }),
  );
}

export async function startCodeServer({ workspace, report, port = 8700 + Math.floor(Math.random() * 200) }) {
  const dir = execFileSync('bash', [join(repo, 'scripts/ensure-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const node = join(dir, 'node24', 'bin', 'node');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const args = [
    entry,
    '--user-data-dir',
    join(root, 'ud'),
    '--extensions-dir',
    join(root, 'ext'),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    workspace,
  ];
  const proc = spawn(node, args, {
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(root, 'cfg'),
      XDG_DATA_HOME: join(root, 'data'),
      COGTRACE_E2E_OUT: report,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return { proc, url, log: () => log };
    } catch {}
    await sleep(200);
  }
  proc.kill();
  throw new Error(`code-server did not start:\n${log}`);
}

export async function openBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return { browser, page };
}

export async function openFile(page, name) {
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(name);
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: name })
        .first()
        .waitFor({ timeout: 8000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await sleep(1000);
    }
  }
  fail(`could not open ${name} with Quick Open`);
}

export async function runCommand(page, title) {
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`>${title}`);
    try {
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: title })
        .first()
        .waitFor({ timeout: 4000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await sleep(1500); // commands register a few seconds after the workbench appears
    }
  }
  fail(`command not found: ${title}`);
}

const webview = (page) =>
  page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');

async function waitReady(page, timeout = 30000) {
  await webview(page).locator('body[data-ready="true"]').waitFor({ timeout });
}

async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.passed++;
    results.tests.push({ name, ok: true, ms: Date.now() - t0 });
    console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.failed++;
    results.tests.push({ name, ok: false, error: String(e?.stack ?? e) });
    console.log(
      `  ✗ ${name}\n    ${String(e?.message ?? e)
        .split('\n')
        .slice(0, 6)
        .join('\n    ')}`,
    );
    try {
      await globalThis.__page?.screenshot({ path: join(shots, `failure-${name.replace(/\W+/g, '-')}.png`) });
    } catch {}
  }
  save();
}

async function main() {
  if (!existsSync(join(repo, 'dist', 'extension.js'))) fail('build first (npm run build)');
  const workspace = join(root, 'workspace');
  const { report } = prepareWorkbench({ workspace });
  cpSync(join(repo, 'sample'), workspace, { recursive: true });
  cpSync(join(repo, 'test', 'fixtures', 'injection.trace.jsonl'), join(workspace, 'injection.trace.jsonl'));
  // a 5,000-step trace, to check that a long trace opens and scrolls
  const long = ['<think>'];
  for (let i = 0; i < 5000; i++)
    long.push(
      i % 7 === 3
        ? `Step ${i}: wait, let me double-check the value $x_{${i}} = ${i}$ here.`
        : `Step ${i}: we compute the partial sum up to ${i} carefully.`,
    );
  writeFileSync(
    join(workspace, 'long.trace.jsonl'),
    JSON.stringify({
      id: 'long',
      problemId: 'long',
      checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
      response: long.join('\n\n') + '\n</think>\n\\boxed{1}',
      status: 'complete',
    }) + '\n',
  );

  console.log('e2e: starting code-server');
  let server = await startCodeServer({ workspace, report });
  const { browser, page } = await openBrowser();
  globalThis.__page = page;
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()))
      consoleErrors.push(m.text());
  });
  try {
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await sleep(2500);
    const wv = webview(page);

    await test('opens a sample trace through the custom editor', async () => {
      await openFile(page, 'ovr-sample.trace.jsonl');
      await waitReady(page, 45000);
      const n = await wv.locator('.trace-item').count();
      if (n !== 30) fail(`expected 30 traces in the list, got ${n}`);
      await wv.locator('.trace-header', { hasText: 'clock-01' }).waitFor();
      if ((await wv.locator('.step').count()) < 5) fail('too few steps rendered');
      if ((await wv.locator('.katex').count()) < 1) fail('no KaTeX output');
      const img = wv.locator('.image-frame img');
      await img.waitFor();
      await page.waitForTimeout(500);
      const w = await img.evaluate((e) => e.naturalWidth);
      if (!(w > 0)) fail('problem image did not load');
      const dropped = await wv
        .locator('body')
        .evaluate(
          () =>
            [...document.querySelectorAll('[style]')].filter(
              (e) => e.getAttribute('style') && e.style.length === 0,
            ).length,
        );
      if (dropped) fail(`${dropped} inline style attributes were dropped by the CSP`);
      if ((await wv.locator('.badge').count()) < 1) fail('no behavior badges');
      await page.screenshot({ path: join(shots, 'trace-view-light.png') });
    });

    await test('picks another trace from the list', async () => {
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
      await waitReady(page, 45000);
      await wv.locator('body[data-trace-index="21"]').waitFor({ timeout: 15000 });
      await wv.locator('.chip.active[data-behavior="visual_reflection"]').waitFor();
      const v = await wv.locator('.toolbar vscode-textfield').evaluate((e) => e.value);
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
      const after = await wv.locator('.step.cursor').innerText();
      if (
        !/Verification|Backtracking|Reflection|reflection|verification|Subgoal|chaining|tracing|conquer/i.test(
          after,
        )
      )
        fail('n did not move to a step with a behavior');
      await wv.locator('.step.cursor .icon-button').click({ force: true });
      for (let i = 0; i < 20 && !existsSync(join(report, 'copied.json')); i++) await sleep(200);
      const copied = JSON.parse(readFileSync(join(report, 'copied.json'), 'utf8'));
      if (!/^\*\*Step \d+\*\*/.test(copied.head)) fail(`unexpected clipboard text ${copied.head}`);
    });

    await test('annotates the open trace file from the command palette', async () => {
      await runCommand(page, 'Cogtrace: Annotate Trace File');
      const out = join(workspace, 'ovr-sample.annotated.jsonl');
      for (let i = 0; i < 50 && !existsSync(out); i++) await sleep(200);
      await sleep(300);
      const lines = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      if (lines.length !== 30) fail(`expected 30 annotated traces, got ${lines.length}`);
      if (!lines.every((l) => Array.isArray(l.steps) && l.answer && 'correct' in l.answer))
        fail('annotated lines lack steps or answers');
    });

    await test('collapses a looping model, highlights code and shades token confidence', async () => {
      await openFile(page, 'looping.trace.jsonl');
      await waitReady(page, 45000);
      await wv.locator('.loop-marker').first().waitFor();
      const colored = await wv
        .locator('pre.code span')
        .evaluateAll((els) => els.filter((e) => e.style.color).length);
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
      await openFile(page, 'long.trace.jsonl');
      await waitReady(page, 45000);
      const rendered = await wv.locator('.step').count();
      if (rendered > 400) fail(`${rendered} steps in the DOM: not virtualized`);
      await wv.locator('.steps').evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
      await page.waitForTimeout(300);
      const mid = Number(await wv.locator('.step').first().getAttribute('data-step'));
      if (!(mid > 1000)) fail(`after scrolling to the middle the first rendered step is ${mid}`);
    });

    await test('an injection corpus stays inert in real Chromium', async () => {
      await openFile(page, 'injection.trace.jsonl');
      await waitReady(page, 45000);
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

    await test('renders in a dark theme (screenshot)', async () => {
      // a fresh window with the dark theme in the user settings, as a user who prefers it has
      await page.goto('about:blank');
      server.proc.kill();
      await sleep(500);
      writeSettings('Default Dark Modern');
      server = await startCodeServer({ workspace, report });
      await page.goto(server.url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await sleep(1500);
      await openFile(page, 'ovr-sample.trace.jsonl');
      await waitReady(page, 45000);
      await page.waitForTimeout(1000);
      const bg = await page.locator('.monaco-workbench').evaluate((e) => getComputedStyle(e).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      if (r + g + b > 200) fail(`workbench still light: ${bg}`);
      const fg = await wv.locator('body').evaluate((e) => getComputedStyle(e).color);
      const [fr, fgg, fb] = fg.match(/\d+/g).map(Number);
      if (fr + fgg + fb < 400) fail(`trace view text is not light on dark: ${fg}`);
      await page.screenshot({ path: join(shots, 'trace-view-dark.png') });
    });
    await test('accepts steps arriving live (traceDelta) in the webview bundle', async () => {
      // the webview bundle on its own, with a stub of the VS Code API: the host side of a run streams
      // growing traces into it this way
      const harness = join(root, 'harness.html');
      const dist = join(repo, 'dist');
      writeFileSync(
        harness,
        `<!DOCTYPE html><html><head><link rel="stylesheet" href="file://${dist}/media/trace-view.css"></head><body><div id="app"></div>
<script>window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });</script>
<script src="file://${dist}/webview.js"></script></body></html>`,
      );
      const p = await browser.newPage();
      try {
        await p.goto(`file://${harness}`);
        const trace = (response, n) => ({
          schemaVersion: 1,
          id: 'live',
          problemId: 'live',
          checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
          response,
          status: 'complete',
          steps: Array.from({ length: n }, (_, i) => ({
            index: i,
            start: i * 20,
            end: (i + 1) * 20,
            region: 'think',
            behaviors: [],
          })),
          answer: { extracted: null, normalized: null, correct: null },
        });
        const text = Array.from({ length: 6 }, (_, i) => `Step ${i} is streamed.`.padEnd(20, ' ')).join('');
        await p.evaluate(
          (t) => {
            window.postMessage(
              {
                type: 'init',
                file: 'live.trace.jsonl',
                traces: [
                  {
                    index: 0,
                    id: 'live',
                    problemId: 'live',
                    checkpoint: 'RL',
                    role: 'rl',
                    correct: null,
                    status: 'complete',
                    steps: 2,
                    behaviors: {},
                  },
                ],
                issues: [],
                colors: {},
              },
              '*',
            );
            window.postMessage({ type: 'trace', index: 0, trace: t, code: [] }, '*');
          },
          trace(text.slice(0, 40), 2),
        );
        await p.locator('body[data-ready="true"]').waitFor();
        if ((await p.locator('.step').count()) !== 2) fail('initial steps not rendered');
        await p.evaluate((d) => window.postMessage(d, '*'), {
          type: 'traceDelta',
          index: 0,
          response: text,
          steps: trace(text, 6).steps,
          done: false,
        });
        await p.locator('.step').nth(5).waitFor();
        const last = await p.locator('.step').nth(5).innerText();
        if (!last.includes('Step 5 is streamed')) fail(`live step text: ${last}`);
      } finally {
        await p.close();
      }
    });
  } finally {
    save();
    await browser.close();
    server.proc.kill();
    await sleep(300);
  }
  console.log(`e2e: ${results.passed} passed, ${results.failed} failed; screenshots in ${shots}`);
  const logs = existsSync(report) ? readdirSync(report).filter((f) => f.startsWith('webview-log')) : [];
  if (logs.length) console.log(`e2e: ${logs.length} webview log message(s) in ${report}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main()
    .catch((e) => {
      results.failed++;
      results.tests.push({ name: 'e2e harness', ok: false, error: String(e?.stack ?? e) });
      console.error(e);
    })
    .finally(() => {
      save();
      process.exit(results.failed ? 1 : 0);
    });
}
