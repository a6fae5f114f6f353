package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import io.github.grpo4j.internal.tensor.Scalars;

/**
 * PPO's clipped surrogate as GRPO uses it (docs/algorithm.md §4; Schulman et al. 2017, DeepSeekMath), with
 * DAPO's decoupled ε_low / ε_high ("clip-higher", Yu et al. 2025) and verl's dual clip (Ye et al. 2020).
 */
public final class ClippedSurrogate {
    private ClippedSurrogate() {}

    /** clip(ρ, 1 − ε_low, 1 + ε_high). */
    public static NDArray clip(NDArray ratio, double epsLow, double epsHigh) {
        return Scalars.clip(ratio, 1 - epsLow, 1 + epsHigh);
    }

    /**
     * L = min(ρA, clip(ρ)A); with dual clip c &gt; 0, for A &lt; 0: L = max(L, c·A).
     *
     * @param ratio {@code [B, T]}
     * @param adv {@code [B, 1]} (broadcast over tokens)
     * @return {@code [B, T]}
     */
    public static NDArray surrogate(NDArray ratio, NDArray adv, double epsLow, double epsHigh, double dualClip) {
        NDArray unclipped = ratio.mul(adv);
        NDArray clipped = clip(ratio, epsLow, epsHigh).mul(adv);
        NDArray l = unclipped.minimum(clipped);
        if (dualClip > 0) {
            // verl's clip_ratio_c: a very negative ρA (A < 0, huge ρ) is floored at c·A
            NDArray floored = l.maximum(adv.mul(dualClip));
            l = NDArrays.where(adv.lt(0).broadcast(l.getShape()), floored, l);
        }
        return l;
    }

    /** Tokens counted by {@code clip_ratio/low_mean}: ρ &lt; 1 − ε_low and A &lt; 0 ({@code [B, T]} bool). */
    public static NDArray lowClipped(NDArray ratio, NDArray adv, double epsLow) {
        return ratio.lt(1 - epsLow).logicalAnd(adv.lt(0).broadcast(ratio.getShape()));
    }

    /** Tokens counted by {@code clip_ratio/high_mean}: ρ &gt; 1 + ε_high and A &gt; 0 ({@code [B, T]} bool). */
    public static NDArray highClipped(NDArray ratio, NDArray adv, double epsHigh) {
        return ratio.gt(1 + epsHigh).logicalAnd(adv.gt(0).broadcast(ratio.getShape()));
    }
}
