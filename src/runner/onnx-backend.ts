// Local back end: @huggingface/transformers v4 over onnxruntime-node, no network. Runs inside the
// runner child process so a crash or an out-of-memory never takes the extension down.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DEVICES, type GenerateRequest } from '../protocol/runner';
import type { Backend, GenerateResult, LoadInfo, TokenEvent } from './backend';
import { type Device, describeAdapter, webgpuDtypeProblem } from './devices';
import { explainLoadError, RunnerError } from './errors';
import { chooseToken, mulberry32, type TokenStat } from './sampling';

type Transformers = typeof import('@huggingface/transformers');

const REQUIRED = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const QWEN_GRAPHS = ['embed_tokens', 'vision_encoder', 'decoder_model_merged'];
const SUFFIX: Record<string, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
const MAX_IMAGE_PIXELS = 100_000_000;

export interface OnnxOptions {
  model: string;
  device: 'auto' | Device;
  dtype: 'fp32' | 'fp16' | 'q8' | 'q4';
}

/** Checks the folder before transformers.js does, to name exactly what is missing. */
export function checkModelFolder(dir: string, dtype: string): { modelType: string } {
  if (!existsSync(dir)) throw new RunnerError('missing-folder', `model folder not found: ${dir}`);
  for (const f of REQUIRED)
    if (!existsSync(join(dir, f))) throw new RunnerError('missing-file', `${dir}: missing file "${f}"`);
  let config: { model_type?: string };
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } catch (e) {
    throw new RunnerError('bad-config', `${join(dir, 'config.json')}: ${(e as Error).message}`);
  }
  const modelType = config.model_type ?? '';
  if (/^qwen(2|2_5|3)_vl/.test(modelType)) {
    for (const g of QWEN_GRAPHS) {
      const f = join('onnx', `${g}${SUFFIX[dtype] ?? ''}.onnx`);
      if (!existsSync(join(dir, f)))
        throw new RunnerError('missing-file', `${dir}: missing file "${f}" (needed for dtype ${dtype})`);
    }
  }
  return { modelType };
}

export class OnnxBackend implements Backend {
  private tf?: Transformers;
  private model?: Awaited<ReturnType<Transformers['AutoModelForImageTextToText']['from_pretrained']>>;
  private processor?: Awaited<ReturnType<Transformers['AutoProcessor']['from_pretrained']>>;
  private device = 'cpu';

  constructor(private readonly opts: OnnxOptions) {}

  async load(): Promise<LoadInfo> {
    const t0 = Date.now();
    const dir = resolve(this.opts.model);
    // said up front, not at the first token
    const dtypeProblem = this.opts.device === 'webgpu' ? webgpuDtypeProblem(this.opts.dtype) : undefined;
    if (dtypeProblem) throw new RunnerError('unsupported-dtype', `${dir}: ${dtypeProblem}`);
    checkModelFolder(dir, this.opts.dtype);
    const tf = (this.tf ??= await import('@huggingface/transformers'));
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.localModelPath = dirname(dir) + '/';
    const name = basename(dir);
    const tryLoad = async (device: Device) =>
      tf.AutoModelForImageTextToText.from_pretrained(name, {
        local_files_only: true,
        device,
        dtype: this.opts.dtype,
      });
    // auto: CUDA, then WebGPU, then CPU; a named device is tried alone and its failure explained
    const explicit = this.opts.device !== 'auto';
    const order: readonly Device[] = explicit ? [this.opts.device as Device] : DEVICES;
    const skipped: string[] = [];
    try {
      this.processor = await tf.AutoProcessor.from_pretrained(name, { local_files_only: true });
      for (const device of order) {
        if (device === 'webgpu' && !explicit) {
          const adapter = describeAdapter();
          const why =
            webgpuDtypeProblem(this.opts.dtype) ??
            (adapter.software
              ? `its only adapter is a software rasterizer (${adapter.description}), slower than the CPU provider; name device "webgpu" to use it anyway`
              : undefined);
          if (why) {
            skipped.push(`webgpu skipped: ${why}`);
            continue;
          }
        }
        try {
          this.model = await tryLoad(device);
          this.device = device;
          break;
        } catch (e) {
          if (explicit || device === 'cpu') throw e;
          skipped.push(`${device} skipped: ${explainLoadError(e, dir, device).message.replace(/\.$/, '')}`);
        }
      }
    } catch (e) {
      throw e instanceof RunnerError ? e : explainLoadError(e, dir, this.opts.device);
    }
    const adapter = this.device === 'webgpu' ? describeAdapter().description : undefined;
    const note = skipped.length ? `running on ${this.device}; ${skipped.join('; ')}` : undefined;
    return { name, device: this.device, adapter, dtype: this.opts.dtype, loadMs: Date.now() - t0, note };
  }

  async generate(
    req: GenerateRequest,
    onToken: (t: TokenEvent) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult> {
    const tf = this.tf;
    const model = this.model;
    const processor = this.processor;
    if (!tf || !model || !processor) throw new RunnerError('not-loaded', 'generate before load');
    const t0 = Date.now();
    const content: { type: string; text?: string }[] = [];
    let image: InstanceType<Transformers['RawImage']> | undefined;
    if (req.image) {
      image = await readImage(tf, req.image);
      content.push({ type: 'image' });
    }
    content.push({ type: 'text', text: req.user });
    const messages = [
      ...(req.system ? [{ role: 'system', content: req.system }] : []),
      { role: 'user', content },
    ];
    const prompt = processor.apply_chat_template(messages as never, {
      add_generation_prompt: true,
    }) as string;
    const inputs = image ? await processor(prompt, image) : await processor(prompt);

    const tokenizer = processor.tokenizer!;
    const rand = mulberry32(req.params.seed ?? 0);
    const pending: TokenStat[] = [];
    const ids: number[] = [];
    let firstLogits: number[] | undefined;
    let ttft: number | undefined;
    let windowStart = 0;
    let windowText = '';

    const Processor = class extends tf.LogitsProcessor {
      override _call(_inputIds: bigint[][], logits: InstanceType<Transformers['Tensor']>) {
        // logits is [batch, vocab]; indexing a Tensor yields the row as a Tensor
        const row = (logits as unknown as { data: Float32Array }[])[0]!.data;
        if (req.wantFirstLogits && !firstLogits) firstLogits = Array.from(row);
        const stat = chooseToken(row, { temperature: req.params.temperature, topP: req.params.topP, rand });
        pending.push(stat);
        if (req.params.temperature > 0) {
          // force the sampled token: generate() itself decodes greedily
          const keep = row[stat.id]!;
          row.fill(-Infinity);
          row[stat.id] = keep;
        }
        return logits;
      }
    };
    const Sink = class extends tf.BaseStreamer {
      private first = true;
      override put(value: bigint[][]) {
        if (this.first) {
          this.first = false;
          return;
        }
        const id = Number(value[0]![0]);
        const stat = pending.shift();
        ids.push(id);
        ttft ??= Date.now() - t0;
        // decode a window and print only what is stable (an incomplete UTF-8 sequence shows as U+FFFD)
        const text = tokenizer.decode(ids.slice(windowStart), { skip_special_tokens: false });
        let delta = text.slice(windowText.length);
        if (delta.endsWith('\uFFFD')) delta = '';
        else {
          windowText = text;
          if (/\s$/.test(text)) {
            windowStart = ids.length;
            windowText = '';
          }
        }
        onToken({ text: delta, id, logprob: stat?.logprob, entropy: stat?.entropy });
      }
      override end() {}
    };
    const stop = new tf.InterruptableStoppingCriteria();
    const onAbort = () => stop.interrupt();
    signal.addEventListener('abort', onAbort);
    try {
      await model.generate({
        ...inputs,
        max_new_tokens: req.params.maxTokens,
        do_sample: false,
        logits_processor: [new Processor()] as never,
        stopping_criteria: [stop] as never,
        streamer: new Sink() as never,
      } as never);
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (/bad_alloc|out of memory|Failed to allocate/i.test(msg))
        throw new RunnerError('out-of-memory', `out of memory during generation on ${this.device}: ${msg}`);
      throw new RunnerError('generate-failed', msg);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    const full = tokenizer.decode(ids, { skip_special_tokens: false });
    const response = full.replace(/(<\|im_end\|>|<\|endoftext\|>)+$/, '');
    return {
      response,
      tokenIds: ids,
      status: signal.aborted ? 'interrupted' : 'complete',
      ttftMs: ttft,
      totalMs: Date.now() - t0,
      firstLogits,
    };
  }

  async unload(): Promise<void> {
    await (this.model as unknown as { dispose?: () => Promise<void> } | undefined)?.dispose?.();
    this.model = undefined;
    this.processor = undefined;
  }
}

async function readImage(tf: Transformers, path: string) {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new RunnerError('image-unreadable', `image not found or unreadable: ${path}`);
  }
  if (size > MAX_IMAGE_BYTES)
    throw new RunnerError(
      'image-too-large',
      `image ${path} is ${(size / 1e6).toFixed(0)} MB; the limit is ${MAX_IMAGE_BYTES / 1e6} MB`,
    );
  let img;
  try {
    img = await tf.RawImage.read(path);
  } catch (e) {
    throw new RunnerError('image-unreadable', `cannot decode image ${path}: ${(e as Error).message}`);
  }
  if (img.width * img.height > MAX_IMAGE_PIXELS)
    throw new RunnerError(
      'image-too-large',
      `image ${path} is ${img.width}×${img.height}; the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels`,
    );
  return img;
}
