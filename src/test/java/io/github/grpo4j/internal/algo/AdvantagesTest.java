package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.grpo4j.internal.algo.SeedExample.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link Advantages} on NDArrays against the golden table (float32 1e-6, float64 1e-12) and the twin. */
class AdvantagesTest {

    static Stream<Arguments> goldenRows() {
        double p = -0.5773502691896257;
        double e = -0.4998750312421895;
        double r = -0.8 / 3;
        return Stream.of(
                Arguments.of(options(ScaleRewards.NONE, StdKind.POPULATION, 0, AdvantageEstimator.GRPO),
                        new double[] {0.6, -0.2, -0.2, -0.2}),
                Arguments.of(AdvantageOptions.defaults(), new double[] {1.732050807568877, p, p, p}),
                Arguments.of(options(ScaleRewards.GROUP, StdKind.SAMPLE, 0, AdvantageEstimator.GRPO),
                        new double[] {1.5, -0.5, -0.5, -0.5}),
                Arguments.of(options(ScaleRewards.GROUP, StdKind.SAMPLE, 1e-4, AdvantageEstimator.GRPO),
                        new double[] {1.4996250937265683, e, e, e}),
                Arguments.of(options(ScaleRewards.GROUP, StdKind.POPULATION, 0, AdvantageEstimator.RLOO),
                        new double[] {0.8, r, r, r}),
                // one group: the batch std is the group std
                Arguments.of(options(ScaleRewards.BATCH, StdKind.POPULATION, 0, AdvantageEstimator.GRPO),
                        new double[] {1.732050807568877, p, p, p}));
    }

    @ParameterizedTest
    @MethodSource("goldenRows")
    void goldenAdvantagesInFloat32And64(AdvantageOptions o, double[] expected) {
        try (NDManager m = NDManager.newBaseManager()) {
            TensorAdvantages.Result f32 = TensorAdvantages.compute(m.create(REWARDS).toType(DataType.FLOAT32, false), ONE_GROUP, o);
            TensorAdvantages.Result f64 = TensorAdvantages.compute(m.create(REWARDS), ONE_GROUP, o);
            assertThat(f32.advantages().getDataType()).isEqualTo(DataType.FLOAT32);
            float[] a32 = f32.advantages().toFloatArray();
            double[] a64 = f64.advantages().toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) a32[i]).isCloseTo(expected[i], within(FLOAT));
                assertThat(a64[i]).isCloseTo(expected[i], within(EXACT));
            }
            assertThat(f64.zeroStdRow()).containsExactly(false, false, false, false);
            assertThat(f64.fracRewardZeroStd()).isZero();
        }
    }

    @Test
    void twoGroupsSampleStdWithEpsAndAZeroStdGroup() {
        try (NDManager m = NDManager.newBaseManager()) {
            TensorAdvantages.Result res = TensorAdvantages.compute(m.create(new float[] {0, 1, 1, 1}), new int[] {0, 0, 1, 1},
                    options(ScaleRewards.GROUP, StdKind.SAMPLE, 1e-6, AdvantageEstimator.GRPO));
            float[] a = res.advantages().toFloatArray();
            assertThat((double) a[0]).isCloseTo(-0.70710578, within(FLOAT));
            assertThat((double) a[1]).isCloseTo(0.70710578, within(FLOAT));
            assertThat(a[2]).isZero();
            assertThat(a[3]).isZero();
            assertThat(res.zeroStdRow()).containsExactly(false, false, true, true);
            assertThat(res.fracRewardZeroStd()).isEqualTo(0.5);
            assertThat(Advantages.keptRows(res.zeroStdRow())).containsExactly(0, 1);
        }
    }

    @Test
    void unequalInterleavedGroupsMatchTheTwinForEveryOption() {
        double[] rewards = {0.3, 1.0, 0.0, 0.7, 0.7, 2.5, 0.1, 0.7, -1.0};
        int[] groups = {7, 3, 7, 3, 9, 3, 7, 9, 42}; // sizes 3, 3, 2 (all 0.7), 1
        try (NDManager m = NDManager.newBaseManager()) {
            for (ScaleRewards s : ScaleRewards.values()) {
                for (StdKind k : StdKind.values()) {
                    for (double eps : new double[] {0, 1e-4}) {
                        for (AdvantageEstimator est : AdvantageEstimator.values()) {
                            AdvantageOptions o = options(s, k, eps, est);
                            double[] expected = Advantages.advantages(rewards, groups, o);
                            TensorAdvantages.Result res = TensorAdvantages.compute(m.create(rewards), groups, o);
                            assertThat(res.advantages().toDoubleArray()).as(o.toString())
                                    .containsExactly(expected, within(EXACT));
                            assertThat(res.zeroStdRow())
                                    .containsExactly(false, false, false, false, true, false, false, true, true);
                            assertThat(res.fracRewardZeroStd()).isEqualTo(0.5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void groupsOfEqualRewardsGetExactlyZeroNotRoundOff() {
        // mean(0.1, 0.1, 0.1) is 0.10000000000000002 in double: r − mean would be −1.4e-17
        try (NDManager m = NDManager.newBaseManager()) {
            for (AdvantageEstimator est : AdvantageEstimator.values()) {
                TensorAdvantages.Result res = TensorAdvantages.compute(m.create(new double[] {0.1, 0.1, 0.1}), new int[] {0, 0, 0},
                        options(ScaleRewards.GROUP, StdKind.SAMPLE, 0, est));
                assertThat(res.advantages().toDoubleArray()).containsExactly(0, 0, 0);
                assertThat(res.fracRewardZeroStd()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void rlooGroupOfOneHasAdvantageZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            TensorAdvantages.Result res = TensorAdvantages.compute(m.create(new float[] {5f, 1f, 0f}), new int[] {0, 1, 1},
                    options(ScaleRewards.GROUP, StdKind.POPULATION, 0, AdvantageEstimator.RLOO));
            assertThat(res.advantages().toFloatArray()).containsExactly(0f, 1f, -1f);
            assertThat(res.zeroStdRow()).containsExactly(true, false, false);
        }
    }

    @Test
    void rewardsAndGroupIndexOfDifferentLengthAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(new float[] {1, 2, 3});
            assertThatThrownBy(() -> TensorAdvantages.compute(r, new int[] {0, 0}, AdvantageOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groupIndex");
        }
    }

    @Test
    void negativeStdEpsIsAUserErrorNamingTheKey() {
        // validated once, where the config is read (the algorithm trusts a validated config)
        assertThatThrownBy(() -> io.github.grpo4j.internal.config.ConfigLoader.parse(
                        io.github.grpo4j.config.GrpoConfig.class, "t.yaml", "data:\n  task: arithmetic\n",
                        java.util.List.of("loss.std_eps=-1")))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("loss.std_eps: -1")
                .hasMessageContaining("valid: ≥ 0");
    }
}
