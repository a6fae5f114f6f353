package io.github.grpo4j.config;

import java.util.Locale;

/**
 * Level at which the importance ratio π_θ / π_old is taken (docs/algorithm.md §3).
 */
public enum ImportanceSamplingLevel {
    /** ρ_{i,t} = π_θ(o_{i,t}) / π_old(o_{i,t}) per token (PPO, DeepSeekMath). */
    TOKEN,
    /** s_i = exp(mean over o_i's tokens of log π_θ − log π_old), the same for every token (GSPO, Zheng et al. 2025). */
    SEQUENCE;

    /** {@return the config spelling: the lowercase name, e.g. {@code "sequence"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
