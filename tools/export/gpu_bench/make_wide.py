#!/usr/bin/env python3
"""A random-weight Qwen2.5-VL with Qwen2.5-VL-7B's text layer sizes, for decode benchmarks on a GPU.

Text: hidden 3584, MLP 18944, 28 query heads, 4 KV heads, vocabulary 151936 (the real tokenizer's),
LAYERS decoder layers (default 4 of the 7B's 28: each layer is the 7B's, so bytes read per token and
the arithmetic per byte are the 7B's, at a fraction of the disk). Vision: the tiny tower of the parity
fixture (decode speed does not depend on it). Exported fp16 with export_qwen25vl.py; the tokenizer and
preprocessor files are taken from TOKENIZER_DIR (the fake model's, i.e. Qwen's real tokenizer).
Also measures PyTorch's own decode tokens/s on the same weights (eager, batch 1) as a reference.

    LAYERS=4 TOKENIZER_DIR=tok OUT=/tmp/out python3 tools/export/gpu_bench/make_wide.py /tmp/wide
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "parity"))
import export_qwen25vl as exp  # noqa: E402
import make_fixture as fx  # noqa: E402

LAYERS = int(os.environ.get("LAYERS", "4"))
TOK = Path(os.environ.get("TOKENIZER_DIR", "tok"))
OUT = Path(os.environ.get("OUT", "/tmp/out"))


def config() -> dict:
    c = fx.tiny_config()
    ids = {"bos_token_id": 151643, "eos_token_id": 151645, "pad_token_id": 151643, "vision_start_token_id": 151652,
           "vision_end_token_id": 151653, "vision_token_id": 151654, "image_token_id": 151655, "video_token_id": 151656}
    c.update(ids)
    c.update({"hidden_size": 3584, "intermediate_size": 18944, "num_attention_heads": 28, "num_key_value_heads": 4,
              "num_hidden_layers": LAYERS, "max_window_layers": LAYERS, "vocab_size": 151936,
              "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}, "torch_dtype": "float16"})
    c["vision_config"] = {**c["vision_config"], "out_hidden_size": 3584}
    return c


def main():
    from transformers import AutoConfig, Qwen2_5_VLForConditionalGeneration

    root = Path(sys.argv[1])
    hf, onnx = root / "hf", root / "onnx-model"
    shutil.rmtree(root, ignore_errors=True)
    hf.mkdir(parents=True)
    (hf / "config.json").write_text(json.dumps(config(), indent=2))
    t0 = time.time()
    torch.manual_seed(0)
    model = Qwen2_5_VLForConditionalGeneration(AutoConfig.from_pretrained(str(hf))).to(torch.float16).cuda().eval()
    params = sum(p.numel() for p in model.parameters())
    report = {"layers": LAYERS, "params": params, "build_s": round(time.time() - t0, 1)}
    # PyTorch's decode speed on the same weights: the reference for what this GPU does in eager mode
    ids = torch.randint(0, 150000, (1, 32), device="cuda")
    with torch.no_grad():
        for n in (8, 136):
            torch.cuda.synchronize()
            t = time.time()
            model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=n, min_new_tokens=n, do_sample=False)
            torch.cuda.synchronize()
            report[f"torch_generate_{n}_s"] = time.time() - t
    report["torch_decode_tok_s"] = 128 / (report["torch_generate_136_s"] - report["torch_generate_8_s"])
    model.save_pretrained(str(hf), safe_serialization=True)
    del model
    torch.cuda.empty_cache()
    for f in ("tokenizer.json", "tokenizer_config.json", "preprocessor_config.json"):
        shutil.copy(TOK / f, hf / f)
    t0 = time.time()
    exp.main([str(hf), str(onnx), "--dtype", "fp16", "--device", "cuda"])
    report["export_s"] = round(time.time() - t0, 1)
    report["onnx_bytes"] = {p.name: p.stat().st_size for p in sorted((onnx / "onnx").iterdir())}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "make_wide.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
