package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.internal.tensor.Scalars;

/**
 * Per-token estimators of KL(π_θ ‖ π_ref) from the sampled tokens' log-probs (docs/algorithm.md §5; J. Schulman,
 * "Approximating KL divergence", 2020), with Δ = log π_ref − log π_θ clamped to [−20, 20] as verl does,
 * so exp(Δ) cannot overflow when a token is nearly impossible under one of the two models.
 */
public final class KlPenalty {
    /** Bound of |Δ| before exp. */
    public static final double DELTA_CLAMP = ReferenceMath.LOG_CLAMP;

    private KlPenalty() {}

    /** Δ = clamp(log π_ref − log π_θ, −20, 20), {@code [B, T]}. */
    public static NDArray delta(NDArray logp, NDArray refLogp) {
        return Scalars.clip(refLogp.sub(logp), -DELTA_CLAMP, DELTA_CLAMP);
    }

    /** k1 = −Δ = log π_θ − log π_ref: unbiased, high variance, may be negative. */
    public static NDArray k1(NDArray delta) {
        return delta.neg();
    }

    /** k2 = Δ²/2: biased, low variance, ≥ 0. */
    public static NDArray k2(NDArray delta) {
        return Scalars.div(delta.square(), 2);
    }

    /**
     * k3 = exp(Δ) − Δ − 1: unbiased and ≥ 0 (DeepSeekMath's estimator). In float32, exp(Δ) − Δ − 1 can
     * round to about −1e-7 for |Δ| &lt; 1e-3 (no expm1 in DJL), so the result is floored at 0.
     */
    public static NDArray k3(NDArray delta) {
        return Scalars.maximum(delta.exp().sub(delta).sub(1), 0);
    }

    /** KL per token with the chosen estimator, {@code [B, T]}. */
    public static NDArray of(KlEstimator estimator, NDArray logp, NDArray refLogp) {
        NDArray d = delta(logp, refLogp);
        return switch (estimator) {
            case K1 -> k1(d);
            case K2 -> k2(d);
            case K3 -> k3(d);
        };
    }
}
