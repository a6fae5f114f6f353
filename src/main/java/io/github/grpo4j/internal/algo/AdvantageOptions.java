package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.internal.config.ConfigValidator;
import java.util.Objects;

/**
 * How group-relative advantages are computed (docs/algorithm.md §2).
 *
 * @param scaleRewards which std divides the centred rewards ({@code scale_rewards})
 * @param std population (n) or sample (n − 1) std ({@code std})
 * @param stdEps 0: a std of 0 is replaced by 1 (as in the worked example); &gt; 0: divide by (s + stdEps) as TRL (1e-4)
 *     and verl (1e-6) do ({@code std_eps})
 * @param estimator grpo (centre and scale) or rloo (leave-one-out baseline). RLOO advantages are never
 *     divided by a std, so {@code scaleRewards}, {@code std} and {@code stdEps} do not apply to them
 *     (as in verl and the RLOO paper; docs/algorithm.md §7's rloo row is unscaled)
 * @param aggregation how several reward functions combine ({@code multi_objective_aggregation}):
 *     sum first (GRPO) or normalise each within its group first (GDPO); GDPO needs the grpo estimator
 */
public record AdvantageOptions(
        ScaleRewards scaleRewards, StdKind std, double stdEps, AdvantageEstimator estimator,
        MultiObjectiveAggregation aggregation) {

    /** The options with the rewards summed before normalising (TRL's default aggregation). */
    public AdvantageOptions(ScaleRewards scaleRewards, StdKind std, double stdEps, AdvantageEstimator estimator) {
        this(scaleRewards, std, stdEps, estimator, MultiObjectiveAggregation.SUM_THEN_NORMALIZE);
    }

    /**
     * Rejects missing enums only: the values come from a config that {@code ConfigValidator} checked (or a
     * command whose flags it checked), the one place each rule is written.
     */
    public AdvantageOptions {
        Objects.requireNonNull(scaleRewards, "scaleRewards");
        Objects.requireNonNull(std, "std");
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(aggregation, "aggregation");
    }

    /** DeepSeekMath's choice: group std, population, no epsilon, grpo. */
    public static AdvantageOptions defaults() {
        return new AdvantageOptions(ScaleRewards.GROUP, StdKind.POPULATION, 0.0, AdvantageEstimator.GRPO);
    }
}
