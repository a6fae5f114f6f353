#!/usr/bin/env python3
"""An eager PyTorch GRPO step on the same synthetic workload as `grpo4j bench`, for comparing time and memory.

Written the way a straightforward PyTorch / TRL-style implementation does it, float32 on the CPU: a
Qwen2-shaped decoder (q/k/v biases, grouped-query attention with the key/value heads repeated as
transformers' eager attention does, SwiGLU MLP, RMSNorm, RoPE, untied head), random weights normal(0, 0.02);
the reference model a frozen deep copy of the policy; per step: sample G completions of each random
prompt with a KV cache (temperature 1, every completion runs to max-new), a random reward, group-normalised
advantages, the reference's log-probs without a graph, then one update over micro-batches: log-softmax of
the completion logits, the clipped surrogate with the k3 KL term (beta), token-level "grpo" normalisation
(per-sequence mean, then mean over sequences), backward, gradient-norm clip, AdamW.

Prints one JSON line per timed step: seconds per phase and the process's peak resident memory after each
phase (ru_maxrss, which never goes down). Run with Debian's python3-torch:

  /usr/bin/python3 tools/eager_step_bench.py --vocab 151936 --hidden 896 --layers 24 --heads 14 \
      --kv-heads 2 --intermediate 4864 --prompts 2 -G 4 --prompt-length 32 --max-new 32 --micro-batch 8
"""
import argparse
import copy
import json
import resource
import time

import torch
import torch.nn.functional as F


class Layer(torch.nn.Module):
    def __init__(self, a):
        super().__init__()
        d, h, kv, hd = a.hidden, a.heads, a.kv_heads, a.hidden // a.heads
        self.h, self.kv, self.hd = h, kv, hd
        self.q = torch.nn.Linear(d, h * hd)
        self.k = torch.nn.Linear(d, kv * hd)
        self.v = torch.nn.Linear(d, kv * hd)
        self.o = torch.nn.Linear(h * hd, d, bias=False)
        self.gate = torch.nn.Linear(d, a.intermediate, bias=False)
        self.up = torch.nn.Linear(d, a.intermediate, bias=False)
        self.down = torch.nn.Linear(a.intermediate, d, bias=False)
        self.n1 = torch.nn.Parameter(torch.ones(d))
        self.n2 = torch.nn.Parameter(torch.ones(d))

    def forward(self, x, cos, sin, mask, cache):
        b, s, _ = x.shape
        h = rms(x, self.n1)
        q = self.q(h).view(b, s, self.h, self.hd).transpose(1, 2)
        k = self.k(h).view(b, s, self.kv, self.hd).transpose(1, 2)
        v = self.v(h).view(b, s, self.kv, self.hd).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        if cache is not None:
            if cache:
                k = torch.cat([cache[0], k], 2)
                v = torch.cat([cache[1], v], 2)
            cache[:] = [k, v]
        rep = self.h // self.kv
        k = k.repeat_interleave(rep, 1)
        v = v.repeat_interleave(rep, 1)
        att = (q @ k.transpose(2, 3)) / self.hd ** 0.5 + mask
        ctx = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, s, -1)
        x = x + self.o(ctx)
        h = rms(x, self.n2)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


def rms(x, w, eps=1e-6):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, cos, sin):
    half = x.shape[-1] // 2
    rot = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rot * sin


class Model(torch.nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embed = torch.nn.Embedding(a.vocab, a.hidden)
        self.layers = torch.nn.ModuleList(Layer(a) for _ in range(a.layers))
        self.norm = torch.nn.Parameter(torch.ones(a.hidden))
        self.head = torch.nn.Linear(a.hidden, a.vocab, bias=False)
        hd = a.hidden // a.heads
        self.inv = 1.0 / (10000.0 ** (torch.arange(0, hd, 2).float() / hd))
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, 0, 0.02)

    def forward(self, ids, start=0, caches=None):
        b, s = ids.shape
        pos = torch.arange(start, start + s).float()
        ang = torch.outer(pos, self.inv)
        cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
        total = start + s
        mask = torch.full((s, total), float("-inf")).triu(start + 1)
        x = self.embed(ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, mask, None if caches is None else caches[i])
        return self.head(rms(x, self.norm))


def token_logps(model, seq, p):
    logits = model(seq)[:, p - 1:-1]
    return logits.log_softmax(-1).gather(-1, seq[:, p:].unsqueeze(-1)).squeeze(-1)


def peak_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("vocab", 64), ("hidden", 256), ("layers", 4), ("heads", 8), ("kv-heads", 2),
                          ("intermediate", 768), ("prompts", 8), ("prompt-length", 16), ("max-new", 32),
                          ("micro-batch", 64), ("steps", 1), ("warmup", 1), ("threads", 2)]:
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("-G", type=int, default=8)
    ap.add_argument("--beta", type=float, default=0.04)
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    policy = Model(a)
    reference = copy.deepcopy(policy).requires_grad_(False)
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0)
    rows, p = a.prompts * a.G, a.prompt_length
    for step in range(a.warmup + a.steps):
        t0 = time.time()
        with torch.no_grad():  # generation with a KV cache
            seq = torch.randint(0, a.vocab, (a.prompts, p)).repeat_interleave(a.G, 0)
            caches = [[] for _ in range(a.layers)]
            logits = policy(seq, 0, caches)[:, -1]
            for j in range(a.max_new):
                nxt = torch.multinomial(logits.softmax(-1), 1)
                seq = torch.cat([seq, nxt], 1)
                if j + 1 < a.max_new:
                    logits = policy(nxt, p + j, caches)[:, -1]
            del caches, logits
        rewards = torch.rand(rows)
        g = rewards.view(a.prompts, a.G)
        adv = ((g - g.mean(1, keepdim=True)) / (g.std(1, keepdim=True) + 1e-4)).view(-1)
        t1 = time.time()
        gen_peak = peak_gb()
        with torch.no_grad():
            ref = torch.cat([token_logps(reference, seq[i:i + a.micro_batch], p)
                             for i in range(0, rows, a.micro_batch)])
        t2 = time.time()
        ref_peak = peak_gb()
        opt.zero_grad(set_to_none=True)
        for i in range(0, rows, a.micro_batch):
            lp = token_logps(policy, seq[i:i + a.micro_batch], p)
            old = lp.detach()
            ratio = torch.exp(lp - old)
            A = adv[i:i + a.micro_batch].unsqueeze(1)
            surrogate = torch.min(ratio * A, ratio.clamp(0.8, 1.2) * A)
            r = ref[i:i + a.micro_batch]
            kl = torch.exp(r - lp) - (r - lp) - 1
            loss = (-(surrogate - a.beta * kl).mean(1)).sum() / rows
            loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
        t3 = time.time()
        if step >= a.warmup:
            print(json.dumps({"step_s": round(t3 - t0, 2), "generation_s": round(t1 - t0, 2),
                              "reference_s": round(t2 - t1, 2), "update_s": round(t3 - t2, 2),
                              "peak_gb_after_generation": round(gen_peak, 2),
                              "peak_gb_after_reference": round(ref_peak, 2),
                              "peak_gb": round(peak_gb(), 2),
                              "parameters": sum(x.numel() for x in policy.parameters())}), flush=True)


if __name__ == "__main__":
    main()
