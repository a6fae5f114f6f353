package io.github.grpo4j.config;

import java.util.Locale;

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

    /** {@return the config spelling: the lowercase name, e.g. {@code "group"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
