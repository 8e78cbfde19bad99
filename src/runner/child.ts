// The runner child process: model code lives here, behind the zod-validated message protocol.
// One generation at a time; cancel takes effect within one decoding step.
import { tmpdir } from 'node:os';
import { ToChild, type ToParent } from '../protocol/runner';
import type { Backend } from './backend';
import { RunnerError } from './errors';
import { OnnxBackend } from './onnx-backend';
import { probeDevices } from './devices';
import { OpenAIBackend } from './openai-backend';

let backend: Backend | undefined;
const running = new Map<string, AbortController>();

function send(m: ToParent) {
  process.send?.(m);
}

function fail(e: unknown, requestId?: string) {
  const code = e instanceof RunnerError ? e.code : 'internal';
  send({ type: 'error', requestId, code, message: e instanceof Error ? e.message : String(e) });
}

process.on('message', async (raw) => {
  const parsed = ToChild.safeParse(raw);
  if (!parsed.success)
    return fail(new RunnerError('bad-message', `runner got an invalid message: ${parsed.error.message}`));
  const msg = parsed.data;
  try {
    switch (msg.type) {
      case 'load': {
        await backend?.unload();
        backend = msg.config.backend === 'onnx' ? new OnnxBackend(msg.config) : new OpenAIBackend(msg.config);
        send({ type: 'loaded', ...(await backend.load()) });
        break;
      }
      case 'generate': {
        const { requestId } = msg.request;
        if (!backend) throw new RunnerError('not-loaded', 'no model loaded');
        const ac = new AbortController();
        running.set(requestId, ac);
        try {
          const r = await backend.generate(
            msg.request,
            (t) => send({ type: 'token', requestId, ...t }),
            ac.signal,
          );
          send({ type: 'done', requestId, ...r });
        } catch (e) {
          fail(e, requestId);
        } finally {
          running.delete(requestId);
        }
        break;
      }
      case 'cancel':
        running.get(msg.requestId)?.abort();
        break;
      case 'probe':
        send({ type: 'probed', devices: await probeDevices(await import('onnxruntime-node')) });
        break;
      case 'unload':
        for (const ac of running.values()) ac.abort();
        await backend?.unload();
        backend = undefined;
        send({ type: 'unloaded' });
        break;
    }
  } catch (e) {
    fail(e);
  }
});

// Dawn (WebGPU) logs an error line when it has no runtime folder; any writable folder will do
process.env.XDG_RUNTIME_DIR ??= tmpdir();
process.on('disconnect', () => process.exit(0));
if (process.env.COGTRACE_RUNNER_TEST_CRASH === 'load') process.exit(3);
