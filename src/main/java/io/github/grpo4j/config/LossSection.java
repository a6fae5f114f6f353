package io.github.grpo4j.config;

/**
 * The GRPO objective: advantages, importance ratio, clipping, KL penalty and loss aggregation (see
 * docs/algorithm.md §2-§5).
 *
 * @param beta config key {@code beta}, default {@code 0.04}, valid: ≥ 0. β, coefficient of the per-token KL
 *     penalty to the reference model (DeepSeekMath 0.04). 0 disables the penalty and the reference model is
 *     not loaded.
 * @param klEstimator config key {@code kl_estimator}, default {@code k3}, valid: {@code k1}, {@code k2},
 *     {@code k3}. Per-token KL estimator with Δ = log π_ref − log π_θ (clamped to [−20, 20]): {@code k3} =
 *     exp(Δ) − Δ − 1 (DeepSeekMath, always ≥ 0), {@code k1} = −Δ, {@code k2} = Δ²/2.
 * @param lossType config key {@code loss_type}, default {@code grpo}, valid: {@code grpo}, {@code bnpo},
 *     {@code dapo}, {@code dr_grpo}, {@code cispo}. Aggregation of per-token losses: {@code grpo} = mean over
 *     sequences of each sequence's token mean (DeepSeekMath); {@code bnpo} = token mean over the batch;
 *     {@code dapo} = token mean over all workers' tokens (equals bnpo on one machine; DAPO, TRL's default);
 *     {@code dr_grpo} = token sum / (N_seq × max_completion_length) (Dr. GRPO). {@code cispo} (MiniMax-M1, as
 *     TRL) replaces the clipped surrogate by −sg(min(ρ, ε_max))·A·log π_θ on every token, the weight held
 *     constant so no token loses its gradient, aggregated as dapo; ε_max is {@code epsilon_high} (must be
 *     set; TRL recommends 5.0); {@code epsilon} and {@code dual_clip} are unused; metric
 *     {@code cispo_clip_ratio} replaces {@code clip_ratio/*}.
 * @param scaleRewards config key {@code scale_rewards}, default {@code group}, valid: {@code group},
 *     {@code batch}, {@code none}. Advantage scale s in A = (R − mean_group) / s: {@code group} = std of the
 *     group's G rewards; {@code batch} = std of all rewards of the step (mean still per group); {@code none}
 *     = 1 (Dr. GRPO).
 * @param std config key {@code std}, default {@code population}, valid: {@code population}, {@code sample}.
 *     Standard deviation used for {@code scale_rewards}: {@code population} (÷N, numpy's np.std, as the
 *     worked example) or {@code sample} (÷(N−1), Bessel, as TRL and verl).
 * @param stdEps config key {@code std_eps}, default {@code 0.0}, valid: ≥ 0. 0: divide by s, or by 1 where s
 *     == 0 (as in the worked example). &gt; 0: divide by s + std_eps (TRL 1e-4, verl 1e-6).
 * @param advantageEstimator config key {@code advantage_estimator}, default {@code grpo}, valid:
 *     {@code grpo}, {@code rloo}. {@code grpo}: A = (R − mean) / s. {@code rloo}: A_i = R_i − mean of the
 *     other G−1 rewards of the group (leave-one-out; {@code scale_rewards} does not apply).
 * @param epsilon config key {@code epsilon}, default {@code 0.2}, valid: (0, 1). ε_low of the clipped
 *     surrogate min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A) (PPO / DeepSeekMath 0.2).
 * @param epsilonHigh config key {@code epsilon_high}, default {@code null}, valid: null or &gt; 0. ε_high,
 *     the upper clip; null = {@code epsilon}. DAPO's clip-higher uses 0.28. With {@code loss_type: cispo} it
 *     is ε_max, the cap of the importance weight itself.
 * @param dualClip config key {@code dual_clip}, default {@code null}, valid: null, 0, or &gt; 1. Dual-clip
 *     constant c (verl, typically 3): for A &lt; 0 the per-token objective is max(L, c·A). null or 0
 *     disables.
 * @param importanceSamplingLevel config key {@code importance_sampling_level}, default {@code token}, valid:
 *     {@code token}, {@code sequence}. {@code token}: a ratio per token (GRPO). {@code sequence}: one ratio
 *     per completion, the exp of the mean token log-ratio (GSPO).
 * @param maskTruncatedCompletions config key {@code mask_truncated_completions}, default {@code false}.
 *     Completions that hit {@code max_completion_length} without EOS get no loss (DAPO's overlong filtering);
 *     they still count in the group statistics.
 * @param filterZeroStdGroups config key {@code filter_zero_std_groups}, default {@code false}. Groups whose G
 *     rewards are all equal (zero std, no signal; metric {@code frac_reward_zero_std}) are left out of the
 *     loss (DAPO dynamic sampling, without resampling).
 * @param refModelSyncSteps config key {@code ref_model_sync_steps}, default {@code 0}, valid: ≥ 0. Every this
 *     many steps the reference model is replaced by α·π_θ + (1−α)·π_ref (TRL, TR-DPO). 0: never, π_ref stays
 *     the initial policy.
 * @param refModelMixupAlpha config key {@code ref_model_mixup_alpha}, default {@code 0.6}, valid: [0, 1]. α
 *     of the reference-model sync; used only when {@code ref_model_sync_steps} &gt; 0.
 * @param multiObjectiveAggregation config key {@code multi_objective_aggregation}, default
 *     {@code sum_then_normalize}, valid: {@code sum_then_normalize}, {@code normalize_then_sum}. How several
 *     reward functions make one advantage (TRL). {@code sum_then_normalize}: the weighted sum R = Σ w_k r_k
 *     gets group-relative advantages (GRPO). {@code normalize_then_sum} (GDPO, Liu et al. 2026): each
 *     function's scores are normalised within the group, (r_k − mean) / s, then summed with the weights and
 *     normalised again over the batch, so distinct reward combinations keep distinct advantages; {@code std}
 *     and {@code std_eps} apply to both divisors (TRL: sample, 1e-4), {@code scale_rewards} does not; needs
 *     {@code advantage_estimator: grpo}.
 * @param entropyCoeff config key {@code entropy_coeff}, default {@code 0.0}. Entropy bonus (verl
 *     {@code entropy_coeff}): −entropy_coeff × H is added to every completion token's loss and aggregated
 *     like it, so a positive value pushes the policy's per-token entropy H up against entropy collapse. 0
 *     disables it; otherwise the full next-token distributions stay in memory for the backward pass: the
 *     update scores unchunked, {@code training.logprob_chunk_size} and
 *     {@code training.gradient_checkpointing} do not apply to it.
 * @param topEntropyQuantile config key {@code top_entropy_quantile}, default {@code 1.0}, valid: (0, 1]. TRL
 *     {@code top_entropy_quantile} ("Beyond the 80/20 rule", Wang et al. 2025): train the policy term only on
 *     the tokens whose entropy is in the top q share: ≥ the (1 − q)-quantile of the entropies of the
 *     micro-batch's completion tokens (linear interpolation; as TRL, per micro-batch). The KL term keeps
 *     every token, and so does the loss normaliser. 1.0 keeps every token; 0.2 is the paper's choice.
 */
@Doc("The objective (docs/algorithm.md §2-§5): group-relative advantages, importance ratio, clipped surrogate, "
        + "KL penalty, aggregation over tokens. Defaults are DeepSeekMath's choices.")
public record LossSection(
        @Doc("β, coefficient of the per-token KL penalty to the reference model (DeepSeekMath 0.04). "
                + "0 disables the penalty and the reference model is not loaded.")
        @Range(min = 0)
        @Default("0.04")
        double beta,
        @Doc("Per-token KL estimator with Δ = log π_ref − log π_θ (clamped to [−20, 20]): `k3` = "
                + "exp(Δ) − Δ − 1 (DeepSeekMath, always ≥ 0), `k1` = −Δ, `k2` = Δ²/2.")
        @Default("k3")
        KlEstimator klEstimator,
        @Doc("Aggregation of per-token losses: `grpo` = mean over sequences of each sequence's token "
                + "mean (DeepSeekMath); `bnpo` = token mean over the batch; `dapo` = token mean over "
                + "all workers' tokens (equals bnpo on one machine; DAPO, TRL's default); `dr_grpo` = "
                + "token sum / (N_seq × max_completion_length) (Dr. GRPO). `cispo` (MiniMax-M1, as TRL) "
                + "replaces the clipped surrogate by −sg(min(ρ, ε_max))·A·log π_θ on every token, the "
                + "weight held constant so no token loses its gradient, aggregated as dapo; ε_max is "
                + "`epsilon_high` (must be set; TRL recommends 5.0); `epsilon` and `dual_clip` are unused; "
                + "metric `cispo_clip_ratio` replaces `clip_ratio/*`.")
        @Default("grpo")
        LossType lossType,
        @Doc("Advantage scale s in A = (R − mean_group) / s: `group` = std of the group's G rewards; "
                + "`batch` = std of all rewards of the step (mean still per group); `none` = 1 "
                + "(Dr. GRPO).")
        @Default("group")
        ScaleRewards scaleRewards,
        @Doc("Standard deviation used for `scale_rewards`: `population` (÷N, numpy's np.std, as "
                + "the worked example) or `sample` (÷(N−1), Bessel, as TRL and verl).")
        @Default("population")
        StdKind std,
        @Doc("0: divide by s, or by 1 where s == 0 (as in the worked example). > 0: divide by s + std_eps (TRL 1e-4, "
                + "verl 1e-6).")
        @Range(min = 0)
        @Default("0.0")
        double stdEps,
        @Doc("`grpo`: A = (R − mean) / s. `rloo`: A_i = R_i − mean of the other G−1 rewards of the group "
                + "(leave-one-out; `scale_rewards` does not apply).")
        @Default("grpo")
        AdvantageEstimator advantageEstimator,
        @Doc("ε_low of the clipped surrogate min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A) (PPO / DeepSeekMath 0.2).")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true)
        @Default("0.2")
        double epsilon,
        @Doc(value = "ε_high, the upper clip; null = `epsilon`. DAPO's clip-higher uses 0.28. With "
                + "`loss_type: cispo` it is ε_max, the cap of the importance weight itself.",
                valid = "null or > 0")
        @Range(min = 0, minExclusive = true)
        Double epsilonHigh,
        @Doc(value = "Dual-clip constant c (verl, typically 3): for A < 0 the per-token objective is "
                + "max(L, c·A). null or 0 disables.",
                valid = "null, 0, or > 1")
        Double dualClip,
        @Doc("`token`: a ratio per token (GRPO). `sequence`: one ratio per completion, the exp of the "
                + "mean token log-ratio (GSPO).")
        @Default("token")
        ImportanceSamplingLevel importanceSamplingLevel,
        @Doc("Completions that hit `max_completion_length` without EOS get no loss (DAPO's overlong "
                + "filtering); they still count in the group statistics.")
        @Default("false")
        boolean maskTruncatedCompletions,
        @Doc("Groups whose G rewards are all equal (zero std, no signal; metric `frac_reward_zero_std`) "
                + "are left out of the loss (DAPO dynamic sampling, without resampling).")
        @Default("false")
        boolean filterZeroStdGroups,
        @Doc("Every this many steps the reference model is replaced by α·π_θ + (1−α)·π_ref (TRL, "
                + "TR-DPO). 0: never, π_ref stays the initial policy.")
        @Range(min = 0)
        @Default("0")
        int refModelSyncSteps,
        @Doc("α of the reference-model sync; used only when `ref_model_sync_steps` > 0.")
        @Range(min = 0, max = 1)
        @Default("0.6")
        double refModelMixupAlpha,
        @Doc("How several reward functions make one advantage (TRL). `sum_then_normalize`: the weighted "
                + "sum R = Σ w_k r_k gets group-relative advantages (GRPO). `normalize_then_sum` (GDPO, Liu "
                + "et al. 2026): each function's scores are normalised within the group, (r_k − mean) / s, "
                + "then summed with the weights and normalised again over the batch, so distinct reward "
                + "combinations keep distinct advantages; `std` and `std_eps` apply to both divisors "
                + "(TRL: sample, 1e-4), `scale_rewards` does not; needs `advantage_estimator: grpo`.")
        @Default("sum_then_normalize")
        MultiObjectiveAggregation multiObjectiveAggregation,
        @Doc("Entropy bonus (verl `entropy_coeff`): −entropy_coeff × H is added to every completion "
                + "token's loss and aggregated like it, so a positive value pushes the policy's per-token "
                + "entropy H up against entropy collapse. 0 disables it; otherwise the full next-token "
                + "distributions stay in memory for the backward pass: the update scores unchunked, "
                + "`training.logprob_chunk_size` and `training.gradient_checkpointing` do not apply to it.")
        @Default("0.0")
        double entropyCoeff,
        @Doc("TRL `top_entropy_quantile` (\"Beyond the 80/20 rule\", Wang et al. 2025): train the policy "
                + "term only on the tokens whose entropy is in the top q share: ≥ the (1 − q)-quantile of "
                + "the entropies of the micro-batch's completion tokens (linear interpolation; as TRL, "
                + "per micro-batch). The KL term keeps every token, and so does the loss normaliser. 1.0 "
                + "keeps every token; 0.2 is the paper's choice.")
        @Range(min = 0, max = 1, minExclusive = true)
        @Default("1.0")
        double topEntropyQuantile) {

    /** {@return DeepSeekMath's defaults: β 0.04, k3, grpo loss, group population std, ε 0.2, token ratios} */
    public static LossSection defaults() {
        return Defaults.of(LossSection.class);
    }

    /** {@return ε_high: {@code epsilon_high} if set, else {@code epsilon}} */
    public double effectiveEpsilonHigh() {
        return epsilonHigh != null ? epsilonHigh : epsilon;
    }

    /** {@return the dual-clip constant, or 0 when dual clipping is off} */
    public double effectiveDualClip() {
        return dualClip == null ? 0.0 : dualClip;
    }
}
