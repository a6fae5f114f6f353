package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;

/**
 * The loss of one micro-batch and the token-weighted sums behind the TRL metrics. Every sum is over
 * this micro-batch's completion tokens (mask m = 1), so the trainer adds them up over the micro-batches
 * of a step and divides by {@link BatchTotals#tokens()} to get the metric.
 *
 * @param loss scalar, this micro-batch's share of the whole-batch loss (already divided by the
 *     whole-batch counts); differentiable with respect to {@code logp}; belongs to {@code logp}'s manager
 * @param klSum Σ_t m·KL_{i,t} with the chosen estimator (→ metric {@code kl}); 0 when no reference
 *     log-probs were given
 * @param clipLowSum number of tokens with ρ &lt; 1 − ε_low and A &lt; 0 (→ {@code clip_ratio/low_mean})
 * @param clipHighSum number of tokens with ρ &gt; 1 + ε_high and A &gt; 0 (→ {@code clip_ratio/high_mean})
 * @param clipRegionSum number of tokens in either case (→ {@code clip_ratio/region_mean})
 * @param tokens Σ m of this micro-batch (→ {@code num_tokens})
 * @param ratioSum Σ_t m·ρ_{i,t}, the importance ratios (→ {@code ratio/mean}, a grpo4j extra)
 */
public record LossTerms(
        NDArray loss,
        double klSum,
        double clipLowSum,
        double clipHighSum,
        double clipRegionSum,
        double tokens,
        double ratioSum) {}
