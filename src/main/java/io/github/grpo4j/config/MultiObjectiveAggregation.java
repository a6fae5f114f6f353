package io.github.grpo4j.config;

import java.util.Locale;

/**
 * How several reward functions become one advantage (TRL {@code multi_objective_aggregation}).
 */
public enum MultiObjectiveAggregation {
    /** Weighted sum of the raw scores first, then group-relative advantages of the sum (GRPO, TRL's default). */
    SUM_THEN_NORMALIZE,
    /**
     * GDPO (Liu et al. 2026, "Group reward-Decoupled Normalization Policy Optimization"): each function's
     * scores are normalised within the group first, then the weighted sum is normalised over the batch,
     * so different reward combinations no longer collapse onto the same advantage (docs/algorithm.md).
     */
    NORMALIZE_THEN_SUM;

    /** {@return the config spelling: the lowercase name, e.g. {@code "normalize_then_sum"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
