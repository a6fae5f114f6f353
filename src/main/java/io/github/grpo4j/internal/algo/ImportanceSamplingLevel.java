package io.github.grpo4j.internal.algo;

import io.github.grpo4j.internal.OptionNames;

/**
 * Level at which the importance ratio π_θ / π_old is taken (docs/algorithm.md §3).
 */
public enum ImportanceSamplingLevel {
    /** ρ_{i,t} = π_θ(o_{i,t}) / π_old(o_{i,t}) per token (PPO, DeepSeekMath). */
    TOKEN,
    /** s_i = exp(mean over o_i's tokens of log π_θ − log π_old), the same for every token (GSPO, Zheng et al. 2025). */
    SEQUENCE;

    /** The spec / config spelling: the lowercase name, e.g. {@code "sequence"}. */
    public String configName() {
        return OptionNames.of(this);
    }

    /**
     * Parses a config value (case-insensitive).
     *
     * @throws io.github.grpo4j.Grpo4jException naming the valid values when {@code text} is none of them
     */
    public static ImportanceSamplingLevel parse(String text) {
        return OptionNames.parse(ImportanceSamplingLevel.class, "importance_sampling_level", text);
    }
}
