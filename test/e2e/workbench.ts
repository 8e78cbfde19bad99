// A real VS Code workbench for end-to-end tests, `npm start` and the extension bench: code-server
// (cached outside the clone by scripts/ensure-code-server.sh) with the built extension and a
// workspace, and Debian Chromium driven by playwright-core. Also the stand-alone webview page (the
// webview bundle with a stub of the VS Code API) that the live-steps test and the bench load.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium, type FrameLocator, type Page } from 'playwright-core';

/** The repository root: the nearest folder above this bundle (dist/tests/ or dist/) with a package.json. */
export const repo = (() => {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && resolve(d, '..') !== d) d = resolve(d, '..');
  return d;
})();
export const dist = join(repo, 'dist');
export const out = join(repo, 'test-output');
export const root = join(out, 'e2e');

export function fail(msg: string): never {
  throw new Error(msg);
}

/** Settings the tests add to the user settings (kept across restarts with another theme). */
let extraSettings: Record<string, unknown> = {};
let currentTheme = 'Default Light Modern';

/** Changes some settings of the running workbench (it watches the files), keeping the rest. */
export function updateSettings(patch: Record<string, unknown>) {
  writeSettings(currentTheme, { ...extraSettings, ...patch });
}

export function writeSettings(theme: string, extra: Record<string, unknown> = extraSettings) {
  extraSettings = extra;
  currentTheme = theme;
  // code-server is a remote window: settings of machine scope (the cogtrace.* paths and
  // checkpoints) are read from the machine settings once that file exists, so they go there too
  mkdirSync(join(root, 'ud/Machine'), { recursive: true });
  writeFileSync(join(root, 'ud/Machine/settings.json'), JSON.stringify(extra));
  writeFileSync(
    join(root, 'ud/User/settings.json'),
    JSON.stringify({
      ...extra,
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

/** A fresh user-data folder with the built extension installed; returns where reports land. */
export function prepareWorkbench({
  theme = 'Default Light Modern',
  workspace,
}: {
  theme?: string;
  workspace: string;
}) {
  rmSync(root, { recursive: true, force: true });
  for (const d of ['ud/User', 'ext', 'cfg', 'data', 'report']) mkdirSync(join(root, d), { recursive: true });
  const ext = join(root, 'ext', 'cogtrace.cogtrace-0.1.0');
  mkdirSync(ext, { recursive: true });
  for (const p of ['package.json', 'dist', 'media', 'README.md'])
    if (existsSync(join(repo, p))) cpSync(join(repo, p), join(ext, p), { recursive: true });
  // the runner's native and model libraries stay external to the bundles, as in the packaged extension
  symlinkSync(join(repo, 'node_modules'), join(ext, 'node_modules'));
  writeSettings(theme, {});
  return { ext, report: join(root, 'report'), workspace };
}

export interface CodeServer {
  proc: ChildProcess;
  url: string;
  log: () => string;
}

export async function startCodeServer(opts: {
  workspace: string;
  report: string;
  port?: number;
}): Promise<CodeServer> {
  const port = opts.port ?? 8700 + Math.floor(Math.random() * 200);
  const dir = execFileSync('bash', [join(repo, 'scripts/ensure-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const node = join(dir, 'node24', 'bin', 'node');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const args = [
    entry,
    ...['--user-data-dir', join(root, 'ud'), '--extensions-dir', join(root, 'ext')],
    ...['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none'],
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    opts.workspace,
  ];
  const proc = spawn(node, args, {
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(root, 'cfg'),
      XDG_DATA_HOME: join(root, 'data'),
      COGTRACE_E2E_OUT: opts.report,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return { proc, url, log: () => log };
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  proc.kill();
  throw new Error(`code-server did not start:\n${log}`);
}

/** Debian Chromium, headless, as the tests and the bench use it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--allow-file-access-from-files',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Moves keyboard focus from a webview (an iframe keeps it) back to the workbench. */
async function focusWorkbench(page: Page) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
}

/** Opens a quick input with `keys`, types `text` and accepts the row showing `row`. */
async function quickPick(page: Page, keys: string, text: string, row: string, what: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await focusWorkbench(page);
      await page.keyboard.press(keys);
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(text, { timeout: 5000 });
      // the highlighted row, which Enter accepts: the list filters a moment after typing
      await page
        .locator('.quick-input-list .monaco-list-row.focused', { hasText: row })
        .waitFor({ timeout: 6000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await sleep(1500); // commands register a few seconds after the workbench appears
    }
  }
  fail(`${what} not found: ${row}`);
}

export const openFile = (page: Page, name: string) => quickPick(page, 'Control+P', name, name, 'file');

export const runCommand = (page: Page, title: string) => quickPick(page, 'F1', `>${title}`, title, 'command');

/** The visible webview's content frame. */
export const webview = (page: Page): FrameLocator =>
  page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');

export async function waitReady(page: Page, timeout = 30000) {
  await webview(page).locator('body[data-ready="true"]').waitFor({ timeout });
}

/**
 * The webview bundle on a plain page with a stub VS Code API: messages the view posts go to
 * `window.__onPost` (when set) and `window.__posted`. Returns the page's file path.
 */
export function webviewHarness(dir: string, bundle = 'webview.js'): string {
  const page = join(dir, `harness-${bundle}.html`);
  writeFileSync(
    page,
    `<!DOCTYPE html><html><head><link rel="stylesheet" href="file://${dist}/media/katex.min.css"><link rel="stylesheet" href="file://${dist}/media/trace-view.css"></head><body><div id="app"></div>
<script>window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__posted.push(m); window.__onPost && window.__onPost(m); }, getState: () => undefined, setState: () => {} });</script>
<script src="file://${dist}/${bundle}"></script></body></html>`,
  );
  return page;
}

/** Elements whose inline style the CSP dropped (a style attribute set, but no declaration applied). */
export function droppedStyles(frame: FrameLocator): Promise<number> {
  return frame
    .locator('body')
    .evaluate(
      () =>
        [...document.querySelectorAll<HTMLElement>('[style]')].filter(
          (e) => e.getAttribute('style') && e.style.length === 0,
        ).length,
    );
}
