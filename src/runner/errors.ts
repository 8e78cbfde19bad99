// Errors users will hit, turned into messages that say what happened and what to do.
export class RunnerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function explainLoadError(e: unknown, model: string, device: string): RunnerError {
  const msg = e instanceof Error ? e.message : String(e);
  if (
    /libonnxruntime_providers_(shared|cuda)\.so|AppendExecutionProvider_Cuda|CUDA.*(not found|unavailable)|cudaErrorNoDevice|no CUDA-capable/i.test(
      msg,
    )
  ) {
    return new RunnerError(
      'cuda-unavailable',
      `CUDA is not available to onnxruntime-node (${msg.split('\n')[0]}). Install its CUDA 12 provider libraries: ` +
        '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (needs network once, an NVIDIA driver and CUDA 12 + cuDNN 9), ' +
        'or set device to "webgpu" or "cpu" ("auto" falls back to them).',
    );
  }
  if (/WebGPU adapter|No supported adapters|webgpu.*(not available|unavailable)|libvulkan/i.test(msg))
    return new RunnerError(
      'webgpu-unavailable',
      `WebGPU has no GPU adapter here (${/Failed to get a WebGPU adapter[^\n]*/.exec(msg)?.[0] ?? msg.split('\n')[0]}). onnxruntime-node's WebGPU provider needs a GPU driver: ` +
        "on Linux the Vulkan loader (libvulkan1) and a Vulkan driver (NVIDIA: its driver's nvidia_icd.json; AMD/Intel: Mesa ≥ 23; software: Mesa's lavapipe), " +
        'on macOS Metal, on Windows D3D12. Or set device to "cpu" (or "auto", which falls back).',
    );
  if (/Unsupported model type/i.test(msg))
    return new RunnerError(
      'unsupported-model',
      `${model}: ${msg}. Cogtrace runs image-text-to-text models transformers.js supports (Qwen2-VL, Qwen2.5-VL, Qwen3-VL, …).`,
    );
  if (/ENOENT|Could not locate file|file was not found|not found locally/i.test(msg)) {
    const file =
      /["']([^"']+\.(?:onnx|json|onnx_data))["']/.exec(msg)?.[1] ??
      /\/([\w.-]+\.(?:onnx|json))/.exec(msg)?.[1];
    return new RunnerError(
      'missing-file',
      `${model}: missing ${file ? `file "${file}"` : 'a file'} (${msg.split('\n')[0]}). A Qwen2.5-VL folder needs onnx/embed_tokens.onnx, onnx/vision_encoder.onnx, onnx/decoder_model_merged.onnx, config.json, preprocessor_config.json, tokenizer.json and tokenizer_config.json.`,
    );
  }
  if (/bad_alloc|out of memory|OOM|Failed to allocate/i.test(msg)) {
    return new RunnerError(
      'out-of-memory',
      `${model}: out of memory while loading on ${device} (${msg.split('\n')[0]}). Try dtype fp16/q8/q4, a smaller model, or another device.`,
    );
  }
  return new RunnerError('load-failed', `${model}: could not load the model on ${device}: ${msg}`);
}
