#!/usr/bin/env python3
"""Makes the PEFT LoRA adapter fixture under src/test/resources/model/qwen2-lora/.

The adapter is laid out as PEFT's `save_pretrained` writes one for a causal LM (peft is not packaged
for Debian, so the files are built here from PEFT's documented format): adapter_config.json with
PEFT's keys, and adapter_model.safetensors holding
`base_model.model.model.layers.<i>.<self_attn|mlp>.<module>.lora_A.weight` [r, in] and `...lora_B.weight`
[out, r] in BF16 (as PEFT saves a bf16 model's adapter), metadata {"format": "pt"}.

It adapts the Qwen2 parity fixture (../qwen2, written by make_model_fixtures.py) and writes, besides the
adapter, expected.safetensors with
  logits           [2, 7, vocab] of the adapted model on ../qwen2/inputs.json (float64 forward of
                   make_model_fixtures.py on merged weights W + lora_alpha / r * B @ A), padded positions 0
  merged.<name>    the merged weight of each adapted module, float32
Run with Debian's python3-torch: /usr/bin/python3 tools/make_lora_fixture.py
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_model_fixtures import OUT, forward, write_safetensors  # noqa: E402

TYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        a, b = h["data_offsets"]
        raw = bytearray(data[a:b])
        dt = TYPES[h["dtype"]]
        if dt == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(raw, dtype=dt)
        out[name] = t.reshape(h["shape"]).clone()
    return out


def main():
    torch.set_default_dtype(torch.float64)
    base_dir = os.path.join(OUT, "qwen2")
    with open(os.path.join(base_dir, "config.json")) as f:
        cfg = json.load(f)
    W = {n: t.to(torch.float64) for n, t in read_safetensors(os.path.join(base_dir, "model.safetensors")).items()}
    with open(os.path.join(base_dir, "inputs.json")) as f:
        inputs = json.load(f)
    ids = torch.tensor(inputs["input_ids"])
    pos = torch.tensor(inputs["position_ids"])
    mask = torch.tensor(inputs["attention_mask"])

    r, alpha = 4, 16
    targets = ["v_proj", "q_proj", "down_proj"]  # PEFT stores a set: any order
    g = torch.Generator().manual_seed(11)
    adapter = {}
    merged = dict(W)
    for i in range(cfg["num_hidden_layers"]):
        for t in ["q_proj", "v_proj", "down_proj"]:
            module = f"model.layers.{i}.{'mlp' if t == 'down_proj' else 'self_attn'}.{t}"
            out_f, in_f = W[module + ".weight"].shape
            # trained-looking values: B is not 0 (after PEFT's init it would be)
            a = (0.3 * torch.randn(r, in_f, generator=g)).to(torch.bfloat16)
            b = (0.3 * torch.randn(out_f, r, generator=g)).to(torch.bfloat16)
            adapter[f"base_model.model.{module}.lora_A.weight"] = a
            adapter[f"base_model.model.{module}.lora_B.weight"] = b
            merged[module + ".weight"] = W[module + ".weight"] + (alpha / r) * (b.to(torch.float64) @ a.to(torch.float64))
    logits = forward(cfg, merged, ids, pos, mask) * mask[:, :, None]

    d = os.path.join(OUT, "qwen2-lora")
    os.makedirs(d, exist_ok=True)
    config = {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "../qwen2", "bias": "none",
        "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layer_replication": None,
        "layers_pattern": None, "layers_to_transform": None, "loftq_config": {}, "lora_alpha": alpha,
        "lora_dropout": 0.05, "megatron_config": None, "megatron_core": "megatron.core", "modules_to_save": None,
        "peft_type": "LORA", "r": r, "rank_pattern": {}, "revision": None, "target_modules": targets,
        "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": False,
    }
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    write_safetensors(os.path.join(d, "adapter_model.safetensors"), adapter, {"format": "pt"})
    expected = {"logits": logits.to(torch.float32)}
    for i in range(cfg["num_hidden_layers"]):
        for t in ["q_proj", "v_proj", "down_proj"]:
            module = f"model.layers.{i}.{'mlp' if t == 'down_proj' else 'self_attn'}.{t}"
            expected["merged." + module + ".weight"] = merged[module + ".weight"].to(torch.float32)
    write_safetensors(os.path.join(d, "expected.safetensors"), expected)
    # the merge changes the model: the adapted logits are not the base's
    base_logits = forward(cfg, W, ids, pos, mask) * mask[:, :, None]
    print("qwen2-lora: |adapted - base| max", float((logits - base_logits).abs().max()))


if __name__ == "__main__":
    main()
