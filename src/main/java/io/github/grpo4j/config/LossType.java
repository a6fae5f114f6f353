package io.github.grpo4j.config;

import java.util.Locale;

/**
 * How per-token losses are aggregated into the batch loss (docs/algorithm.md §5). On one machine {@code bnpo}
 * and {@code dapo} are equal.
 */
public enum LossType {
    /** (1/N_seq) Σ_i (Σ_t ℓ m / Σ_t m): each sequence averaged over its own tokens (DeepSeekMath). */
    GRPO,
    /** Σ ℓ m / Σ m over the tokens of this worker's generation batch (TRL {@code bnpo}). */
    BNPO,
    /** Σ ℓ m / Σ m over the tokens of all workers' generation batches (DAPO, Yu et al. 2025). */
    DAPO,
    /** Σ ℓ m / (N_seq · max_completion_length): a constant normaliser (Dr. GRPO, Liu et al. 2025). */
    DR_GRPO,
    /**
     * CISPO (MiniMax-M1, 2025): ℓ = −sg(min(ρ, ε_max))·A·log π_θ on every token, aggregated as {@link #DAPO}
     * (TRL's formulation). The importance weight is clipped and held constant, but no token loses its
     * gradient the way PPO's clip drops it; ε_max is {@code epsilon_high}.
     */
    CISPO;

    /** {@return the config spelling: the lowercase name, e.g. {@code "dr_grpo"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
