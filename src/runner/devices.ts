// Which execution devices work on this machine, and what the GPU adapter is. Runs in the runner child
// (it loads onnxruntime-node). CUDA needs provider libraries onnxruntime-node does not ship; WebGPU is
// built in (Dawn) and needs only a GPU driver: Vulkan on Linux, Metal on macOS, D3D12 on Windows.
// A probe creates and runs a one-node ONNX session on each device, so "works" means it ran.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { DEVICES, type DeviceProbe } from '../protocol/runner';
import { explainLoadError } from './errors';

export type Device = (typeof DEVICES)[number];

/** The graphics API WebGPU runs over on this platform. */
export function webgpuBackend(platform = process.platform): string {
  return platform === 'darwin' ? 'Metal' : platform === 'win32' ? 'D3D12' : 'Vulkan';
}

/**
 * dtypes the WebGPU provider cannot run, said before a model loads: q8 exports quantize with
 * MatMulInteger/DynamicQuantizeLinear, which have no WebGPU kernels (they would run on the CPU, one
 * copy per token). fp32, fp16 and q4 (MatMulNBits) have kernels.
 */
export function webgpuDtypeProblem(dtype: string): string | undefined {
  if (dtype === 'q8')
    return 'dtype q8 uses MatMulInteger, which the WebGPU provider does not run; use fp32, fp16 or q4 on webgpu';
  return undefined;
}

const RANK: Record<string, number> = {
  PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: 0,
  PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: 1,
  PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: 2,
  PHYSICAL_DEVICE_TYPE_CPU: 3,
};

export interface Adapter {
  /** "llvmpipe (Mesa 25.0.7, software) via Vulkan" */
  description: string;
  /** A CPU rasterizer (lavapipe/SwiftShader): correct, but slower than the CPU provider. */
  software: boolean;
}

/** Parses `vulkaninfo --summary`: the device Dawn prefers (discrete first). */
export function adapterFromVulkaninfo(text: string): Adapter | undefined {
  const devices = text
    .split(/\n(?=GPU\d+:)/)
    .slice(1)
    .map((block) => ({
      name: /deviceName\s*=\s*(.+)/.exec(block)?.[1]?.trim(),
      type: /deviceType\s*=\s*(\S+)/.exec(block)?.[1] ?? '',
      driver: (/driverInfo\s*=\s*(.+)/.exec(block) ?? /driverName\s*=\s*(.+)/.exec(block))?.[1]?.trim(),
    }))
    .filter((d) => d.name)
    .sort((a, b) => (RANK[a.type] ?? 9) - (RANK[b.type] ?? 9));
  const d = devices[0];
  if (!d) return undefined;
  const software = d.type === 'PHYSICAL_DEVICE_TYPE_CPU';
  const details = [d.driver, software ? 'software' : ''].filter(Boolean).join(', ');
  return { description: `${d.name}${details ? ` (${details})` : ''} via Vulkan`, software };
}

const SOFTWARE_ICD = /^(lvp|swiftshader)/i;

/** The WebGPU adapter as far as this machine says (probed once per process). */
let cached: Adapter | undefined;
export function describeAdapter(): Adapter {
  return (cached ??= findAdapter());
}

function findAdapter(): Adapter {
  const backend = webgpuBackend();
  if (backend !== 'Vulkan') return { description: `default ${backend} adapter`, software: false };
  try {
    const out = execFileSync('vulkaninfo', ['--summary'], { encoding: 'utf8', timeout: 5000, stdio: 'pipe' });
    const found = adapterFromVulkaninfo(out);
    if (found) return found;
  } catch {
    // no vulkaninfo (package vulkan-tools): name the installed drivers instead
  }
  const dirs = (process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES)?.split(':') ?? [
    '/usr/share/vulkan/icd.d',
    '/etc/vulkan/icd.d',
  ];
  const icds = dirs.flatMap((d) =>
    d.endsWith('.json')
      ? [d.split('/').pop()!]
      : existsSync(d)
        ? readdirSync(d).filter((f) => f.endsWith('.json'))
        : [],
  );
  // Mesa installs manifests for every GPU family it supports: only a lone software one is telling
  const software = icds.length > 0 && icds.every((f) => SOFTWARE_ICD.test(f));
  // NVIDIA's Vulkan driver is the one Dawn prefers when present; nvidia-smi names its GPU
  const nvidia = icds.some((f) => /^nvidia/i.test(f)) ? nvidiaGpuName() : undefined;
  if (nvidia)
    return { description: `${nvidia} (${icds.find((f) => /^nvidia/i.test(f))}) via Vulkan`, software: false };
  return { description: `a Vulkan adapter (drivers: ${icds.join(', ') || 'none found'})`, software };
}

function nvidiaGpuName(): string | undefined {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: 'pipe',
    });
    return out.split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

// A one-node ONNX model (y = Identity(x), float[1]) written as protobuf by hand: the probe needs a
// graph to place on each provider, and no model file ships for it.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const field = (no: number, body: number[]) => [...varint((no << 3) | 2), ...varint(body.length), ...body];
const str = (no: number, s: string) => field(no, [...Buffer.from(s)]);
const int = (no: number, n: number) => [...varint(no << 3), ...varint(n)];
function probeModel(): Uint8Array {
  // ValueInfoProto: name, type.tensor_type { elem_type FLOAT, shape { dim { dim_value 1 } } }
  const valueInfo = (no: number, name: string) =>
    field(no, [...str(1, name), ...field(2, field(1, [...int(1, 1), ...field(2, field(1, int(1, 1)))]))]);
  // GraphProto: node { input, output, op_type }, name, input (11), output (12)
  const node = field(1, [...str(1, 'x'), ...str(2, 'y'), ...str(4, 'Identity')]);
  const graph = [...node, ...str(2, 'probe'), ...valueInfo(11, 'x'), ...valueInfo(12, 'y')];
  // ModelProto: ir_version 8, opset_import { version 17 }, graph
  return Uint8Array.from([...int(1, 8), ...field(8, int(2, 17)), ...field(7, graph)]);
}

type Ort = typeof import('onnxruntime-node');

/** Tries each device with a one-node session; the reasons for the ones that fail are kept. */
export async function probeDevices(ort: Ort): Promise<DeviceProbe[]> {
  const bytes = probeModel();
  const out: DeviceProbe[] = [];
  for (const device of DEVICES) {
    const t0 = Date.now();
    try {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: [device] });
      const x = new ort.Tensor('float32', Float32Array.from([1.5]), [1]);
      const y = await session.run({ x });
      if ((y.y!.data as Float32Array)[0] !== 1.5) throw new Error('the probe graph gave a wrong result');
      await session.release();
      out.push({
        device,
        ok: true,
        ms: Date.now() - t0,
        adapter: device === 'webgpu' ? describeAdapter().description : undefined,
      });
    } catch (e) {
      out.push({
        device,
        ok: false,
        ms: Date.now() - t0,
        reason: explainLoadError(e, 'probe', device).message,
      });
    }
  }
  return out;
}
