package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * GDPO ({@code multi_objective_aggregation: normalize_then_sum}) against a hand computation.
 *
 * <p>Two functions, {@code correct} (weight 1) and {@code format} (weight 0.5), three groups:
 *
 * <pre>
 *   A: correct 1 0 0 0  mean 1/4, population std √3/4 → z = √3, −1/√3, −1/√3, −1/√3
 *      format  1 1 0 0  mean 1/2, std 1/2            → z = 1, 1, −1, −1
 *      c = z_correct + z_format / 2 = √3 + ½, −1/√3 + ½, −1/√3 − ½, −1/√3 − ½
 *   B: correct 1 1 1 1  std 0 → z = 0 (std_eps 0: divide by 1)
 *      format  1 0 1 0  → z = ±1 → c = ½, −½, ½, −½
 *   C: correct 0 0, format 1 1: no signal on either function → c = 0, 0, flagged, A = 0 exactly
 *   batch: mean of the ten c is 0; s = √(Σ c² / 10); A = c / s
 * </pre>
 */
class GdpoAdvantagesTest {
    private static final double[][] SCORES = {
        {1, 0, 0, 0, 1, 1, 1, 1, 0, 0}, // correct
        {1, 1, 0, 0, 1, 0, 1, 0, 1, 1}, // format
    };
    private static final double[] WEIGHTS = {1.0, 0.5};
    private static final int[] GROUPS = {7, 7, 7, 7, 3, 3, 3, 3, 9, 9};

    @Test
    void populationStdWithoutEpsilonMatchesTheHandComputation() {
        double r3 = Math.sqrt(3);
        double[] c = {r3 + 0.5, -1 / r3 + 0.5, -1 / r3 - 0.5, -1 / r3 - 0.5, 0.5, -0.5, 0.5, -0.5, 0, 0};
        double sq = 0;
        for (double v : c) {
            sq += v * v;
        }
        double s = Math.sqrt(sq / 10);
        assertThat(s).isCloseTo(0.9115591630, within(1e-9));
        AdvantageOptions o = new AdvantageOptions(ScaleRewards.GROUP, StdKind.POPULATION, 0.0, AdvantageEstimator.GRPO,
                MultiObjectiveAggregation.NORMALIZE_THEN_SUM);
        AdvantageResult r = Advantages.normalizeThenSum(SCORES, WEIGHTS, GROUPS, o);
        double[] a = r.advantages();
        for (int i = 0; i < 10; i++) {
            assertThat(a[i]).as("row %d", i).isCloseTo(c[i] / s, within(1e-12));
        }
        assertThat(a[8]).isEqualTo(0.0);
        assertThat(r.zeroStdRow()).containsExactly(false, false, false, false, false, false, false, false, true, true);
        assertThat(r.fracRewardZeroStd()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void trlsSampleStdAndEpsilonMatchTheHandComputation() {
        // TRL: nanstd (Bessel) + 1e-4 at both stages. Group A correct: std = √(3/16 · 4/3) = 1/2
        double sa = 0.5 + 1e-4;
        double sf = Math.sqrt(1.0 / 3) + 1e-4; // 1 1 0 0 and 1 0 1 0: √(1/3)
        double[] c = {0.75 / sa + 0.25 / sf, -0.25 / sa + 0.25 / sf, -0.25 / sa - 0.25 / sf, -0.25 / sa - 0.25 / sf,
            0.25 / sf, -0.25 / sf, 0.25 / sf, -0.25 / sf, 0, 0};
        double sq = 0;
        for (double v : c) {
            sq += v * v;
        }
        double s = Math.sqrt(sq / 9) + 1e-4;
        AdvantageOptions o = new AdvantageOptions(ScaleRewards.GROUP, StdKind.SAMPLE, 1e-4, AdvantageEstimator.GRPO,
                MultiObjectiveAggregation.NORMALIZE_THEN_SUM);
        double[] a = Advantages.normalizeThenSum(SCORES, WEIGHTS, GROUPS, o).advantages();
        assertThat(a[0]).isCloseTo(2.3226643914, within(1e-6)); // the same sums in Python
        for (int i = 0; i < 10; i++) {
            assertThat(a[i]).as("row %d", i).isCloseTo(c[i] / s, within(1e-12));
        }
    }

    @Test
    void rewardCombinationsThatSumAlikeKeepDistinctAdvantages() {
        // GDPO's point: (1, 0) and (0, 1) sum to the same R, so sum-then-normalise gives them equal advantages
        double[][] scores = {{1, 0, 0, 0}, {0, 1, 1, 0}};
        double[] w = {1, 1};
        int[] g = {0, 0, 0, 0};
        double[] summed = Advantages.compute(new double[] {1, 1, 1, 0}, g, AdvantageOptions.defaults()).advantages();
        assertThat(summed[0]).isEqualTo(summed[1]);
        AdvantageOptions gdpo = new AdvantageOptions(ScaleRewards.GROUP, StdKind.POPULATION, 0.0,
                AdvantageEstimator.GRPO, MultiObjectiveAggregation.NORMALIZE_THEN_SUM);
        double[] a = Advantages.normalizeThenSum(scores, w, g, gdpo).advantages();
        assertThat(a[0]).isGreaterThan(a[1] + 0.1); // the rarer success is worth more
    }

    @Test
    void missingScoresAreSkippedInTheirFunctionsStatistics() {
        // function 2 applies to rows 0 and 1 only; its z for them is ±1, the others get only function 1
        double[][] scores = {{1, 0, 1, 0}, {1, 0, Double.NaN, Double.NaN}};
        AdvantageOptions o = new AdvantageOptions(ScaleRewards.GROUP, StdKind.POPULATION, 0.0,
                AdvantageEstimator.GRPO, MultiObjectiveAggregation.NORMALIZE_THEN_SUM);
        double[] a = Advantages.normalizeThenSum(scores, new double[] {1, 1}, new int[] {0, 0, 0, 0}, o).advantages();
        // c = 2, −2, 1, −1: mean 0, population std √(10/4)
        double s = Math.sqrt(2.5);
        assertThat(a[0]).isCloseTo(2 / s, within(1e-12));
        assertThat(a[2]).isCloseTo(1 / s, within(1e-12));
        assertThat(a[3]).isCloseTo(-1 / s, within(1e-12));
    }
}
