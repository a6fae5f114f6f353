#!/usr/bin/env python3
"""Makes the tiny-model parity fixtures under src/test/resources/model/.

An independent re-implementation of Hugging Face transformers' modelling code for Llama, Qwen2 and
Qwen3 (modeling_llama.py / modeling_qwen2.py / modeling_qwen3.py: RMSNorm, rotate_half RoPE with
llama3 rope_scaling, repeat_kv grouped-query attention, q/k/v biases, Qwen3's per-head q/k norm,
SwiGLU MLP, tied embeddings), computed in float64 with PyTorch. It writes, per model type:

  config.json            Hugging Face config
  model.safetensors      weights (llama: BF16, qwen2: F16) or two shards + model.safetensors.index.json (qwen3: F32)
  inputs.json            input_ids, position_ids, attention_mask ([2, 7], row 1 left-padded by 2)
  expected.safetensors   logits [2, 7, vocab] (F32, padded positions set to 0) and embed_f32 (the
                         embedding as float32, i.e. what the stored BF16/F16 values are exactly)

The safetensors writer here is written from the format description, independently of the Java one.
Run once with Debian's python3-torch (see tools/README.md); the Java tests only read the files.
"""
import json
import math
import os
import struct
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "model")

DTYPES = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}


def write_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.contiguous()
        if t.dtype == torch.bfloat16:
            raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def inv_freq(cfg):
    d = cfg["head_dim"]
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    rs = cfg.get("rope_scaling")
    if rs and rs.get("rope_type") == "llama3":
        factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        low_wl, high_wl = old / low, old / high
        wl = 2 * math.pi / inv
        scaled = torch.where(wl > low_wl, inv / factor, inv)
        smooth = (old / wl - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wl >= high_wl) & (wl <= low_wl)
        inv = torch.where(medium, smoothed, scaled)
    return inv


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, W, ids, pos, mask):
    """logits [B, S, V] in float64; W maps HF names to float64 tensors."""
    B, S = ids.shape
    H, KV, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    eps = cfg["rms_norm_eps"]
    qwen3 = cfg["model_type"] == "qwen3"
    x = W["model.embed_tokens.weight"][ids]
    freqs = pos.to(torch.float64)[:, :, None] * inv_freq(cfg)[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, S, d]
    allowed = torch.tril(torch.ones(S, S, dtype=torch.bool))[None, None] & mask.bool()[:, None, None, :]

    def lin(t, name):
        y = t @ W[name + ".weight"].T
        if name + ".bias" in W:
            y = y + W[name + ".bias"]
        return y

    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = lin(h, p + "self_attn.q_proj").view(B, S, H, d)
        k = lin(h, p + "self_attn.k_proj").view(B, S, KV, d)
        v = lin(h, p + "self_attn.v_proj").view(B, S, KV, d).transpose(1, 2)
        if qwen3:
            q = rms_norm(q, W[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, W[p + "self_attn.k_norm.weight"], eps)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # repeat_kv: KV head j serves query heads j*G .. j*G+G-1
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        scores = (q @ k.transpose(2, 3)) / math.sqrt(d)
        scores = scores.masked_fill(~allowed, float("-inf"))
        probs = torch.softmax(scores, dim=-1).nan_to_num(0.0)  # fully masked padding rows -> 0
        ctx = (probs @ v).transpose(1, 2).reshape(B, S, H * d)
        x = x + lin(ctx, p + "self_attn.o_proj")
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        gate = lin(h, p + "mlp.gate_proj")
        up = lin(h, p + "mlp.up_proj")
        x = x + lin(torch.nn.functional.silu(gate) * up, p + "mlp.down_proj")
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else W["lm_head.weight"]
    return x @ head.T


def shapes(cfg):
    D, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    q = cfg["num_attention_heads"] * cfg["head_dim"]
    kv = cfg["num_key_value_heads"] * cfg["head_dim"]
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o_bias = cfg["model_type"] != "qwen2" and cfg.get("attention_bias", False)
    s = {"model.embed_tokens.weight": (V, D)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        s[p + "self_attn.q_proj.weight"] = (q, D)
        s[p + "self_attn.k_proj.weight"] = (kv, D)
        s[p + "self_attn.v_proj.weight"] = (kv, D)
        s[p + "self_attn.o_proj.weight"] = (D, q)
        if qkv_bias:
            s[p + "self_attn.q_proj.bias"] = (q,)
            s[p + "self_attn.k_proj.bias"] = (kv,)
            s[p + "self_attn.v_proj.bias"] = (kv,)
        if o_bias:
            s[p + "self_attn.o_proj.bias"] = (D,)
        if cfg["model_type"] == "qwen3":
            s[p + "self_attn.q_norm.weight"] = (cfg["head_dim"],)
            s[p + "self_attn.k_norm.weight"] = (cfg["head_dim"],)
        s[p + "mlp.gate_proj.weight"] = (I, D)
        s[p + "mlp.up_proj.weight"] = (I, D)
        s[p + "mlp.down_proj.weight"] = (D, I)
        s[p + "input_layernorm.weight"] = (D,)
        s[p + "post_attention_layernorm.weight"] = (D,)
    s["model.norm.weight"] = (D,)
    if not cfg["tie_word_embeddings"]:
        s["lm_head.weight"] = (V, D)
    return s


def make(name, cfg, dtype, shards, seed):
    g = torch.Generator().manual_seed(seed)
    stored = {}
    for n, shp in shapes(cfg).items():
        if n.endswith("norm.weight"):
            t = 1.0 + 0.2 * torch.randn(shp, generator=g, dtype=torch.float64)
        else:
            # std 0.3, far above initializer_range, so logits are O(1) and attention is not uniform
            t = 0.3 * torch.randn(shp, generator=g, dtype=torch.float64)
        stored[n] = t.to(dtype)
    W = {n: t.to(torch.float64) for n, t in stored.items()}  # exactly the stored values

    ids = torch.randint(0, cfg["vocab_size"], (2, 7), generator=g)
    mask = torch.ones(2, 7, dtype=torch.int64)
    mask[1, :2] = 0
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    ids[1, :2] = 0  # padding token
    logits = forward(cfg, W, ids, pos, mask)
    logits = logits * mask[:, :, None]

    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    names = list(stored)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), stored, {"format": "pt"})
    else:
        per = math.ceil(len(names) / shards)
        weight_map = {}
        for s in range(shards):
            fn = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: stored[n] for n in names[s * per:(s + 1) * per]}
            write_safetensors(os.path.join(d, fn), part, {"format": "pt"})
            weight_map.update({n: fn for n in part})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=2)
    with open(os.path.join(d, "inputs.json"), "w") as f:
        json.dump({"input_ids": ids.tolist(), "position_ids": pos.tolist(), "attention_mask": mask.tolist()}, f)
        f.write("\n")
    write_safetensors(os.path.join(d, "expected.safetensors"), {
        "logits": logits.to(torch.float32),
        "embed_f32": stored["model.embed_tokens.weight"].to(torch.float32),
    })
    print(name, {k: tuple(v.shape) for k, v in list(stored.items())[:3]}, "logits absmax", float(logits.abs().max()))


def base(model_type, **kw):
    cfg = {"model_type": model_type, "vocab_size": 32, "hidden_size": 16, "intermediate_size": 32,
           "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
           "hidden_act": "silu", "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
           "rope_scaling": None, "tie_word_embeddings": False, "initializer_range": 0.02,
           "bos_token_id": 1, "eos_token_id": 2}
    cfg.update(kw)
    return cfg


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    make("llama", base("llama", architectures=["LlamaForCausalLM"], attention_bias=True, torch_dtype="bfloat16",
                       rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                     "high_freq_factor": 4.0, "original_max_position_embeddings": 64}),
         torch.bfloat16, 1, 1)
    make("qwen2", base("qwen2", architectures=["Qwen2ForCausalLM"], num_key_value_heads=1, tie_word_embeddings=True,
                       torch_dtype="float16", eos_token_id=[2, 3], use_sliding_window=False),
         torch.float16, 1, 2)
    make("qwen3", base("qwen3", architectures=["Qwen3ForCausalLM"], attention_bias=False, torch_dtype="float32",
                       rope_theta=1000000.0),
         torch.float32, 2, 3)
    sys.exit(0)
