// Export parity: a tiny random-weight Qwen2.5-VL was exported with tools/export on a GPU machine, and
// PyTorch's greedy tokens and first-step logits were recorded (tools/export/parity/make_fixture.py).
// Cogtrace's runner must reproduce them from the ONNX graphs: same tokens, logits within 1e-3.
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunnerClient } from '../../src/runner/client';
import { checkParity, expected, FIXTURE } from '../support/parity';

const CHILD = join(__dirname, '..', '..', 'dist', 'runner-child.js');

describe('ONNX export parity with PyTorch (fixture from tools/export)', () => {
  it('transformers.js builds the same prompt token ids as the PyTorch reference', async () => {
    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = dirname(FIXTURE) + '/';
    const processor = await tf.AutoProcessor.from_pretrained('qwen25vl-tiny', { local_files_only: true });
    for (const p of expected.pairs) {
      const messages = [
        { role: 'system', content: p.system },
        { role: 'user', content: [{ type: 'image' }, { type: 'text', text: p.question }] },
      ];
      const prompt = processor.apply_chat_template(messages as never, {
        add_generation_prompt: true,
      }) as string;
      const inputs = await processor(prompt, await tf.RawImage.read(join(FIXTURE, p.image)));
      expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)).toEqual(p.input_ids);
    }
  });

  it('the runner reproduces greedy tokens exactly and first-step logits within 1e-3', async () => {
    const c = new RunnerClient({ childPath: CHILD });
    try {
      await c.load({ backend: 'onnx', model: FIXTURE, device: 'cpu', dtype: 'fp32' });
      await checkParity(c, 'cpu');
    } finally {
      c.dispose();
    }
  });
});
