// Configure Checkpoints…: adds a local model folder (checked at once: the missing files are named)
// or an OpenAI-compatible server (checked with one request, its error shown verbatim) to the user's
// cogtrace.checkpoints, with an id, a role and an optional training step.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { CheckpointSetting } from '../protocol/runSettings';
import type { DeviceProbe } from '../protocol/runner';
import type { CompareHost } from './compare';

const ROLES = ['cold-start', 'rl', 'base', 'other'] as const;

async function describe(
  defaultId: string,
): Promise<Pick<CheckpointSetting, 'id' | 'role' | 'step'> | undefined> {
  const id = await vscode.window.showInputBox({
    title: 'Cogtrace: checkpoint id',
    value: defaultId,
    ignoreFocusOut: true,
  });
  if (!id?.trim()) return undefined;
  const role = (await vscode.window.showQuickPick([...ROLES], { title: `Cogtrace: role of ${id}` })) as
    (typeof ROLES)[number] | undefined;
  if (!role) return undefined;
  const step = await vscode.window.showInputBox({
    title: `Cogtrace: training step of ${id} (optional)`,
    validateInput: (v) => (v === '' || /^\d+$/.test(v) ? undefined : 'a whole number, or empty'),
  });
  if (step === undefined) return undefined;
  return { id: id.trim(), role, step: step === '' ? undefined : Number(step) };
}

type Device = NonNullable<CheckpointSetting['device']>;

/** The devices that ran a graph on this machine (probed once, cached), auto first. */
async function pickDevice(host: CompareHost): Promise<Device | undefined> {
  let probe: DeviceProbe[] = [];
  try {
    probe = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cogtrace: trying CUDA, WebGPU and CPU…' },
      () => host.engine().probeDevices(),
    );
  } catch (e) {
    host.log.warn(`device probe failed: ${(e as Error).message}`);
  }
  for (const d of probe)
    host.log.info(`device ${d.device}: ${d.ok ? `works${d.adapter ? ` (${d.adapter})` : ''}` : d.reason}`);
  const works = probe.filter((d) => d.ok);
  const items = [
    {
      label: 'auto',
      description: works.length ? `here: ${works.map((d) => d.device).join(' → ')}` : '',
      detail: 'CUDA, then WebGPU on a hardware adapter, then CPU; the run log says what it picked and why',
      device: 'auto' as Device,
    },
    ...probe.map((d) => ({
      label: `${d.ok ? '$(check)' : '$(circle-slash)'} ${d.device}`,
      description: d.ok ? (d.adapter ?? 'works') : 'does not work here',
      detail: d.ok ? undefined : d.reason,
      device: d.device as Device,
    })),
  ];
  return (await vscode.window.showQuickPick(items, { title: 'Cogtrace: run this model on which device?' }))
    ?.device;
}

export async function configureCheckpoints(host: CompareHost) {
  const engine = host.engine();
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: '$(folder) Add a local model folder',
        detail: 'An ONNX export (tools/export), run on this machine',
        id: 'onnx',
      },
      {
        label: '$(server) Add a server',
        detail: 'vLLM, SGLang, Ollama: any OpenAI-compatible endpoint',
        id: 'openai',
      },
      { label: '$(settings-gear) Edit cogtrace.checkpoints in the settings', id: 'edit' },
    ],
    { title: 'Cogtrace: configure checkpoints' },
  );
  if (!kind) return;
  if (kind.id === 'edit')
    return vscode.commands.executeCommand('workbench.action.openSettings', 'cogtrace.checkpoints');
  let entry: Partial<CheckpointSetting>;
  if (kind.id === 'onnx') {
    const folder = (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        openLabel: 'Use This Model',
      })
    )?.[0];
    if (!folder) return;
    try {
      engine.checkModelFolder(folder.fsPath, 'fp32');
    } catch (e) {
      void vscode.window.showErrorMessage(`Cogtrace: ${(e as Error).message}`);
      return;
    }
    const device = await pickDevice(host);
    if (!device) return;
    entry = { backend: 'onnx', model: folder.fsPath, device, dtype: 'fp32' };
    const d = await describe(basename(folder.fsPath));
    if (!d) return;
    entry = { ...entry, ...d };
  } else {
    const baseUrl = await vscode.window.showInputBox({
      title: 'Cogtrace: server URL',
      value: 'http://localhost:8000/v1',
      validateInput: (v) =>
        /^https?:\/\/\S+$/.test(v) ? undefined : 'an http(s) URL, such as http://gpu-node:8000/v1',
      ignoreFocusOut: true,
    });
    if (!baseUrl) return;
    const model = await vscode.window.showInputBox({
      title: 'Cogtrace: served model name',
      ignoreFocusOut: true,
    });
    if (!model?.trim()) return;
    const key = await vscode.window.showInputBox({
      title: "Cogtrace: API key (optional), kept in VS Code's secret storage, never in settings",
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    const apiKeyEnv = key
      ? ''
      : await vscode.window.showInputBox({
          title: 'Cogtrace: or an environment variable holding the key (optional)',
          ignoreFocusOut: true,
        });
    if (apiKeyEnv === undefined) return;
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Cogtrace: asking ${baseUrl} for its models…`,
        },
        () => engine.checkServer(baseUrl, model.trim(), apiKeyEnv || undefined, key || undefined),
      );
    } catch (e) {
      const a = await vscode.window.showErrorMessage(`Cogtrace: ${(e as Error).message}`, 'Add Anyway');
      if (a !== 'Add Anyway') return;
    }
    entry = { backend: 'openai', baseUrl, model: model.trim(), apiKeyEnv: apiKeyEnv || undefined };
    const d = await describe(model.trim().split('/').pop()!);
    if (!d) return;
    entry = { ...entry, ...d };
    if (key) await host.context.secrets.store(`cogtrace.apiKey.${d.id}`, key);
  }
  const cfg = vscode.workspace.getConfiguration('cogtrace');
  const current = cfg.inspect<unknown[]>('checkpoints')?.globalValue ?? [];
  const list = Array.isArray(current) ? current : [];
  await cfg.update(
    'checkpoints',
    [...list.filter((c) => (c as { id?: string })?.id !== entry.id), entry],
    vscode.ConfigurationTarget.Global,
  );
  void vscode.window.showInformationMessage(`Cogtrace: checkpoint ${entry.id} saved in your user settings.`);
}
