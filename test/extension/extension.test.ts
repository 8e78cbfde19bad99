import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import * as vscode from 'vscode';
import { MockWebviewPanel, mockState } from '../vscode-mock';
import { activate } from '../../src/extension/extension';
import { TraceEditorProvider } from '../../src/extension/traceEditor';
import { webviewHtml } from '../../src/extension/html';
import { readRawSettings } from '../../src/extension/settings';
import { HostToWebview } from '../../src/protocol/traceView';

const repo = join(__dirname, '..', '..');
const sample = join(repo, 'sample', 'ovr-sample.trace.jsonl');
const context = {
  subscriptions: [] as unknown[],
  extensionUri: vscode.Uri.file(repo),
  globalStorageUri: vscode.Uri.file(mkdtempSync(join(tmpdir(), 'cogtrace-storage-'))),
  workspaceState: new Map<string, unknown>(),
};
const ctx = {
  ...context,
  workspaceState: {
    get: (k: string) => context.workspaceState.get(k),
    update: async (k: string, v: unknown) => void context.workspaceState.set(k, v),
  },
} as unknown as vscode.ExtensionContext;

beforeAll(() => {
  // the host loads dist/engine.js lazily, as the packaged extension does
  execSync('node esbuild.config.mjs', { cwd: repo, stdio: 'ignore' });
});

describe('activation', () => {
  it('registers the custom editor and every contributed command', () => {
    activate(ctx);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    for (const c of pkg.contributes.commands) expect(mockState.commands.has(c.command), c.command).toBe(true);
    // one provider per view type: the manifest must not declare one view type twice
    const viewTypes = pkg.contributes.customEditors.map((e: { viewType: string }) => e.viewType);
    expect(new Set(viewTypes).size).toBe(viewTypes.length);
    for (const v of viewTypes) expect(mockState.providers.has(v)).toBe(true);
    expect(pkg.capabilities.untrustedWorkspaces).toMatchObject({
      supported: 'limited',
      restrictedConfigurations: [
        'cogtrace.rulesFile',
        'cogtrace.imageRoots',
        'cogtrace.checkpoints',
        'cogtrace.run.systemPrompt',
        'cogtrace.outputFolder',
        'cogtrace.judge.checkpoint',
        'cogtrace.judge.promptsFile',
        'cogtrace.detector',
      ],
    });
  });
});

describe('settings and workspace trust', () => {
  it('uses the workspace rules file only in a trusted workspace', () => {
    mockState.config = { rulesFile: '/ws/rules.json' };
    mockState.globalConfig = { rulesFile: '/home/me/rules.json' };
    mockState.trusted = true;
    expect(readRawSettings().rulesFile).toBe('/ws/rules.json');
    mockState.trusted = false;
    expect(readRawSettings().rulesFile).toBe('/home/me/rules.json');
    mockState.globalConfig = {};
    expect(readRawSettings().rulesFile).toBeUndefined();
    mockState.trusted = true;
    mockState.config = {};
  });
});

describe('webview html', () => {
  it('has a strict CSP with a nonce and no inline allowances', () => {
    const panel = new MockWebviewPanel();
    const html = webviewHtml(panel.webview as unknown as vscode.Webview, vscode.Uri.file(repo));
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const nonce = /nonce-([A-Za-z0-9+/=]+)/.exec(csp)![1];
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
  });
});

/** Opens a trace file (the sample by default) in the trace editor host, wired to a mock webview panel. */
async function openEditor(file = sample): Promise<MockWebviewPanel> {
  const provider = new TraceEditorProvider(
    ctx,
    vscode.window.createOutputChannel('t', { log: true }) as unknown as vscode.LogOutputChannel,
  );
  const doc = await provider.openCustomDocument(vscode.Uri.file(file));
  await doc.index.ready;
  const panel = new MockWebviewPanel();
  await provider.resolveCustomEditor(doc, panel as unknown as vscode.WebviewPanel);
  return panel;
}

describe('trace editor host', () => {
  it('answers ready with the trace list and selectTrace with a valid annotated trace', async () => {
    const panel = await openEditor();
    const roots = (panel.webview.options.localResourceRoots as vscode.Uri[]).map((u) => u.fsPath);
    expect(roots).toContain(join(repo, 'dist'));
    // the trace file's folder (which holds its images), never a folder a trace names
    expect(roots).toEqual([join(repo, 'dist'), join(repo, 'sample')]);
    await panel.fromWebview({ type: 'ready' });
    const init = HostToWebview.parse(panel.sent[0]);
    expect(init.type).toBe('init');
    if (init.type !== 'init') return;
    expect(init.total).toBe(30);
    // the list comes as rows of the view's query: 30 traces, the first one right
    await panel.fromWebview({ type: 'listQuery', seq: 1, text: '', sort: 'file', descending: false });
    const view = HostToWebview.parse(panel.sent.at(-1));
    expect(view).toMatchObject({
      type: 'listView',
      seq: 1,
      count: 30,
      total: 30,
      status: { phase: 'ready' },
    });
    await panel.fromWebview({ type: 'listRows', seq: 1, from: 0, to: 100 });
    const rows = HostToWebview.parse(panel.sent.at(-1));
    if (rows.type !== 'listRows') throw new Error(`expected rows, got ${rows.type}`);
    expect(rows.items).toHaveLength(30);
    expect(rows.items[0]).toMatchObject({ problemId: 'clock-01', correct: true });
    await panel.fromWebview({
      type: 'listQuery',
      seq: 2,
      text: 'clock correct',
      sort: 'steps',
      descending: true,
    });
    const filtered = HostToWebview.parse(panel.sent.at(-1));
    expect(filtered).toMatchObject({ type: 'listView', seq: 2, total: 30 });
    if (filtered.type === 'listView') expect(filtered.count).toBeGreaterThan(0);
    if (filtered.type === 'listView') expect(filtered.count).toBeLessThan(30);
    const before = panel.sent.length;
    await panel.fromWebview({ type: 'selectTrace', index: 21 });
    const t = HostToWebview.parse(panel.sent[before]);
    expect(t.type).toBe('trace');
    if (t.type !== 'trace') return;
    expect(t.index).toBe(21);
    expect(t.trace.steps.length).toBeGreaterThan(5);
    expect(t.imageUri).toMatch(/^https:\/\/webview\.test\/.*\/sample\/images\/.*\.png$/);
    await panel.fromWebview({
      type: 'stateChanged',
      state: {
        traceIndex: 21,
        scrollTop: 0,
        filters: ['verification'],
        expanded: [],
        search: 'x',
        listFilter: '',
        confidence: false,
      },
    });
    expect(context.workspaceState.size).toBe(1);
  });

  it('ignores and logs malformed messages from the webview', async () => {
    const panel = await openEditor();
    mockState.logs.length = 0;
    await panel.fromWebview({ type: 'selectTrace', index: -4 });
    await panel.fromWebview({ type: 'runScript', code: 'x' });
    expect(panel.sent).toHaveLength(0);
    expect(mockState.logs.filter((l) => /invalid message/.test(l))).toHaveLength(2);
  });

  it('copies to the clipboard on request', async () => {
    const panel = await openEditor();
    await panel.fromWebview({ type: 'copy', text: '**Step 1**' });
    expect(mockState.clipboard).toBe('**Step 1**');
  });
});

describe('image roots', () => {
  // a trace folder with one image inside, and hostile references to an image outside it
  const dir = mkdtempSync(join(tmpdir(), 'cogtrace-roots-'));
  const traces = join(dir, 'traces');
  const outside = join(dir, 'elsewhere');
  mkdirSync(join(traces, 'imgs'), { recursive: true });
  mkdirSync(outside);
  const png = readFileSync(join(repo, 'sample', 'images', readdirSync(join(repo, 'sample', 'images'))[0]!));
  writeFileSync(join(traces, 'imgs', 'ok.png'), png);
  writeFileSync(join(outside, 'secret.png'), png);
  symlinkSync(join(outside, 'secret.png'), join(traces, 'imgs', 'link.png'));
  const refs = [
    'imgs/ok.png',
    '../elsewhere/secret.png',
    join(outside, 'secret.png'),
    pathToFileURL(join(outside, 'secret.png')).href,
    'imgs/link.png',
  ];
  const file = join(traces, 'hostile.trace.jsonl');
  writeFileSync(
    file,
    refs
      .map((image, i) =>
        JSON.stringify({
          id: `t${i}`,
          problemId: `p${i}`,
          checkpoint: { id: 'rl', label: 'RL', role: 'rl' },
          response: '<think>Look.</think> \\boxed{1}',
          problem: { id: `p${i}`, question: 'q', image },
        }),
      )
      .join('\n') + '\n',
  );
  const imageOf = async (panel: MockWebviewPanel, i: number) => {
    panel.sent.length = 0;
    await panel.fromWebview({ type: 'selectTrace', index: i });
    if (!panel.sent[0]) throw new Error(mockState.logs.join('\n'));
    const m = HostToWebview.parse(panel.sent[0]);
    if (m.type !== 'trace') throw new Error('expected a trace');
    return { uri: m.imageUri, blocked: m.imageBlocked };
  };

  it('loads images inside the trace folder and blocks escapes, absolute paths, file: URLs and symlinks out', async () => {
    const panel = await openEditor(file);
    const roots = (panel.webview.options.localResourceRoots as vscode.Uri[]).map((u) => u.fsPath);
    expect(roots).not.toContain(outside);
    expect((await imageOf(panel, 0)).uri).toMatch(/imgs\/ok\.png$/);
    for (let i = 1; i < refs.length; i++) {
      const img = await imageOf(panel, i);
      expect(img.uri, refs[i]).toBeUndefined();
      expect(img.blocked, refs[i]).toBeDefined();
    }
    expect((await imageOf(panel, 1)).blocked).toEqual({ path: join(outside, 'secret.png'), folder: outside });
  });

  it('allows the folders of cogtrace.imageRoots, from workspace settings only when trusted', async () => {
    mockState.config = { imageRoots: [outside] };
    let panel = await openEditor(file);
    expect((await imageOf(panel, 2)).uri).toMatch(/secret\.png$/);
    mockState.trusted = false;
    panel = await openEditor(file);
    expect((await imageOf(panel, 2)).blocked).toBeDefined();
    mockState.globalConfig = { imageRoots: [outside] };
    panel = await openEditor(file);
    expect((await imageOf(panel, 2)).uri).toMatch(/secret\.png$/);
    expect((panel.webview.options.localResourceRoots as vscode.Uri[]).map((u) => u.fsPath)).toContain(
      outside,
    );
    mockState.trusted = true;
    mockState.config = {};
    mockState.globalConfig = {};
  });
});
