// The judge in the extension host (vscode mocked): restricted mode shows the rules only and refuses
// a judge run without a call; a judge that cannot be built is explained in the view; a trace
// judged through the service shows the judge's hits beside the rules, from the cache, no call made.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { mockState } from '../vscode-mock';
import * as Engine from '../../src/extension/engine';
import { JudgeService } from '../../src/extension/judge';
import { loadTraces } from '../../src/core/files/traces';
import type { Trace } from '../../src/core/schema';
import { startJudgeServer, type JudgeServer } from '../support/fake-model/judge-server';
import { DEV } from '../helpers';
import type { TraceFileIndex } from '../../src/extension/indexer';

const secrets = new Map<string, string>();
const context = {
  globalStorageUri: vscode.Uri.file(mkdtempSync(join(tmpdir(), 'cogtrace-judge-'))),
  secrets: { get: async (k: string) => secrets.get(k) },
} as unknown as vscode.ExtensionContext;
const log = {
  info: () => {},
  warn: () => {},
  error: () => {},
  show: () => {},
} as unknown as vscode.LogOutputChannel;

describe('the judge in the editor', () => {
  let server: JudgeServer;
  let dev: Trace[];
  beforeAll(async () => {
    dev = (await loadTraces(DEV)).items;
    server = await startJudgeServer(new Map(dev.map((t) => [t.response, t.labels ?? []])));
  });
  afterAll(() => {
    mockState.config = {};
    mockState.trusted = true;
    return server.close();
  });
  const fakeIndex = (traces: Trace[]) =>
    ({
      ready: Promise.resolve(),
      store: { count: traces.length },
      read: (r: number) => ({ trace: traces[r] }),
    }) as unknown as TraceFileIndex;
  const settings = (checkpoint: Record<string, unknown>) => ({
    detector: 'both',
    'judge.checkpoint': 'j',
    checkpoints: [{ id: 'j', model: 'judge-m', ...checkpoint }],
  });

  it('shows the rules only and refuses to judge in restricted mode', async () => {
    mockState.config = settings({ backend: 'openai', baseUrl: server.url });
    mockState.trusted = false;
    mockState.messages = [];
    const s = new JudgeService(context, log, () => Engine);
    expect(s.mode()).toBe('rules');
    const t = Engine.annotate(dev[0]!);
    expect((await s.overlay(t)).judge).toBeUndefined();
    const n = server.requests;
    await s.judgeFile(vscode.Uri.file('/ws/t.trace.jsonl'), fakeIndex(dev.slice(0, 2)), () => {});
    expect(server.requests).toBe(n);
    expect(mockState.messages.join()).toMatch(/restricted mode/);
  });

  it('says why there is no judge', async () => {
    mockState.trusted = true;
    mockState.config = {
      ...settings({ backend: 'openai', baseUrl: server.url }),
      'judge.checkpoint': 'nope',
    };
    const s = new JudgeService(context, log, () => Engine);
    const r = await s.overlay(Engine.annotate(dev[0]!));
    expect(r.judge).toMatchObject({ mode: 'both', judged: false });
    expect(r.judge!.problem).toMatch(/no checkpoint "nope"/);
  });

  it('judges a file, then shows a trace with both detectors from the cache', async () => {
    mockState.trusted = true;
    mockState.config = settings({ backend: 'openai', baseUrl: server.url });
    secrets.set('cogtrace.apiKey.j', 'sk-test');
    const s = new JudgeService(context, log, () => Engine);
    const t = Engine.annotate(dev[3]!);
    expect((await s.overlay(t)).judge).toMatchObject({ judged: false });
    let refreshed = 0;
    const n = server.requests;
    await s.judgeFile(vscode.Uri.file('/ws/t.trace.jsonl'), fakeIndex(dev.slice(0, 4)), () => refreshed++);
    expect(server.requests - n).toBe(32);
    expect(refreshed).toBe(1);
    const before = server.requests;
    const r = await s.overlay(t);
    expect(server.requests).toBe(before);
    expect(r.judge).toMatchObject({ mode: 'both', judged: true, name: 'judge:judge-m/cogtrace-judge-1' });
    const dets = new Set(r.trace.steps.flatMap((st) => st.behaviors.map((h) => h.detector.split(':')[0])));
    expect(dets).toEqual(new Set(['rules', 'judge']));
  });
});
