package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Invariants of the GRPO math, on the double twin and on NDArrays. */
class AlgoPropertiesTest {

    /** Rewards of several groups of 1–8 completions, rewards on a coarse grid so ties happen. */
    @Provide
    Arbitrary<List<double[]>> groupedRewards() {
        Arbitrary<double[]> group = Arbitraries.integers().between(-4, 8).map(i -> i / 4.0)
                .array(double[].class).ofMinSize(1).ofMaxSize(8);
        return group.list().ofMinSize(1).ofMaxSize(5);
    }

    private static double[] flatten(List<double[]> groups) {
        return groups.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static int[] indices(List<double[]> groups) {
        List<Integer> idx = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (int k = 0; k < groups.get(g).length; k++) {
                idx.add(g);
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    @Property(tries = 200)
    void groupAdvantagesHaveMeanZeroAndUnitStdInTheChosenConvention(
            @ForAll("groupedRewards") List<double[]> groups, @ForAll StdKind std) {
        AdvantageOptions o = new AdvantageOptions(ScaleRewards.GROUP, std, 0, AdvantageEstimator.GRPO);
        double[] rewards = flatten(groups);
        int[] index = indices(groups);
        double[] twin = Advantages.advantages(rewards, index, o);
        double[] tensor;
        try (NDManager m = NDManager.newBaseManager()) {
            tensor = TensorAdvantages.compute(m.create(rewards), index, o).advantages().toDoubleArray();
        }
        int at = 0;
        for (double[] g : groups) {
            double[] a = java.util.Arrays.copyOfRange(twin, at, at + g.length);
            double[] t = java.util.Arrays.copyOfRange(tensor, at, at + g.length);
            at += g.length;
            assertThat(ReferenceMath.mean(a)).isCloseTo(0.0, within(1e-12));
            assertThat(ReferenceMath.mean(t)).isCloseTo(0.0, within(1e-12));
            if (ReferenceMath.std(g, std) > 0) {
                assertThat(ReferenceMath.std(a, std)).isCloseTo(1.0, within(1e-12));
                assertThat(ReferenceMath.std(t, std)).isCloseTo(1.0, within(1e-12));
            } else {
                assertThat(a).containsOnly(0.0);
                assertThat(t).containsOnly(0.0);
            }
        }
    }

    @Property(tries = 200)
    void ndarrayAdvantagesEqualTheTwinInFloat32(
            @ForAll("groupedRewards") List<double[]> groups,
            @ForAll ScaleRewards scale,
            @ForAll StdKind std,
            @ForAll AdvantageEstimator estimator,
            @ForAll boolean withEps) {
        AdvantageOptions o = new AdvantageOptions(scale, std, withEps ? 1e-4 : 0, estimator);
        double[] rewards = flatten(groups); // multiples of 1/4: exact in float32
        int[] index = indices(groups);
        double[] twin = Advantages.advantages(rewards, index, o);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(rewards).toType(DataType.FLOAT32, false);
            TensorAdvantages.Result res = TensorAdvantages.compute(r, index, o);
            float[] a = res.advantages().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertThat((double) a[i]).isCloseTo(twin[i], within(1e-6 * Math.max(1, Math.abs(twin[i]))));
            }
            assertThat(res.zeroStdRow()).containsExactly(Advantages.zeroStdRows(rewards, index));
            assertThat(res.fracRewardZeroStd()).isEqualTo(Advantages.fracRewardZeroStd(rewards, index));
        }
    }

    @Property(tries = 300)
    void clippedRatioStaysWithinBounds(
            @ForAll @DoubleRange(min = -10, max = 10) @Scale(6) double logRatio,
            @ForAll @DoubleRange(min = 0, max = 0.9) double epsLow,
            @ForAll @DoubleRange(min = 0, max = 2) double epsHigh) {
        double c = ReferenceMath.clip(Math.exp(logRatio), epsLow, epsHigh);
        assertThat(c).isBetween(1 - epsLow, 1 + epsHigh);
        try (NDManager m = NDManager.newBaseManager()) {
            float t = ClippedSurrogate.clip(m.create(new float[] {(float) Math.exp(logRatio)}), epsLow, epsHigh)
                    .toFloatArray()[0];
            assertThat(t).isBetween((float) (1 - epsLow), (float) (1 + epsHigh));
        }
    }

    @Property(tries = 300)
    void k3IsNonNegativeAndZeroExactlyWhenLogProbsAreEqual(
            @ForAll @DoubleRange(min = -30, max = 0) @Scale(6) double logp,
            @ForAll @DoubleRange(min = 1e-6, max = 30) @Scale(8) double gap,
            @ForAll boolean up) {
        double ref = up ? logp + gap : logp - gap;
        assertThat(ReferenceMath.kl(KlEstimator.K3, logp, logp)).isEqualTo(0.0);
        assertThat(ReferenceMath.kl(KlEstimator.K3, logp, ref)).isGreaterThan(0.0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lp = m.create(new float[] {(float) logp, (float) logp});
            NDArray rf = m.create(new float[] {(float) logp, (float) ref});
            float[] k3 = KlPenalty.of(KlEstimator.K3, lp, rf).toFloatArray();
            assertThat(k3[0]).isEqualTo(0f);
            assertThat(k3[1]).isGreaterThanOrEqualTo(0f);
        }
    }

    @Property(tries = 100)
    void ndarrayLossEqualsTheTwin(
            @ForAll @IntRange(min = 1, max = 1000) int seed,
            @ForAll LossType type,
            @ForAll ImportanceSamplingLevel level,
            @ForAll KlEstimator kl,
            @ForAll("dualClips") double dualClip) {
        GrpoLossTest.Batch batch = GrpoLossTest.Batch.random(seed, 4, 6);
        GrpoLossTest.Batch exact = batch.roundedToFloat();
        LossOptions o = new LossOptions(0.2, 0.28, dualClip, level, 0.04, kl, type);
        double tokens = 0;
        for (double[] row : batch.mask()) {
            for (double v : row) {
                tokens += v;
            }
        }
        BatchTotals totals = new BatchTotals(4, tokens, 6);
        ReferenceMath.LossValues expected = ReferenceMath.loss(
                exact.logp(), exact.old(), exact.ref(), exact.adv(), exact.mask(), o, totals);
        try (NDManager m = NDManager.newBaseManager()) {
            LossTerms t = GrpoLoss.compute(f32(m, batch.logp()), f32(m, batch.old()), f32(m, batch.ref()),
                    m.create(batch.adv()).toType(DataType.FLOAT32, false), f32(m, batch.mask()), o, totals);
            assertThat((double) t.loss().getFloat()).isCloseTo(expected.loss(), within(1e-6));
            assertThat(t.klSum()).isCloseTo(expected.klSum(), within(1e-5));
            assertThat(t.clipRegionSum()).isEqualTo(expected.clipRegionSum());
        }
    }

    @Provide
    Arbitrary<Double> dualClips() {
        return Arbitraries.of(0.0, 3.0);
    }

    private static NDArray f32(NDManager m, double[][] v) {
        return m.create(v).toType(DataType.FLOAT32, false); // [B, T]
    }

}
