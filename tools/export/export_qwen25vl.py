#!/usr/bin/env python3
"""Export a Hugging Face Qwen2.5-VL checkpoint to the ONNX layout Cogtrace's runner loads.

    python3 tools/export/export_qwen25vl.py <hf-folder> <out-folder> [--dtype fp32|fp16] [--int8]
                                            [--device cuda|cpu] [--opset 17]

Writes <out>/onnx/{embed_tokens,vision_encoder,decoder_model_merged}{,_fp16,_quantized}.onnx (graphs over
2 GB as external data in <name>.onnx_data), config.json (with the text_config transformers.js reads),
generation_config.json, preprocessor_config.json and the tokenizer files (the chat template merged into
tokenizer_config.json).

The graphs call the checkpoint's own modules (embedding, vision blocks and merger, decoder layers, norm,
lm_head). Two pieces are written here so that the graphs stay valid for any input:
  * the vision encoder computes its rotary positions and window attention from image_grid_thw inside
    the graph (window attention as a block mask, which equals the per-window attention of the
    reference implementation), so every image size works with one graph;
  * the decoder builds its causal mask from the 2-D attention_mask transformers.js passes, and carries
    the KV cache as past_key_values.{i}.key/value -> present.{i}.key/value.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

TOKENIZER_FILES = [
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.json",
    "merges.txt",
    "special_tokens_map.json",
    "added_tokens.json",
    "chat_template.json",
    "chat_template.jinja",
]


def log(*a):
    print("[export]", *a, flush=True)


# ---------------------------------------------------------------- model parts


def parts(model):
    """The embedding, vision tower, text decoder and head, across transformers versions."""
    inner = model.model
    lm = getattr(inner, "language_model", inner)
    visual = getattr(inner, "visual", None) or getattr(model, "visual")
    return model.get_input_embeddings(), visual, lm, model.lm_head


def text_config(config):
    return getattr(config, "text_config", None) or config


class EmbedTokens(torch.nn.Module):
    def __init__(self, embed):
        super().__init__()
        self.embed = embed

    def forward(self, input_ids):
        return self.embed(input_ids)


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class VisionEncoder(torch.nn.Module):
    """Qwen2.5-VL's vision tower with grid-dependent positions and window masks computed in-graph."""

    def __init__(self, visual, vcfg):
        super().__init__()
        self.v = visual
        self.m = int(vcfg.spatial_merge_size)
        self.patch = int(vcfg.patch_size)
        self.window = int(vcfg.window_size)
        self.full = set(int(i) for i in (vcfg.fullatt_block_indexes or []))
        self.heads = int(vcfg.num_heads)

    def forward(self, pixel_values, image_grid_thw):
        v, m = self.v, self.m
        x = v.patch_embed(pixel_values)  # [S, D]
        S = x.shape[0]
        g = image_grid_thw.to(torch.int64)
        t, h, w = g[:, 0], g[:, 1], g[:, 2]
        # one image per request (the runner sends one); frames of it share h and w
        h0, w0 = h[0], w[0]
        idx = torch.arange(S, device=x.device)
        unit = m * m
        merged = idx // unit
        within = idx % unit
        lh, lw = h0 // m, w0 // m
        per_frame = lh * lw
        frame = merged // per_frame
        rc = merged % per_frame
        r, c = rc // lw, rc % lw
        hpos = r * m + within // m
        wpos = c * m + within % m
        inv_freq = getattr(v.rotary_pos_emb, "inv_freq", None)
        if inv_freq is None:  # recompute as the reference does: theta 10000 over half the head dim
            dim = (v.blocks[0].attn.qkv.in_features // self.heads) // 2
            inv_freq = 1.0 / (10000.0 ** (torch.arange(0, dim, 2, dtype=torch.float32, device=x.device) / dim))
        inv_freq = inv_freq.to(torch.float32)
        rot = torch.cat([hpos[:, None].float() * inv_freq[None, :], wpos[:, None].float() * inv_freq[None, :]], dim=-1)
        emb = torch.cat([rot, rot], dim=-1)
        cos, sin = emb.cos(), emb.sin()
        vws = self.window // m // self.patch
        win = frame * 1_000_000 + (r // vws) * 1000 + (c // vws)
        neg = torch.finfo(torch.float32).min
        full_bias = torch.where(frame[:, None] == frame[None, :], 0.0, neg).to(torch.float32)
        win_bias = torch.where(win[:, None] == win[None, :], 0.0, neg).to(torch.float32)
        for i, blk in enumerate(v.blocks):
            bias = full_bias if i in self.full else win_bias
            x = x + self.attention(blk.attn, blk.norm1(x), cos, sin, bias)
            x = x + blk.mlp(blk.norm2(x))
        out = v.merger(x)
        # keep image_grid_thw a live input for frames > 1 too (the count of rows depends on it)
        return out

    def attention(self, attn, x, cos, sin, bias):
        S = x.shape[0]
        qkv = attn.qkv(x).reshape(S, 3, self.heads, -1).permute(1, 0, 2, 3)
        q, k, val = qkv[0], qkv[1], qkv[2]  # [S, H, hd]
        dtype = q.dtype
        qf, kf = q.float(), k.float()
        c, s = cos[:, None, :], sin[:, None, :]
        q = (qf * c + rotate_half(qf) * s).to(dtype)
        k = (kf * c + rotate_half(kf) * s).to(dtype)
        q, k, val = q.transpose(0, 1), k.transpose(0, 1), val.transpose(0, 1)  # [H, S, hd]
        scores = torch.matmul(q, k.transpose(1, 2)) * (q.shape[-1] ** -0.5) + bias.to(q.dtype)
        probs = torch.softmax(scores.float(), dim=-1).to(val.dtype)
        o = torch.matmul(probs, val).transpose(0, 1).reshape(S, -1)
        return attn.proj(o)


class Decoder(torch.nn.Module):
    """The text decoder with an explicit KV cache and a causal mask built from the 2-D attention mask."""

    def __init__(self, lm, head, n_layers):
        super().__init__()
        self.lm, self.head, self.n = lm, head, n_layers

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        S = inputs_embeds.shape[1]
        T = attention_mask.shape[1]
        past_len = T - S
        cache = ExportCache(past)
        q_pos = torch.arange(S, device=inputs_embeds.device)[:, None] + past_len
        k_pos = torch.arange(T, device=inputs_embeds.device)[None, :]
        allowed = (k_pos <= q_pos)[None, None, :, :] & attention_mask[:, None, None, :].bool()
        mask = torch.where(allowed, 0.0, torch.finfo(inputs_embeds.dtype).min).to(inputs_embeds.dtype)
        cache_position = torch.arange(S, device=inputs_embeds.device) + past_len
        hidden = inputs_embeds
        pos_emb = self.lm.rotary_emb(hidden, position_ids)
        for layer in self.lm.layers[: self.n]:
            out = layer(
                hidden,
                attention_mask=mask,
                position_ids=position_ids[0],
                use_cache=True,
                cache_position=cache_position,
                position_embeddings=pos_emb,
                **{cache_kwarg(layer): cache},
            )
            hidden = out[0] if isinstance(out, (tuple, list)) else out
        hidden = self.lm.norm(hidden)
        logits = self.head(hidden).float()
        presents = []
        for k, v in zip(cache.keys, cache.values):
            presents += [k, v]
        return (logits, *presents)


class ExportCache:
    """The one cache method the attention layers call, over plain tensors: the graph then carries the
    cache as past_key_values.{i} -> present.{i} (a concat per layer), with no empty placeholder tensors."""

    def __init__(self, past):
        self.keys = list(past[0::2])
        self.values = list(past[1::2])

    def update(self, key_states, value_states, layer_idx, cache_kwargs=None):
        self.keys[layer_idx] = torch.cat([self.keys[layer_idx], key_states], dim=-2)
        self.values[layer_idx] = torch.cat([self.values[layer_idx], value_states], dim=-2)
        return self.keys[layer_idx], self.values[layer_idx]

    def get_seq_length(self, layer_idx=0):
        return self.keys[layer_idx].shape[-2]


def cache_kwarg(layer) -> str:
    """transformers 4.5x names it past_key_value, 5.x past_key_values."""
    import inspect

    params = inspect.signature(layer.forward).parameters
    return "past_key_values" if "past_key_values" in params else "past_key_value"


# ---------------------------------------------------------------- export helpers


def onnx_export(module, args, path, input_names, output_names, dynamic_axes, opset):
    """Exports through a scratch folder (big graphs arrive as many external files) and finalizes."""
    import tempfile

    kw = dict(input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        raw = Path(tmp) / path.name
        try:
            torch.onnx.export(module, args, str(raw), dynamo=False, **kw)
        except TypeError:
            torch.onnx.export(module, args, str(raw), **kw)
        except Exception as e:  # the TorchScript exporter may be gone in a future torch
            log(f"TorchScript export failed ({type(e).__name__}: {e}); trying the dynamo exporter")
            torch.onnx.export(module, args, str(raw), dynamo=True, **kw)
        finalize(raw, path)


def finalize(raw: Path, path: Path):
    """Checks the graph and writes it; graphs over 2 GB keep their weights in <name>.onnx_data."""
    import onnx

    size = sum(p.stat().st_size for p in raw.parent.iterdir() if p.is_file())
    model = onnx.load(str(raw), load_external_data=True)
    if path.exists():
        path.unlink()
    data = path.with_name(path.name + "_data")
    if data.exists():
        data.unlink()
    if size > 2_000_000_000:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=data.name, size_threshold=1024)
        onnx.checker.check_model(str(path))
    else:
        onnx.checker.check_model(model)
        onnx.save_model(model, str(path))
    log(f"wrote {path.name} ({size / 1e6:.1f} MB)")


def export_all(model, out: Path, dtype: torch.dtype, suffix: str, device: str, opset: int, sample_grid=(1, 8, 12)):
    cfg = model.config
    tcfg = text_config(cfg)
    vcfg = cfg.vision_config
    embed, visual, lm, head = parts(model)
    n_layers = int(tcfg.num_hidden_layers)
    kv_heads = int(tcfg.num_key_value_heads)
    head_dim = int(getattr(tcfg, "head_dim", None) or tcfg.hidden_size // tcfg.num_attention_heads)
    hidden = int(tcfg.hidden_size)
    onnx_dir = out / "onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)

    ids = torch.tensor([[1, 2, 3, 4]], dtype=torch.int64, device=device)
    onnx_export(EmbedTokens(embed), (ids,), onnx_dir / f"embed_tokens{suffix}.onnx", ["input_ids"], ["inputs_embeds"], {"input_ids": {0: "batch", 1: "seq"}, "inputs_embeds": {0: "batch", 1: "seq"}}, opset)

    t, gh, gw = sample_grid
    patch_dim = int(vcfg.in_channels if hasattr(vcfg, "in_channels") else 3) * int(vcfg.temporal_patch_size) * int(vcfg.patch_size) ** 2
    px = torch.randn(t * gh * gw, patch_dim, dtype=dtype, device=device)
    grid = torch.tensor([[t, gh, gw]], dtype=torch.int64, device=device)
    onnx_export(VisionEncoder(visual, vcfg), (px, grid), onnx_dir / f"vision_encoder{suffix}.onnx", ["pixel_values", "image_grid_thw"], ["image_features"], {"pixel_values": {0: "patches"}, "image_features": {0: "merged"}}, opset)

    B, S, P = 1, 3, 2
    embeds = torch.randn(B, S, hidden, dtype=dtype, device=device)
    mask = torch.ones(B, P + S, dtype=torch.int64, device=device)
    pos = torch.arange(P, P + S, device=device).view(1, 1, S).expand(3, B, S).contiguous()
    past = []
    names_in = ["inputs_embeds", "attention_mask", "position_ids"]
    names_out = ["logits"]
    axes = {"inputs_embeds": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"}, "position_ids": {1: "batch", 2: "seq"}, "logits": {0: "batch", 1: "seq"}}
    for i in range(n_layers):
        for kind in ("key", "value"):
            past.append(torch.randn(B, kv_heads, P, head_dim, dtype=dtype, device=device))
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            axes[f"past_key_values.{i}.{kind}"] = {0: "batch", 2: "past"}
            axes[f"present.{i}.{kind}"] = {0: "batch", 2: "total"}
    onnx_export(Decoder(lm, head, n_layers), (embeds, mask, pos, *past), onnx_dir / f"decoder_model_merged{suffix}.onnx", names_in, names_out, axes, opset)
    return {"layers": n_layers, "kv_heads": kv_heads, "head_dim": head_dim, "hidden": hidden}


def quantize_int8(out: Path):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    for name in ("embed_tokens", "vision_encoder", "decoder_model_merged"):
        src = out / "onnx" / f"{name}.onnx"
        dst = out / "onnx" / f"{name}_quantized.onnx"
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, use_external_data_format=src.with_name(src.name + "_data").exists())
        log(f"wrote {dst.name} ({dst.stat().st_size / 1e6:.1f} MB)")


def write_configs(src: Path, out: Path, hf_config, dims):
    cfg = json.loads((src / "config.json").read_text())
    tc = dict(cfg.get("text_config") or {})
    for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "vocab_size", "rms_norm_eps", "rope_theta", "max_position_embeddings"):
        if k not in tc and k in cfg:
            tc[k] = cfg[k]
    tc.setdefault("head_dim", dims["head_dim"])
    tc.setdefault("num_key_value_heads", dims["kv_heads"])
    tc.setdefault("num_hidden_layers", dims["layers"])
    tc["model_type"] = "qwen2_5_vl_text"
    cfg["text_config"] = tc
    for k in ("image_token_id", "video_token_id", "vision_start_token_id"):
        if k not in cfg and getattr(hf_config, k, None) is not None:
            cfg[k] = getattr(hf_config, k)
    big = {p.name.replace("_data", ""): True for p in (out / "onnx").glob("*.onnx_data")}
    cfg["transformers.js_config"] = {"use_external_data_format": big} if big else {}
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    for name in ("generation_config.json", "preprocessor_config.json"):
        if (src / name).exists():
            shutil.copy(src / name, out / name)
    pre = json.loads((out / "preprocessor_config.json").read_text()) if (out / "preprocessor_config.json").exists() else {}
    pre.setdefault("image_processor_type", "Qwen2VLImageProcessor")
    (out / "preprocessor_config.json").write_text(json.dumps(pre, indent=2) + "\n")
    for name in TOKENIZER_FILES:
        if (src / name).exists():
            shutil.copy(src / name, out / name)
    tk = out / "tokenizer_config.json"
    tkc = json.loads(tk.read_text()) if tk.exists() else {}
    if "chat_template" not in tkc:
        if (src / "chat_template.json").exists():
            tkc["chat_template"] = json.loads((src / "chat_template.json").read_text())["chat_template"]
        elif (src / "chat_template.jinja").exists():
            tkc["chat_template"] = (src / "chat_template.jinja").read_text()
    tk.write_text(json.dumps(tkc, indent=2) + "\n")


def load(src: Path, dtype, device):
    from transformers import Qwen2_5_VLForConditionalGeneration

    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(str(src), torch_dtype=dtype, attn_implementation="eager")
    return model.to(device).eval()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dtype", choices=["fp32", "fp16"], action="append", help="repeatable; default fp32")
    ap.add_argument("--int8", action="store_true", help="also write int8 weight-quantized graphs (_quantized)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--opset", type=int, default=17)
    a = ap.parse_args(argv)
    dtypes = a.dtype or ["fp32"]
    a.out.mkdir(parents=True, exist_ok=True)
    dims = None
    for d in dtypes:
        tdtype = torch.float32 if d == "fp32" else torch.float16
        device = a.device if d == "fp32" or a.device == "cuda" else "cuda"
        log(f"loading {a.src} as {d} on {device}")
        model = load(a.src, tdtype, device)
        with torch.no_grad():
            dims = export_all(model, a.out, tdtype, "" if d == "fp32" else "_fp16", device, a.opset)
        del model
        if device == "cuda":
            torch.cuda.empty_cache()
    if a.int8:
        if "fp32" not in dtypes:
            sys.exit("--int8 quantizes the fp32 graphs: add --dtype fp32")
        quantize_int8(a.out)
    from transformers import AutoConfig

    write_configs(a.src, a.out, AutoConfig.from_pretrained(str(a.src)), dims)
    log(f"done: {a.out}")


if __name__ == "__main__":
    main()
