// Writes the small byte-level BPE tokenizer of the parity fixture: the 256 byte symbols of GPT-2's
// byte-level alphabet plus Qwen's special tokens, no merges. Both Hugging Face `tokenizers` and
// transformers.js read this format, so both sides tokenize the same prompt to the same ids.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = join(import.meta.dirname, 'tokenizer');
mkdirSync(out, { recursive: true });

// GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards
const bs = [];
for (let b = 33; b <= 126; b++) bs.push(b);
for (let b = 161; b <= 172; b++) bs.push(b);
for (let b = 174; b <= 255; b++) bs.push(b);
const cs = [...bs];
let n = 0;
for (let b = 0; b < 256; b++) {
  if (!bs.includes(b)) {
    bs.push(b);
    cs.push(256 + n++);
  }
}
const vocab = {};
bs.map((b, i) => [b, String.fromCodePoint(cs[i])])
  .sort((x, y) => x[0] - y[0])
  .forEach(([b, ch]) => (vocab[ch] = b));

export const SPECIAL = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|image_pad|>',
  '<|video_pad|>',
  '<think>',
  '</think>',
];
const added = SPECIAL.map((content, i) => ({
  id: 256 + i,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: !content.includes('think'),
}));
for (const a of added) vocab[a.content] = a.id;

const tokenizer = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: added,
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null,
  decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab,
    merges: [],
  },
};
const template =
  "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
const config = {
  tokenizer_class: 'Qwen2Tokenizer',
  model_max_length: 32768,
  eos_token: '<|im_end|>',
  pad_token: '<|endoftext|>',
  bos_token: null,
  unk_token: null,
  clean_up_tokenization_spaces: false,
  added_tokens_decoder: Object.fromEntries(
    added.map((a) => [
      String(a.id),
      {
        content: a.content,
        lstrip: false,
        normalized: false,
        rstrip: false,
        single_word: false,
        special: a.special,
      },
    ]),
  ),
  chat_template: template,
};
writeFileSync(join(out, 'tokenizer.json'), JSON.stringify(tokenizer, null, 1) + '\n');
writeFileSync(join(out, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
console.log(`wrote ${out} (${Object.keys(vocab).length} tokens)`);
