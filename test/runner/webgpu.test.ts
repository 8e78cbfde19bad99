// The WebGPU path (onnxruntime-node's built-in provider; here on Mesa's software Vulkan, lavapipe):
// the fake Qwen2.5-VL and the export-parity fixture must give the same greedy tokens as on the CPU,
// and first-step logits within 1e-3 (float32 on both; the GPU sums in another order). Skipped, with
// the probe's reason printed, only when this machine has no Vulkan driver.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { adapterFromVulkaninfo, webgpuDtypeProblem } from '../../src/runner/devices';
import { RunnerClient } from '../../src/runner/client';
import type { DeviceProbe } from '../../src/protocol/runner';
import { writeFakeQwen25VL } from '../support/fake-model/build';
import { tmpDir } from '../helpers';
import { checkParity, FIXTURE, maxDiff } from '../support/parity';

const CHILD = join(__dirname, '..', '..', 'dist', 'runner-child.js');
const TOLERANCE = 1e-3;
let probe: DeviceProbe[] = [];
let webgpu: DeviceProbe | undefined;
let model: string;
let png: string;
const clients: RunnerClient[] = [];
const client = (env?: NodeJS.ProcessEnv) => {
  const c = new RunnerClient({ childPath: CHILD, env });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  probe = await client().probe();
  webgpu = probe.find((d) => d.device === 'webgpu');
  if (!webgpu?.ok) console.log(`WebGPU tests skipped: ${webgpu?.reason ?? 'no probe result'}`);
  else console.log(`WebGPU adapter: ${webgpu.adapter}`);
  const dir = tmpDir();
  model = writeFakeQwen25VL(join(dir, 'fake-qwen'), { layers: 2, hidden: 16, kvHeads: 2, headDim: 4 });
  png = join(dir, 'a.png');
  await sharp({ create: { width: 56, height: 84, channels: 3, background: { r: 30, g: 160, b: 90 } } })
    .png()
    .toFile(png);
}, 60_000);
afterAll(() => clients.forEach((c) => c.dispose()));

describe('devices', () => {
  it('the probe reports every device, CPU working, and a reason for each that does not', () => {
    expect(probe.map((d) => d.device)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(probe.find((d) => d.device === 'cpu')?.ok).toBe(true);
    for (const d of probe) if (!d.ok) expect(d.reason).toMatch(/\w{10}/);
  });

  it('with no Vulkan driver WebGPU says what is missing, and auto runs on the CPU saying why', async () => {
    const c = client({ VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' });
    const d = (await c.probe()).find((x) => x.device === 'webgpu')!;
    expect(d.ok).toBe(false);
    expect(d.reason).toMatch(/no GPU adapter.*Vulkan driver/s);
    await expect(c.load({ backend: 'onnx', model, device: 'webgpu', dtype: 'fp32' })).rejects.toThrow(
      /WebGPU has no GPU adapter/,
    );
    const info = await c.load({ backend: 'onnx', model, device: 'auto', dtype: 'fp32' });
    expect(info.device).toBe('cpu');
    expect(info.note).toMatch(/cuda skipped: CUDA is not available.*webgpu skipped/s);
  }, 60_000);

  it('a dtype WebGPU cannot run is refused before anything loads', async () => {
    expect(webgpuDtypeProblem('q8')).toMatch(/MatMulInteger/);
    expect(webgpuDtypeProblem('q4')).toBeUndefined();
    await expect(
      client().load({ backend: 'onnx', model, device: 'webgpu', dtype: 'q8' }),
    ).rejects.toMatchObject({ code: 'unsupported-dtype' });
  });

  it('names the adapter from vulkaninfo, preferring a discrete GPU to a software one', () => {
    const summary = [
      'Devices:\n========',
      'GPU0:\n\tdeviceType = PHYSICAL_DEVICE_TYPE_CPU\n\tdeviceName = llvmpipe (LLVM 15.0.6, 256 bits)\n\tdriverName = llvmpipe',
      'GPU1:\n\tdeviceType = PHYSICAL_DEVICE_TYPE_DISCRETE_GPU\n\tdeviceName = NVIDIA H200\n\tdriverInfo = 580.159.03',
    ].join('\n');
    expect(adapterFromVulkaninfo(summary)).toEqual({
      description: 'NVIDIA H200 (580.159.03) via Vulkan',
      software: false,
    });
    expect(adapterFromVulkaninfo(summary.split('\nGPU1')[0]!)).toMatchObject({ software: true });
    expect(adapterFromVulkaninfo('no devices')).toBeUndefined();
  });
});

describe('WebGPU generation matches the CPU', () => {
  it('fake Qwen2.5-VL: same greedy tokens, first-step logits within 1e-3', async (ctx) => {
    if (!webgpu?.ok) return ctx.skip();
    const req = {
      user: 'Count the shapes.',
      image: png,
      params: { temperature: 0, topP: 1, maxTokens: 24 },
      wantFirstLogits: true,
    };
    const cpu = client();
    await cpu.load({ backend: 'onnx', model, device: 'cpu', dtype: 'fp32' });
    const a = await cpu.generate(req).result;
    const gpu = client();
    const info = await gpu.load({ backend: 'onnx', model, device: 'webgpu', dtype: 'fp32' });
    expect(info.device).toBe('webgpu');
    expect(info.adapter).toMatch(/via (Vulkan|Metal|D3D12)/);
    const b = await gpu.generate(req).result;
    expect(b.tokenIds).toEqual(a.tokenIds);
    const d = maxDiff(b.firstLogits!, a.firstLogits!);
    console.log(
      `webgpu vs cpu (fake model): ${b.tokenIds.length} tokens equal, max |Δlogit| = ${d.toExponential(2)}`,
    );
    expect(d).toBeLessThan(TOLERANCE);
  }, 120_000);

  it('export parity fixture: the PyTorch greedy tokens and logits on WebGPU too', async (ctx) => {
    if (!webgpu?.ok) return ctx.skip();
    const c = client();
    await c.load({ backend: 'onnx', model: FIXTURE, device: 'webgpu', dtype: 'fp32' });
    await checkParity(c, 'webgpu');
  }, 300_000);
});
