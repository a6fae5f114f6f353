package io.github.grpo4j.internal.algo;

import io.github.grpo4j.internal.OptionNames;

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

    /** The spec / config spelling: the lowercase name, e.g. {@code "rloo"}. */
    public String configName() {
        return OptionNames.of(this);
    }

    /**
     * Parses a config value (case-insensitive).
     *
     * @throws io.github.grpo4j.Grpo4jException naming the valid values when {@code text} is none of them
     */
    public static AdvantageEstimator parse(String text) {
        return OptionNames.parse(AdvantageEstimator.class, "advantage_estimator", text);
    }
}
