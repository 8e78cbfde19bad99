// cogtrace devices: which execution devices run a graph on this machine (CUDA, WebGPU, CPU), the
// WebGPU adapter, and why the others do not. The probe runs in the runner child process.
import { probeDevices } from '../../runner/client';
import type { Io } from '../io';

export async function devicesCommand(a: { json: boolean }, io: Io): Promise<number> {
  const devices = await probeDevices();
  if (a.json) io.out(JSON.stringify(devices, null, 2) + '\n');
  else
    for (const d of devices)
      io.out(
        `${d.device.padEnd(7)} ${d.ok ? 'works' : 'no   '} ${String(d.ms).padStart(5)} ms  ${d.ok ? (d.adapter ?? '') : d.reason}\n`,
      );
  return devices.some((d) => d.ok) ? 0 : 1;
}
