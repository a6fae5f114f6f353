package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import org.junit.jupiter.api.Test;

import static io.github.grpo4j.internal.algo.SeedExample.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every row of docs/algorithm.md §7's golden table, computed by the double twin, to 1e-12. */
class ReferenceMathGoldenTest {

    private static void assertClose(double[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(EXACT));
        }
    }

    @Test
    void rawAdvantagesAreRewardMinusGroupMean() {
        assertClose(Advantages.rawAdvantages(REWARDS, ONE_GROUP), 0.6, -0.2, -0.2, -0.2);
        assertClose(
                Advantages.advantages(REWARDS, ONE_GROUP,
                        options(ScaleRewards.NONE, StdKind.POPULATION, 0, AdvantageEstimator.GRPO)),
                0.6, -0.2, -0.2, -0.2);
    }

    @Test
    void populationStdAdvantagesMatchTheSeed() {
        double a = -0.5773502691896257;
        assertClose(Advantages.advantages(REWARDS, ONE_GROUP, AdvantageOptions.defaults()),
                1.732050807568877, a, a, a);
    }

    @Test
    void sampleStdAdvantagesAreOneAndAHalf() {
        assertClose(Advantages.advantages(REWARDS, ONE_GROUP,
                        options(ScaleRewards.GROUP, StdKind.SAMPLE, 0, AdvantageEstimator.GRPO)),
                1.5, -0.5, -0.5, -0.5);
    }

    @Test
    void sampleStdWithStdEpsDividesByStdPlusEps() {
        double a = -0.4998750312421895;
        assertClose(Advantages.advantages(REWARDS, ONE_GROUP,
                        options(ScaleRewards.GROUP, StdKind.SAMPLE, 1e-4, AdvantageEstimator.GRPO)),
                1.4996250937265683, a, a, a);
    }

    @Test
    void rlooAdvantagesAreRewardMinusMeanOfOthers() {
        double a = -0.8 / 3;
        assertClose(Advantages.advantages(REWARDS, ONE_GROUP, options(
                        ScaleRewards.GROUP, StdKind.POPULATION, 0, AdvantageEstimator.RLOO)),
                0.8, a, a, a);
    }

    @Test
    void ratiosAndClippedRatios() {
        double[] lnNew = log(NEW);
        double[] lnOld = log(OLD);
        double[] rho = new double[4];
        double[] clipped = new double[4];
        for (int i = 0; i < 4; i++) {
            rho[i] = ReferenceMath.tokenRatio(lnNew[i], lnOld[i]);
            clipped[i] = ReferenceMath.clip(rho[i], 0.2, 0.2);
        }
        assertClose(rho, 1.25, 1.0, 0.75, 0.75);
        assertClose(clipped, 1.2, 1.0, 0.8, 0.8);
    }

    @Test
    void surrogateWithSymmetricAndHigherClip() {
        double[] adv = Advantages.advantages(REWARDS, ONE_GROUP, AdvantageOptions.defaults());
        double[] lnNew = log(NEW);
        double[] lnOld = log(OLD);
        double[] l = new double[4];
        double[] lHigh = new double[4];
        for (int i = 0; i < 4; i++) {
            double rho = ReferenceMath.tokenRatio(lnNew[i], lnOld[i]);
            l[i] = ReferenceMath.surrogate(rho, adv[i], 0.2, 0.2, 0);
            lHigh[i] = ReferenceMath.surrogate(rho, adv[i], 0.2, 0.28, 0);
        }
        double c = -0.4618802153517006;
        assertClose(l, 2.078460969082652, -0.5773502691896257, c, c);
        assertThat(ReferenceMath.mean(l)).isCloseTo(0.14433756729740632, within(EXACT));
        assertClose(lHigh, 2.1650635094610964, -0.5773502691896257, c, c);
    }

    @Test
    void k3AndK1PerOutputAndExactKl() {
        double[] lnNew = log(NEW);
        double[] lnRef = log(REF);
        double[] k3 = new double[4];
        double[] k1 = new double[4];
        double weighted = 0;
        for (int i = 0; i < 4; i++) {
            k3[i] = ReferenceMath.kl(KlEstimator.K3, lnNew[i], lnRef[i]);
            k1[i] = ReferenceMath.kl(KlEstimator.K1, lnNew[i], lnRef[i]);
            weighted += NEW[i] * k3[i];
        }
        double k = 0.04565126088155247;
        assertClose(k3, 0.023143551314209754, 0, k, k);
        assertThat(k3[0] + k3[1] + k3[2] + k3[3]).isCloseTo(0.11444607307731469, within(EXACT));
        assertClose(k1, 0.2231435513142097, 0, -0.287682072451781, -0.287682072451781);
        assertThat(weighted).isCloseTo(0.025267153921570563, within(EXACT));
        assertThat(ReferenceMath.exactKl(NEW, REF)).isCloseTo(0.025267153921570563, within(EXACT));
        assertThat(ReferenceMath.exactKl(OLD, NEW)).isCloseTo(0.025815408455028527, within(EXACT));
    }

    @Test
    void grpoObjectiveIsMeanOfSurrogateMinusBetaK3() {
        double[] adv = Advantages.advantages(REWARDS, ONE_GROUP, AdvantageOptions.defaults());
        ReferenceMath.LossValues v = ReferenceMath.loss(column(log(NEW)), column(log(OLD)), column(log(REF)),
                adv, ones(4, 1), LossOptions.defaults(), new BatchTotals(4, 4, 1));
        assertThat(-v.loss()).isCloseTo(0.1431931065666332, within(EXACT));
        assertThat(v.klSum()).isCloseTo(0.11444607307731469, within(EXACT));
        // ρ 1.25 > 1.2 with A > 0 (high); 0.75 < 0.8 with A < 0 twice (low)
        assertThat(v.clipHighSum()).isEqualTo(1.0);
        assertThat(v.clipLowSum()).isEqualTo(2.0);
        assertThat(v.clipRegionSum()).isEqualTo(3.0);
        assertThat(v.tokens()).isEqualTo(4.0);
        // one token per sequence: every aggregation of the clipped surrogate gives the same number (cispo is
        // another objective, not an aggregation of this one: CispoLossTest checks it by hand)
        for (LossType type : LossType.values()) {
            if (type == LossType.CISPO) {
                continue;
            }
            LossOptions o = new LossOptions(0.2, 0.2, 0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, type);
            double loss = ReferenceMath.loss(column(log(NEW)), column(log(OLD)), column(log(REF)), adv,
                    ones(4, 1), o, new BatchTotals(4, 4, 1)).loss();
            assertThat(-loss).as(type.configName()).isCloseTo(0.1431931065666332, within(EXACT));
        }
    }

    @Test
    void twoGroupsWithSampleStdAndStdEps() {
        double[] a = Advantages.advantages(new double[] {0, 1, 1, 1}, new int[] {0, 0, 1, 1},
                options(ScaleRewards.GROUP, StdKind.SAMPLE, 1e-6, AdvantageEstimator.GRPO));
        double expected = 0.5 / (Math.sqrt(0.5) + 1e-6);
        assertClose(a, -expected, expected, 0, 0);
        assertThat(expected).isCloseTo(0.70710578, within(1e-8));
        assertThat(Advantages.fracRewardZeroStd(new double[] {0, 1, 1, 1}, new int[] {0, 0, 1, 1}))
                .isEqualTo(0.5);
    }
}
