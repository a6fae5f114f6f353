package io.github.grpo4j.internal.algo;

import io.github.grpo4j.internal.OptionNames;

/**
 * How several reward functions become one advantage (TRL {@code multi_objective_aggregation}).
 */
public enum MultiObjectiveAggregation {
    /** Weighted sum of the raw scores first, then group-relative advantages of the sum (GRPO, TRL's default). */
    SUM_THEN_NORMALIZE,
    /**
     * GDPO (Liu et al. 2026, "Group reward-Decoupled Normalization Policy Optimization"): each function's
     * scores are normalised within the group first, then the weighted sum is normalised over the batch,
     * so different reward combinations no longer collapse onto the same advantage. See
     * {@link Advantages#normalizeThenSum}.
     */
    NORMALIZE_THEN_SUM;

    /** The config spelling: the lowercase name, e.g. {@code "normalize_then_sum"}. */
    public String configName() {
        return OptionNames.of(this);
    }

    /**
     * Parses a config value (case-insensitive).
     *
     * @throws io.github.grpo4j.Grpo4jException naming the valid values when {@code text} is none of them
     */
    public static MultiObjectiveAggregation parse(String text) {
        return OptionNames.parse(MultiObjectiveAggregation.class, "multi_objective_aggregation", text);
    }
}
