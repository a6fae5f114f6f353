package io.github.grpo4j.config;

import java.util.Locale;

/**
 * How a completion's advantage is estimated from its group's rewards (docs/algorithm.md §2).
 */
public enum AdvantageEstimator {
    /** A_i = (R_i − mean(group)) / s (DeepSeekMath, Shao et al. 2024). */
    GRPO,
    /**
     * A_i = R_i − mean of the other G − 1 rewards of the group (REINFORCE leave-one-out, Ahmadian et
     * al. 2024, verl {@code rloo}); not divided by any std. A group of one has no other member: its
     * advantage is 0.
     */
    RLOO;

    /** {@return the config spelling: the lowercase name, e.g. {@code "rloo"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
