// Parent side of the runner child process. The parent survives the child's death: pending work is
// rejected with a clear error, and the next load starts a fresh child.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BackendConfig,
  type DeviceProbe,
  type GenerateRequest,
  type GenerateResult,
  type LoadInfo,
  type ToChild,
  ToParent,
  type TokenEvent,
} from '../protocol/runner';
import { RunnerError } from './errors';

export function defaultChildPath(): string {
  const candidates = [
    join(__dirname, 'runner-child.js'),
    join(__dirname, '..', '..', 'dist', 'runner-child.js'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new RunnerError(
      'not-built',
      `runner-child.js not found (looked in ${candidates.join(', ')}); run \`npm run build\``,
    );
  return found;
}

interface Pending<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}
interface PendingRequest extends Pending<GenerateResult> {
  onToken?: (t: TokenEvent) => void;
}

export class RunnerClient {
  private child?: ChildProcess;
  private pendingLoad?: Pending<LoadInfo>;
  private pendingUnload?: Pending<void>;
  private pendingProbe?: Pending<DeviceProbe[]>;
  private readonly requests = new Map<string, PendingRequest>();
  private seq = 0;
  /** Called when the child dies unexpectedly (after pending work has been rejected). */
  onCrash?: (reason: string) => void;
  /** Called with what went wrong when the child sends a message that fails validation. */
  onProtocolError?: (message: string) => void;

  constructor(private readonly opts: { childPath?: string; env?: NodeJS.ProcessEnv } = {}) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const child = fork(this.opts.childPath ?? defaultChildPath(), [], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, ...this.opts.env },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('message', (raw) => this.onMessage(raw));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const reason = `the model runner process exited (${signal ? `signal ${signal}` : `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
      const err = new RunnerError(
        signal === 'SIGKILL' ? 'crashed-killed' : 'crashed',
        `${reason}. It may have run out of memory; a new one starts on the next run.`,
      );
      const hadWork = !!this.pendingLoad || this.requests.size > 0;
      this.pendingLoad?.reject(err);
      this.pendingLoad = undefined;
      this.pendingUnload?.resolve();
      this.pendingUnload = undefined;
      this.pendingProbe?.reject(err);
      this.pendingProbe = undefined;
      for (const p of this.requests.values()) p.reject(err);
      this.requests.clear();
      if (hadWork) this.onCrash?.(reason);
    });
    this.child = child;
    return child;
  }

  private send(m: ToChild) {
    this.ensureChild().send(m);
  }

  private onMessage(raw: unknown) {
    const parsed = ToParent.safeParse(raw);
    if (!parsed.success) return this.rejectInvalid(raw, parsed.error.message);
    const m = parsed.data;
    switch (m.type) {
      case 'loaded': {
        const { type: _t, ...info } = m;
        this.pendingLoad?.resolve(info);
        this.pendingLoad = undefined;
        break;
      }
      case 'probed':
        this.pendingProbe?.resolve(m.devices);
        this.pendingProbe = undefined;
        break;
      case 'unloaded':
        this.pendingUnload?.resolve();
        this.pendingUnload = undefined;
        break;
      case 'token': {
        const { type: _t, requestId, ...token } = m;
        this.requests.get(requestId)?.onToken?.(token);
        break;
      }
      case 'done': {
        const { type: _t, requestId, ...result } = m;
        const p = this.requests.get(requestId);
        this.requests.delete(requestId);
        p?.resolve(result);
        break;
      }
      case 'error': {
        const err = new RunnerError(m.code, m.message);
        if (m.requestId) {
          this.requests.get(m.requestId)?.reject(err);
          this.requests.delete(m.requestId);
        } else if (this.pendingLoad) {
          this.pendingLoad.reject(err);
          this.pendingLoad = undefined;
        }
        break;
      }
    }
  }

  /**
   * A message that fails validation is never trusted: it is reported, and the work it belongs to
   * (its request, or the pending load/unload when it names none) is rejected instead of hanging.
   */
  private rejectInvalid(raw: unknown, why: string) {
    const type = typeof raw === 'object' && raw && 'type' in raw ? String(raw.type) : '?';
    const message = `the model runner sent an invalid '${type}' message: ${why}`;
    this.onProtocolError?.(message);
    const err = new RunnerError('protocol', message);
    const requestId =
      typeof raw === 'object' && raw && 'requestId' in raw && typeof raw.requestId === 'string'
        ? raw.requestId
        : undefined;
    const req = requestId !== undefined ? this.requests.get(requestId) : undefined;
    if (req) {
      this.requests.delete(requestId!);
      return req.reject(err);
    }
    if (type === 'loaded' || (type === 'error' && this.pendingLoad)) {
      this.pendingLoad?.reject(err);
      this.pendingLoad = undefined;
    } else if (type === 'unloaded') {
      this.pendingUnload?.reject(err);
      this.pendingUnload = undefined;
    }
  }

  load(config: BackendConfig): Promise<LoadInfo> {
    return new Promise((resolve, reject) => {
      this.pendingLoad = { resolve, reject };
      this.send({ type: 'load', config });
    });
  }

  /** Which devices run a graph on this machine (cuda, webgpu, cpu), with the adapter or the reason. */
  probe(): Promise<DeviceProbe[]> {
    return new Promise((resolve, reject) => {
      this.pendingProbe = { resolve, reject };
      this.send({ type: 'probe' });
    });
  }

  generate(
    request: Omit<GenerateRequest, 'requestId' | 'wantFirstLogits'> & { wantFirstLogits?: boolean },
    onToken?: (t: TokenEvent) => void,
  ): { requestId: string; result: Promise<GenerateResult>; cancel: () => void } {
    const requestId = `r${++this.seq}`;
    const result = new Promise<GenerateResult>((resolve, reject) => {
      this.requests.set(requestId, { resolve, reject, onToken });
      this.send({
        type: 'generate',
        request: { ...request, wantFirstLogits: request.wantFirstLogits ?? false, requestId },
      });
    });
    return {
      requestId,
      result,
      cancel: () => this.child?.send({ type: 'cancel', requestId } satisfies ToChild),
    };
  }

  async unload(): Promise<void> {
    if (!this.child) return;
    await new Promise<void>((resolve, reject) => {
      this.pendingUnload = { resolve, reject };
      this.send({ type: 'unload' });
    });
  }

  /** Ends the child process (unloading frees its memory at once). */
  dispose(): void {
    const c = this.child;
    this.child = undefined;
    c?.kill();
  }
}

/** Which devices run a graph here, asked of a runner child started for it and ended after. */
export async function probeDevices(): Promise<DeviceProbe[]> {
  const c = new RunnerClient();
  try {
    return await c.probe();
  } finally {
    c.dispose();
  }
}
