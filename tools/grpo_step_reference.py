#!/usr/bin/env python3
"""Writes the cross-implementation step fixtures under src/test/resources/step/.

An independent float64 PyTorch implementation of one GRPO training step and one SFT step, written from
the algorithm (DeepSeekMath's GRPO; DAPO's clip-higher and token-level loss; Dr. GRPO's constant
normaliser; GSPO's sequence-level ratio; verl's dual clip) with TRL's GRPOTrainer semantics, and of the
optimisation around it with PyTorch's own pieces: torch.optim.AdamW, torch.nn.utils.clip_grad_norm_,
and the learning rate of transformers' cosine schedule with linear warm-up (a LambdaLR stepped once
per optimizer update, so the first update uses lr_lambda(0) = 0). The transformer is the independent
re-implementation in make_model_fixtures.py; each row is run on its own, unpadded, so no padding or
batching logic is shared with grpo4j.

The batch is fixed: 3 prompts of different lengths, G = 4 completions each (different lengths, some
ending in EOS, some truncated at max_completion_length), fixed rewards; prompt 1's rewards are all
equal (a zero-std group). A second reward function (REWARDS2) scores the GDPO case
(multi_objective_aggregation normalize_then_sum); in it prompt 1's group varies.

Cases with steps_per_generation (spg) = 2 split each generated batch into two optimizer steps, prompts 0
and 1 for the first, prompt 2 for the second (TRL's steps_per_generation, verl's mini-batches): the
advantages are computed over the whole batch, π_old's log-probs are taken once when the batch is
generated, and the μ passes go over the two steps in turn, each step its own AdamW update and metrics. For every case (mu, loss_type, beta, and a few other options) two GRPO steps
are run on that batch (step 2 starts from step 1's weights and optimizer state; the reference model
stays fixed), and the script writes, per step: the metrics, AdamW's moments and the weights after the
step; for mu = 1, also step 1's (clipped) gradient.

  policy/, reference/   config.json + model.safetensors (F32) of the policy and of the reference model
                        (the policy's weights plus noise, so that the KL term has a gradient)
  batch.json            prompts, completions, rewards and the hyper-parameters shared by every case
  expected.json         per case: options and per-step metrics; the SFT step's metrics
  cases/<name>.safetensors   per step s: "m<s>.<param>", "v<s>.<param>", "w<s>.<param>"; "grad1.<param>"

Run with Debian's python3-torch (see tools/README.md); the Java test (CrossImplementationStepTest)
only reads the files.
"""
import json
import math
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_model_fixtures as mm  # noqa: E402  (the independent transformer and safetensors writer)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "step")

EOS = 2
ALPHABET = "abcdefghijklmnopq"  # grpo4j's character tokenizer: ids 0 pad, 1 bos, 2 eos, 3.. the letters
CONFIG = mm.base("qwen2", architectures=["Qwen2ForCausalLM"], vocab_size=3 + len(ALPHABET), hidden_size=16,
                 intermediate_size=32, num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                 tie_word_embeddings=True, torch_dtype="float32", eos_token_id=EOS, pad_token_id=0,
                 use_sliding_window=False)

# The fixed batch. Token ids 3..19 are letters, 2 is EOS.
PROMPTS = [[5, 9, 3], [7, 4, 12, 15, 6], [18, 10]]
MAX_COMPLETION_LENGTH = 6
COMPLETIONS = [  # G = 4 per prompt, consecutive
    [3, 4, EOS], [11, EOS], [8, 8, 13, 5, 19, 4], [EOS],
    [16, 3, 3, EOS], [6, 9, 14, 17, 12, 3], [4, EOS], [10, 10, 11, EOS],
    [3, 19, 7, 5, 5, EOS], [12, EOS], [9, 17, 4, 6, 3, 8], [15, 4, EOS],
]
REWARDS = [1.0, 0.0, 0.25, 0.0,
           0.5, 0.5, 0.5, 0.5,
           0.0, 1.0, 0.75, 0.0]
REWARDS2 = [0.0, 1.0, 1.0, 0.0,  # the GDPO case's second function, weighted GDPO_WEIGHTS[1]
            2.0, 0.0, 1.0, 0.0,
            1.0, 1.0, 1.0, 1.0]
GDPO_WEIGHTS = [1.0, 0.5]
SPG_STEPS = [[0, 1], [2]]  # the prompts of each optimizer step when steps_per_generation = 2
G = 4
TEMPERATURE = 0.7
MICRO_BATCH = 5  # grpo4j accumulates gradients over micro-batches of this size; here the batch is one piece

# Shared by every case. Adam's epsilon is 1e-6, not PyTorch's 1e-8: an element whose gradient is ~1e-9
# (float32 rounding of a sum that cancels) would otherwise get an update of ±0.1·lr set by rounding error,
# in float32 as in any other precision; with 1e-6 such an update is ~1e-3·lr and well determined.
HP = {
    "learning_rate": 5e-3, "lr_scheduler_type": "cosine", "warmup_updates": 2, "total_updates": 8,
    "adam_beta1": 0.9, "adam_beta2": 0.99, "adam_epsilon": 1e-6, "weight_decay": 0.01, "max_grad_norm": 0.2,
    "epsilon": 0.2, "kl_estimator": "k3",
}


def lr_at(update):
    """transformers' get_cosine_schedule_with_warmup: lr_lambda(k) for the k-th (0-based) optimizer update."""
    w, total = HP["warmup_updates"], HP["total_updates"]
    if update < w:
        return HP["learning_rate"] * update / max(1, w)
    progress = (update - w) / max(1, total - w)
    return HP["learning_rate"] * max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


def init_weights(seed, noise_of=None):
    """float32-representable float64 weights: std 0.3 (norms 1 ± 0.2), or noise_of's weights + N(0, 0.02)."""
    g = torch.Generator().manual_seed(seed)
    w = {}
    for name, shape in mm.shapes(CONFIG).items():
        if noise_of is not None:
            t = noise_of[name] + 0.02 * torch.randn(shape, generator=g, dtype=torch.float64)
        elif name.endswith("norm.weight"):
            t = 1.0 + 0.2 * torch.randn(shape, generator=g, dtype=torch.float64)
        else:
            t = 0.3 * torch.randn(shape, generator=g, dtype=torch.float64)
        w[name] = t.to(torch.float32).to(torch.float64)
    return w


def token_scores(W, prompt, completion, temperature):
    """log π(o_t | q, o_<t) and the entropy of that next-token distribution, from log_softmax(logits / T)."""
    ids = torch.tensor([prompt + completion])
    n = ids.shape[1]
    logits = mm.forward(CONFIG, W, ids, torch.arange(n)[None], torch.ones(1, n, dtype=torch.int64))[0]
    # position len(prompt) - 1 + j predicts completion token j
    pred = logits[len(prompt) - 1: len(prompt) - 1 + len(completion)] / temperature
    logp_all = torch.log_softmax(pred, dim=-1)
    logp = logp_all.gather(1, torch.tensor(completion)[:, None])[:, 0]
    entropy = -(logp_all.exp() * logp_all).sum(-1)
    return logp, entropy  # differentiable: the entropy bonus back-propagates through it


def advantages(rewards, std_kind, std_eps):
    """A_i = (R_i − mean of its group) / s, s the group's std (population or sample); s = 0 → 1 unless std_eps."""
    out = []
    for start in range(0, len(rewards), G):
        r = torch.tensor(rewards[start:start + G])
        s = r.std(unbiased=(std_kind == "sample"))
        if std_eps > 0:
            s = s + std_eps
        elif s == 0:
            s = torch.tensor(1.0)
        out += ((r - r.mean()) / s).tolist()
    return out


def gdpo_advantages(functions, weights, std_kind, std_eps):
    """GDPO (normalize_then_sum): each function normalised within its group, (r − mean) / s, summed with the
    weights, then normalised over the batch; a group where every function is constant gets exactly 0."""
    def scale(r):
        s = r.std(unbiased=(std_kind == "sample"))
        return s + std_eps if std_eps > 0 else (s if s != 0 else torch.tensor(1.0))
    n = len(functions[0])
    combined = torch.zeros(n)
    constant = [True] * n
    for r_all, w in zip(functions, weights):
        for start in range(0, n, G):
            r = torch.tensor(r_all[start:start + G])
            combined[start:start + G] += w * (r - r.mean()) / scale(r)
            if len(set(r_all[start:start + G])) > 1:
                constant[start:start + G] = [False] * G
    adv = (combined - combined.mean()) / scale(combined)
    return [0.0 if constant[i] else float(adv[i]) for i in range(n)]


def grpo_loss(W, case, adv, old, ref, rows):
    """The loss of the whole batch (rows) and per-token statistics; old/ref: per-row log-prob tensors."""
    eps_low, eps_high = HP["epsilon"], case["epsilon_high"]
    beta = case["beta"]
    per_row, stats = [], {"tokens": 0.0, "low": 0.0, "high": 0.0, "ratio": 0.0, "kl": 0.0, "kl_abs": 0.0, "entropy": 0.0}
    abs_terms = []
    for i in rows:
        logp, entropy = token_scores(W, PROMPTS[i // G], COMPLETIONS[i], TEMPERATURE)
        m = 0.0 if (case["mask_truncated_completions"] and truncated(i)) else 1.0
        log_ratio = logp - old[i]
        if case["importance_sampling_level"] == "sequence":
            ratio = torch.exp(log_ratio.mean()).expand(len(logp))  # GSPO: one ratio per sequence
        else:
            ratio = torch.exp(log_ratio)
        a = adv[i]
        surrogate = torch.minimum(ratio * a, torch.clamp(ratio, 1 - eps_low, 1 + eps_high) * a)
        if case["dual_clip"] > 0 and a < 0:
            floor = torch.full_like(surrogate, case["dual_clip"] * a)
            stats["dual_clipped"] = stats.get("dual_clipped", 0) + m * float((surrogate < floor).sum())
            surrogate = torch.maximum(surrogate, floor)
        loss_t = -surrogate
        if case["entropy_coeff"] != 0:
            loss_t = loss_t - case["entropy_coeff"] * entropy  # the entropy bonus, aggregated like the loss
        kl = None
        if ref is not None:
            delta = torch.clamp(ref[i] - logp, -20, 20)
            kl = {"k1": -delta, "k2": delta ** 2 / 2, "k3": torch.exp(delta) - delta - 1}[case["kl_estimator"]]
            loss_t = loss_t + beta * kl
        per_row.append((loss_t, m))
        abs_terms.append((loss_t.detach().abs(), m))
        r = ratio.detach()
        stats["tokens"] += m * len(logp)
        stats["low"] += m * float(((r < 1 - eps_low) & (a < 0)).sum())
        stats["high"] += m * float(((r > 1 + eps_high) & (a > 0)).sum())
        stats["ratio"] += m * float(r.sum())
        stats["entropy"] += m * float(entropy.detach().sum())
        if kl is not None:
            stats["kl"] += m * float(kl.detach().sum())
            stats["kl_abs"] += m * float(kl.detach().abs().sum())
        # distance of each ratio to the clip boundaries: a float32 implementation must land on the same side
        stats.setdefault("margin", []).extend((r - (1 - eps_low)).abs().tolist() + (r - (1 + eps_high)).abs().tolist())
    return aggregate(case["loss_type"], per_row, stats["tokens"]), float(aggregate(case["loss_type"], abs_terms,
                                                                                   stats["tokens"])), stats


def aggregate(loss_type, per_row, tokens):
    """grpo: mean over sequences of each one's token mean; bnpo/dapo: Σ/Σm; dr_grpo: Σ/(N·max_len)."""
    n = len(per_row)
    if loss_type == "grpo":
        return sum((t * m).sum() / max(m * len(t), 1.0) for t, m in per_row) / n
    if loss_type in ("bnpo", "dapo"):
        return sum((t * m).sum() for t, m in per_row) / max(tokens, 1.0)
    if loss_type == "dr_grpo":
        return sum((t * m).sum() for t, m in per_row) / (n * MAX_COMPLETION_LENGTH)
    raise ValueError(loss_type)


def truncated(i):
    return len(COMPLETIONS[i]) == MAX_COMPLETION_LENGTH and COMPLETIONS[i][-1] != EOS


def leaves(W):
    return {k: v.clone().requires_grad_(True) for k, v in W.items()}


def optimizer_for(params):
    return torch.optim.AdamW(list(params.values()), lr=0.0, betas=(HP["adam_beta1"], HP["adam_beta2"]),
                             eps=HP["adam_epsilon"], weight_decay=HP["weight_decay"])


def clip_and_update(params, opt, update):
    """clip_grad_norm_ then one AdamW update at the schedule's lr; returns (pre-clip norm, lr, clipped grads)."""
    norm = float(torch.nn.utils.clip_grad_norm_(list(params.values()), HP["max_grad_norm"]))
    lr = lr_at(update)
    for group in opt.param_groups:
        group["lr"] = lr
    grads = {k: p.grad.detach().clone() for k, p in params.items()}
    opt.step()
    return norm, lr, grads


def moments(params, opt, prefix_m, prefix_v):
    out = {}
    for k, p in params.items():
        st = opt.state[p]
        out[prefix_m + k] = st["exp_avg"].detach().clone()
        out[prefix_v + k] = st["exp_avg_sq"].detach().clone()
    return out


def grpo_case(case, W0, Wref):
    params = leaves(W0)
    opt = optimizer_for(params)
    if case["multi_objective_aggregation"] == "normalize_then_sum":
        adv = gdpo_advantages([REWARDS, REWARDS2], GDPO_WEIGHTS, case["std"], case["std_eps"])
    else:
        adv = advantages(REWARDS, case["std"], case["std_eps"])
    rows = [i for i in range(len(COMPLETIONS))
            if not (case["filter_zero_std_groups"] and len(set(REWARDS[i - i % G:i - i % G + G])) == 1)]
    # the rows of each optimizer step of a generation: all of them, or per SPG_STEPS
    parts = [rows] if case["spg"] == 1 else [[i for i in rows if i // G in ps] for ps in SPG_STEPS]
    ref = None
    if case["beta"] > 0:
        with torch.no_grad():
            ref = {i: token_scores(Wref, PROMPTS[i // G], COMPLETIONS[i], TEMPERATURE)[0] for i in rows}
    steps, tensors, update, margins, dual_clipped = [], {}, 0, [], 0
    for s in (1, 2):
        # π_old: the policy that generated the batch, before any of its updates, detached
        with torch.no_grad():
            old = {i: token_scores(params, PROMPTS[i // G], COMPLETIONS[i], TEMPERATURE)[0] for i in rows}
        per_pass = [[] for _ in parts]
        for it in range(case["mu"]):
            for k, part in enumerate(parts):
                for p in params.values():
                    p.grad = None
                loss, scale, st = grpo_loss(params, case, adv, old, ref, part)
                loss.backward()
                norm, lr, grads = clip_and_update(params, opt, update)
                update += 1
                if s == 1 and it == 0 and k == 0 and case["mu"] == 1 and case["spg"] == 1:
                    tensors.update({"grad1." + k2: g for k2, g in grads.items()})
                margins += st.pop("margin")
                dual_clipped += st.pop("dual_clipped", 0)
                per_pass[k].append({"loss": float(loss), "loss_scale": scale, "grad_norm": norm, "lr": lr, **st})
        for passes in per_pass:
            steps.append(step_metrics(passes, ref is not None))
        tensors.update(moments(params, opt, f"m{s}.", f"v{s}."))
        tensors.update({f"w{s}.{k}": p.detach().clone() for k, p in params.items()})
    # a case with a dual clip must have tokens where its floor binds, or it would test nothing
    assert case["dual_clip"] == 0 or dual_clipped > 0, case["name"]
    case = dict(case)
    case["steps"] = steps
    case["min_clip_margin"] = min(margins)
    return case, tensors


def step_metrics(per_pass, with_ref):
    """One optimizer step's metrics line over its μ passes (entropy and KL: of the first pass)."""
    t = per_pass[0]["tokens"]
    metrics = {
        "loss": sum(p["loss"] for p in per_pass) / len(per_pass),
        # |ℓ| aggregated like ℓ: the size of the terms whose sum is the loss (the loss itself can be ~0)
        "loss_scale": sum(p["loss_scale"] for p in per_pass) / len(per_pass),
        "grad_norm": sum(p["grad_norm"] for p in per_pass) / len(per_pass),
        "learning_rate": per_pass[-1]["lr"],
        "entropy": per_pass[0]["entropy"] / t,  # of the first pass
        "clip_ratio/low_mean": sum(p["low"] for p in per_pass) / t / len(per_pass),
        "clip_ratio/high_mean": sum(p["high"] for p in per_pass) / t / len(per_pass),
        "clip_ratio/region_mean": sum(p["low"] + p["high"] for p in per_pass) / t / len(per_pass),
        "ratio/mean": sum(p["ratio"] for p in per_pass) / t / len(per_pass),
        "grad_norm_per_pass": [p["grad_norm"] for p in per_pass],
    }
    if with_ref:
        metrics["kl"] = per_pass[0]["kl"] / t  # KL of the first pass's policy to π_ref
        metrics["kl_scale"] = per_pass[0]["kl_abs"] / t  # k1's terms have both signs: the size they cancel from
    return metrics


def sft_case(W0):
    """Two SFT updates on (prompt, completion) pairs: loss = −Σ log π(target token) / number of target tokens."""
    params = leaves(W0)
    opt = optimizer_for(params)
    pairs = [(PROMPTS[i // G], COMPLETIONS[i]) for i in (0, 2, 4, 5, 8, 11)]
    tokens = sum(len(c) for _, c in pairs)
    steps, tensors = [], {}
    for s in (1, 2):
        for p in params.values():
            p.grad = None
        loss = -sum(token_scores(params, p, c, 1.0)[0].sum() for p, c in pairs) / tokens
        loss.backward()
        norm, lr, grads = clip_and_update(params, opt, s - 1)
        if s == 1:
            tensors.update({"grad1." + k: g for k, g in grads.items()})
        steps.append({"loss": float(loss), "grad_norm": norm, "learning_rate": lr, "num_tokens": tokens})
        tensors.update(moments(params, opt, f"m{s}.", f"v{s}."))
        tensors.update({f"w{s}.{k}": p.detach().clone() for k, p in params.items()})
    return {"rows": [[PROMPTS.index(p), COMPLETIONS.index(c)] for p, c in pairs], "micro_batch_size": 4,
            "steps": steps}, tensors


def base_case(mu, loss_type, beta):
    return {"name": f"mu{mu}_{loss_type}_beta{beta}", "mu": mu, "loss_type": loss_type, "beta": beta,
            "epsilon_high": HP["epsilon"], "dual_clip": 0.0, "importance_sampling_level": "token",
            "kl_estimator": HP["kl_estimator"], "std": "population", "std_eps": 0.0,
            "mask_truncated_completions": False, "filter_zero_std_groups": False, "spg": 1,
            "multi_objective_aggregation": "sum_then_normalize", "entropy_coeff": 0.0}


def cases():
    out = [base_case(mu, lt, beta) for mu in (1, 2) for lt in ("grpo", "bnpo", "dapo", "dr_grpo")
           for beta in (0.0, 0.04)]
    extra = [
        ("mu2_dapo_eps_high", dict(mu=2, loss_type="dapo", beta=0.04, epsilon_high=0.28)),
        ("mu2_grpo_sequence_level", dict(mu=2, loss_type="grpo", beta=0.0, importance_sampling_level="sequence")),
        ("mu2_bnpo_dual_clip_k2", dict(mu=2, loss_type="bnpo", beta=0.04, dual_clip=1.5, kl_estimator="k2")),
        ("mu1_grpo_mask_truncated_k1_sample_std", dict(mu=1, loss_type="grpo", beta=0.04,
                                                       mask_truncated_completions=True, kl_estimator="k1",
                                                       std="sample", std_eps=1e-4)),
        ("mu1_dr_grpo_filter_zero_std", dict(mu=1, loss_type="dr_grpo", beta=0.04, filter_zero_std_groups=True)),
        ("mu1_dapo_spg2", dict(mu=1, loss_type="dapo", beta=0.04, spg=2)),
        ("mu2_grpo_spg2", dict(mu=2, loss_type="grpo", beta=0.04, spg=2)),
        ("mu2_dr_grpo_gdpo", dict(mu=2, loss_type="dr_grpo", beta=0.04, multi_objective_aggregation="normalize_then_sum")),
        ("mu1_grpo_entropy_bonus", dict(mu=1, loss_type="grpo", beta=0.0, entropy_coeff=0.05)),
        ("mu2_dapo_entropy_bonus", dict(mu=2, loss_type="dapo", beta=0.04, entropy_coeff=0.05)),
    ]
    for name, kw in extra:
        c = base_case(kw["mu"], kw["loss_type"], kw["beta"])
        c.update(kw)
        c["name"] = name
        out.append(c)
    return out


def write_model(d, W):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    mm.write_safetensors(os.path.join(d, "model.safetensors"), {k: v.to(torch.float32) for k, v in W.items()},
                         {"format": "pt"})


def main():
    torch.set_default_dtype(torch.float64)
    assert all(len(c) <= MAX_COMPLETION_LENGTH for c in COMPLETIONS)
    assert any(truncated(i) for i in range(len(COMPLETIONS))) and any(c[-1] == EOS for c in COMPLETIONS)
    W0 = init_weights(11)
    Wref = init_weights(12, noise_of=W0)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    write_model(os.path.join(OUT, "policy"), W0)
    write_model(os.path.join(OUT, "reference"), Wref)
    os.makedirs(os.path.join(OUT, "cases"))
    with open(os.path.join(OUT, "batch.json"), "w") as f:
        json.dump({"alphabet": ALPHABET, "prompts": PROMPTS, "completions": COMPLETIONS,
                   "truncated": [truncated(i) for i in range(len(COMPLETIONS))], "rewards": REWARDS,
                   "rewards2": REWARDS2, "gdpo_weights": GDPO_WEIGHTS, "spg_steps": SPG_STEPS,
                   "num_generations": G, "temperature": TEMPERATURE, "max_completion_length": MAX_COMPLETION_LENGTH,
                   "micro_batch_size": MICRO_BATCH, **HP}, f, indent=1)
        f.write("\n")
    expected = {"grpo": [], "sft": None}
    for c in cases():
        result, tensors = grpo_case(c, W0, Wref)
        mm.write_safetensors(os.path.join(OUT, "cases", c["name"] + ".safetensors"),
                             {k: v.to(torch.float32) for k, v in tensors.items()})
        expected["grpo"].append(result)
        s1, s2 = result["steps"][0], result["steps"][-1]
        print(f"{c['name']:40s} loss {s1['loss']:+.3e}/{s2['loss']:+.3e} norm {s1['grad_norm']:.3f}/{s2['grad_norm']:.3f}"
              f" clip {s2['clip_ratio/region_mean']:.3f} ratio {s2['ratio/mean']:.4f} kl {s2.get('kl', 0):.4f}"
              f" margin {result['min_clip_margin']:.1e}")
    sft, tensors = sft_case(W0)
    mm.write_safetensors(os.path.join(OUT, "cases", "sft.safetensors"),
                         {k: v.to(torch.float32) for k, v in tensors.items()})
    expected["sft"] = sft
    print("sft", sft["steps"])
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
