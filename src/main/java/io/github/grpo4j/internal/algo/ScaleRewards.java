package io.github.grpo4j.internal.algo;

import io.github.grpo4j.internal.OptionNames;

/**
 * Which standard deviation divides the group-centred rewards (docs/algorithm.md §2, TRL {@code scale_rewards}).
 */
public enum ScaleRewards {
    /** s = std of the prompt's group (DeepSeekMath, TRL default). */
    GROUP,
    /** s = std of every reward in the batch; the mean stays per group (TRL {@code batch}). */
    BATCH,
    /** s = 1: advantages are not scaled (Dr. GRPO, Liu et al. 2025). */
    NONE;

    /** The spec / config spelling: the lowercase name, e.g. {@code "group"}. */
    public String configName() {
        return OptionNames.of(this);
    }

    /**
     * Parses a config value (case-insensitive).
     *
     * @throws io.github.grpo4j.Grpo4jException naming the valid values when {@code text} is none of them
     */
    public static ScaleRewards parse(String text) {
        return OptionNames.parse(ScaleRewards.class, "scale_rewards", text);
    }
}
