package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.config.ImportanceSamplingLevel;

/** Importance ratios π_θ / π_old (docs/algorithm.md §3) on {@code [B, T]} log-prob tensors. */
public final class ImportanceRatios {
    private ImportanceRatios() {}

    /**
     * Token level (PPO; DeepSeekMath): ρ_{i,t} = exp(log π_θ − log π_old).
     *
     * @param logRatio {@code [B, T]} log π_θ − log π_old
     * @return {@code [B, T]}
     */
    public static NDArray token(NDArray logRatio) {
        return logRatio.exp();
    }

    /**
     * Sequence level (GSPO, Zheng et al. 2025): s_i = exp(Σ_t m·logRatio / max(Σ_t m, 1)), the
     * length-normalised sequence likelihood ratio, used for every token of the row.
     *
     * @param logRatio {@code [B, T]} log π_θ − log π_old (0 on masked tokens)
     * @param mask {@code [B, T]} 0/1
     * @return {@code [B, T]}, each row constant
     */
    public static NDArray sequence(NDArray logRatio, NDArray mask) {
        NDArray tokens = mask.sum(new int[] {1}, true).maximum(1); // [B, 1]
        NDArray meanLogRatio = logRatio.mul(mask).sum(new int[] {1}, true).div(tokens); // [B, 1]
        return meanLogRatio.exp().broadcast(logRatio.getShape()); // [B, T]
    }

    /** The ratios of the chosen level. */
    public static NDArray of(ImportanceSamplingLevel level, NDArray logRatio, NDArray mask) {
        return switch (level) {
            case TOKEN -> token(logRatio);
            case SEQUENCE -> sequence(logRatio, mask);
        };
    }
}
