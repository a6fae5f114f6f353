package io.github.grpo4j.config;

import java.util.Locale;

/**
 * Per-token estimator of KL(π_θ ‖ π_ref) from the log-probs of the sampled token, with
 * Δ = log π_ref − log π_θ (Schulman, "Approximating KL divergence", 2020; docs/algorithm.md §5).
 */
public enum KlEstimator {
    /** KL ≈ −Δ = log π_θ − log π_ref: unbiased, high variance, can be negative. */
    K1,
    /** KL ≈ Δ²/2: biased, low variance, always ≥ 0. */
    K2,
    /**
     * KL ≈ exp(Δ) − Δ − 1 = π_ref/π_θ − log(π_ref/π_θ) − 1: unbiased for KL(π_θ ‖ π_ref) on tokens
     * sampled from π_θ, always ≥ 0 (DeepSeekMath's choice, the default).
     */
    K3;

    /** {@return the config spelling: the lowercase name, e.g. {@code "k3"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
