/**
 * The math of GRPO (docs/algorithm.md §2–§5) as pure functions on DJL NDArrays, batched, plus its
 * double-precision twin {@link io.github.grpo4j.internal.algo.ReferenceMath}.
 *
 * <p>Read in this order, one concept per class:
 * <ul>
 *   <li>{@link io.github.grpo4j.internal.algo.Advantages}: group-relative advantages (grpo / rloo; group, batch or
 *       no std scaling; population or sample std; std_eps), zero-std groups and
 *       {@code frac_reward_zero_std};
 *   <li>{@link io.github.grpo4j.internal.algo.ImportanceRatios}: token-level ratios and GSPO's sequence ratio;
 *   <li>{@link io.github.grpo4j.internal.algo.ClippedSurrogate}: clip with ε_low / ε_high, dual clip, clip metrics;
 *   <li>{@link io.github.grpo4j.internal.algo.KlPenalty}: k1 / k2 / k3 with Δ clamped to [−20, 20];
 *   <li>{@link io.github.grpo4j.internal.algo.LossAggregation}: grpo / bnpo / dapo / dr_grpo, normalised by the
 *       whole batch's counts ({@link io.github.grpo4j.internal.algo.BatchTotals}) so gradient accumulation over
 *       micro-batches gives the whole-batch loss and gradient;
 *   <li>{@link io.github.grpo4j.internal.algo.GrpoLoss}: all of it for one micro-batch, with the metric sums.
 * </ul>
 *
 * <p>Why the loss is ~0 with one pass per batch (μ = 1): π_old is then the current policy detached, so
 * every ratio is exactly 1 and, with advantages summing to 0 per group, the surrogate averages to about
 * 0. Its gradient is not 0: ∇ρ = ρ∇log π_θ = ∇log π_θ, so the gradient is the policy gradient
 * Σ A_i ∇log π_θ(o_i) (TRL's most asked question).
 */
package io.github.grpo4j.internal.algo;
