package io.github.grpo4j.internal.algo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.github.grpo4j.internal.algo.SeedExample.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link GrpoLoss} on NDArrays: golden values, the twin, masking, autograd and gradient accumulation. */
class GrpoLossTest {
    private static final double[] ADV = Advantages.advantages(REWARDS, ONE_GROUP, AdvantageOptions.defaults());

    private static NDArray f32(NDManager m, double[][] v) {
        int b = v.length;
        int t = v[0].length;
        float[] flat = new float[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = (float) v[i][j];
            }
        }
        return m.create(flat, new Shape(b, t)); // [B, T]
    }

    private static NDArray f32(NDManager m, double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return m.create(f); // [B]
    }

    private static LossOptions opts(double epsHigh, double dual, ImportanceSamplingLevel level, double beta,
            KlEstimator kl, LossType type) {
        return new LossOptions(0.2, epsHigh, dual, level, beta, kl, type);
    }

    @ParameterizedTest
    @EnumSource(value = LossType.class, names = "CISPO", mode = EnumSource.Mode.EXCLUDE) // no clipped surrogate
    void seedObjectiveAndMetricsInFloat32(LossType type) {
        try (NDManager m = NDManager.newBaseManager()) {
            LossTerms t = GrpoLoss.compute(f32(m, column(log(NEW))), f32(m, column(log(OLD))),
                    f32(m, column(log(REF))), f32(m, ADV), f32(m, ones(4, 1)),
                    opts(0.2, 0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, type), new BatchTotals(4, 4, 1));
            assertThat(t.loss().getDataType()).as("no promotion to float64").isEqualTo(DataType.FLOAT32);
            assertThat(t.loss().getShape().isScalar()).isTrue();
            assertThat((double) -t.loss().getFloat()).isCloseTo(0.1431931065666332, within(FLOAT));
            assertThat(t.klSum()).isCloseTo(0.11444607307731469, within(FLOAT));
            assertThat(t.clipHighSum()).isEqualTo(1.0);
            assertThat(t.clipLowSum()).isEqualTo(2.0);
            assertThat(t.clipRegionSum()).isEqualTo(3.0);
            assertThat(t.tokens()).isEqualTo(4.0);
        }
    }

    @Test
    void seedRatiosClipsSurrogatesAndKlPerOutputInFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lnNew = f32(m, column(log(NEW))); // [4, 1]
            NDArray lnOld = f32(m, column(log(OLD)));
            NDArray ones = f32(m, ones(4, 1));
            NDArray rho = ImportanceRatios.of(ImportanceSamplingLevel.TOKEN, lnNew.sub(lnOld), ones);
            assertFloats(rho, 1.25, 1.0, 0.75, 0.75);
            assertFloats(ClippedSurrogate.clip(rho, 0.2, 0.2), 1.2, 1.0, 0.8, 0.8);
            NDArray adv = f32(m, ADV).expandDims(1); // [4, 1]
            double c = -0.4618802153517006;
            assertFloats(ClippedSurrogate.surrogate(rho, adv, 0.2, 0.2, 0),
                    2.078460969082652, -0.5773502691896257, c, c);
            assertFloats(ClippedSurrogate.surrogate(rho, adv, 0.2, 0.28, 0),
                    2.1650635094610964, -0.5773502691896257, c, c);
            double k = 0.04565126088155247;
            assertFloats(KlPenalty.of(KlEstimator.K3, lnNew, lnOld), 0.023143551314209754, 0, k, k);
            assertFloats(KlPenalty.of(KlEstimator.K1, lnNew, lnOld),
                    0.2231435513142097, 0, -0.287682072451781, -0.287682072451781);
            assertFloats(KlPenalty.of(KlEstimator.K2, lnNew, lnOld), 0.5 * Math.pow(0.2231435513142097, 2), 0,
                    0.5 * Math.pow(0.287682072451781, 2), 0.5 * Math.pow(0.287682072451781, 2));
        }
    }

    private static void assertFloats(NDArray a, double... expected) {
        float[] v = a.toFloatArray();
        assertThat(v).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) v[i]).as("element %d", i).isCloseTo(expected[i], within(FLOAT));
        }
    }

    @Test
    void seedSurrogateMeanWithBetaZeroAndNoReference() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossTerms t = GrpoLoss.compute(f32(m, column(log(NEW))), f32(m, column(log(OLD))), null,
                    f32(m, ADV), f32(m, ones(4, 1)),
                    opts(0.2, 0, ImportanceSamplingLevel.TOKEN, 0, KlEstimator.K3, LossType.GRPO),
                    new BatchTotals(4, 4, 1));
            assertThat((double) -t.loss().getFloat()).isCloseTo(0.14433756729740632, within(FLOAT));
            assertThat(t.klSum()).isZero();
            LossTerms high = GrpoLoss.compute(f32(m, column(log(NEW))), f32(m, column(log(OLD))), null,
                    f32(m, ADV), f32(m, ones(4, 1)),
                    opts(0.28, 0, ImportanceSamplingLevel.TOKEN, 0, KlEstimator.K3, LossType.GRPO),
                    new BatchTotals(4, 4, 1));
            double expected = (2.1650635094610964 - 0.5773502691896257 - 2 * 0.4618802153517006) / 4;
            assertThat((double) -high.loss().getFloat()).isCloseTo(expected, within(FLOAT));
            assertThat(high.clipHighSum()).isZero(); // 1.25 < 1.28
        }
    }

    @Test
    void intermediatesAreClosedOnlyTheLossStaysInTheCallersManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            Batch batch = Batch.random(3, 4, 3);
            NDArray logp = f32(m, batch.logp);
            NDArray old = f32(m, batch.old);
            NDArray ref = f32(m, batch.ref);
            NDArray adv = f32(m, batch.adv);
            NDArray mask = f32(m, batch.mask);
            int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
            LossTerms t = GrpoLoss.compute(logp, old, ref, adv, mask,
                    new LossOptions(0.2, 0.28, 3, ImportanceSamplingLevel.SEQUENCE, 0.04, KlEstimator.K3,
                            LossType.GRPO),
                    new BatchTotals(4, 8, 3));
            assertThat(((ai.djl.ndarray.BaseNDManager) m).getManagedArrays()).hasSize(before + 1)
                    .contains(t.loss());
            TensorAdvantages.Result a = TensorAdvantages.compute(adv, new int[] {0, 0, 1, 1}, AdvantageOptions.defaults());
            assertThat(((ai.djl.ndarray.BaseNDManager) m).getManagedArrays()).hasSize(before + 2)
                    .contains(a.advantages());
        }
    }

    @ParameterizedTest
    @EnumSource(LossType.class)
    void aMicroBatchWithoutTokensHasLossZeroAndAFiniteGradient(LossType type) {
        // e.g. every completion truncated with mask_truncated_completions on
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray theta = m.full(new Shape(2, 3), Float.NEGATIVE_INFINITY);
            theta.setRequiresGradient(true);
            NDArray nan = m.full(new Shape(2, 3), Float.NaN);
            LossOptions o = new LossOptions(0.2, 0.2, 3, ImportanceSamplingLevel.SEQUENCE, 0.04, KlEstimator.K3, type);
            LossTerms t;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                t = GrpoLoss.compute(theta, nan, nan, m.create(new float[] {1f, -1f}), m.zeros(new Shape(2, 3)), o,
                        new BatchTotals(2, 0, 3));
                gc.backward(t.loss());
            }
            assertThat(t.loss().getFloat()).isEqualTo(0f);
            assertThat(t.tokens()).isZero();
            assertThat(t.klSum()).isZero();
            try (NDArray g = theta.getGradient()) {
                assertThat(g.toFloatArray()).containsOnly(0f);
            }
        }
    }

    @Test
    void betaWithoutReferenceIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = f32(m, ones(2, 2));
            assertThatThrownBy(() -> GrpoLoss.compute(x, x, null, m.zeros(new Shape(2)), x,
                            LossOptions.defaults(), new BatchTotals(2, 4, 2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refLogp");
        }
    }

    /** A random batch with ragged lengths, one empty row, and −inf log-probs in the padding. */
    record Batch(double[][] logp, double[][] old, double[][] ref, double[] adv, double[][] mask) {
        static Batch random(long seed, int b, int t) {
            Random r = new Random(seed);
            double[][] logp = new double[b][t];
            double[][] old = new double[b][t];
            double[][] ref = new double[b][t];
            double[][] mask = new double[b][t];
            double[] adv = new double[b];
            for (int i = 0; i < b; i++) {
                int len = i == 1 ? 0 : 1 + r.nextInt(t);
                adv[i] = r.nextGaussian();
                for (int j = 0; j < t; j++) {
                    boolean on = j < len;
                    mask[i][j] = on ? 1 : 0;
                    logp[i][j] = on ? -3 * r.nextDouble() : Double.NEGATIVE_INFINITY;
                    old[i][j] = on ? logp[i][j] + 0.4 * r.nextGaussian() : Double.NEGATIVE_INFINITY;
                    ref[i][j] = on ? logp[i][j] + 0.4 * r.nextGaussian() : Double.NaN;
                }
            }
            return new Batch(logp, old, ref, adv, mask);
        }

        /** The twin sees the float32-rounded inputs the tensors see. */
        Batch roundedToFloat() {
            return new Batch(round(logp), round(old), round(ref), adv.clone(), mask);
        }

        private static double[][] round(double[][] v) {
            double[][] out = new double[v.length][];
            for (int i = 0; i < v.length; i++) {
                out[i] = new double[v[i].length];
                for (int j = 0; j < v[i].length; j++) {
                    out[i][j] = (float) v[i][j];
                }
            }
            return out;
        }
    }

    @ParameterizedTest
    @EnumSource(LossType.class)
    void matchesTheTwinWithRaggedMasksAndInfinitePadding(LossType type) {
        Batch batch = Batch.random(11, 6, 5);
        Batch exact = batch.roundedToFloat();
        for (ImportanceSamplingLevel level : ImportanceSamplingLevel.values()) {
            for (KlEstimator kl : KlEstimator.values()) {
                LossOptions o = new LossOptions(0.2, 0.28, 3, level, 0.04, kl, type);
                BatchTotals totals = new BatchTotals(6, sum(batch.mask), 7);
                ReferenceMath.LossValues expected = ReferenceMath.loss(
                        exact.logp, exact.old, exact.ref, exact.adv, exact.mask, o, totals);
                try (NDManager m = NDManager.newBaseManager()) {
                    LossTerms t = GrpoLoss.compute(f32(m, batch.logp), f32(m, batch.old), f32(m, batch.ref),
                            f32(m, batch.adv), f32(m, batch.mask), o, totals);
                    String what = type + " " + level + " " + kl;
                    assertThat((double) t.loss().getFloat()).as(what).isCloseTo(expected.loss(), within(FLOAT));
                    assertThat(t.klSum()).as(what).isCloseTo(expected.klSum(), within(1e-5));
                    assertThat(t.clipLowSum()).as(what).isEqualTo(expected.clipLowSum());
                    assertThat(t.clipHighSum()).as(what).isEqualTo(expected.clipHighSum());
                    assertThat(t.clipRegionSum()).as(what).isEqualTo(expected.clipRegionSum());
                    assertThat(t.tokens()).isEqualTo(expected.tokens());
                }
            }
        }
    }

    @Test
    void dualClipFloorsTheSurrogateOfNegativeAdvantagesAtCTimesA() {
        // ρ = e^2 ≈ 7.39 with A = −1: L = min(−7.39, −1.2) = −7.39; dual clip 3 floors it at −3
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = m.create(new float[] {0f, 0f}, new Shape(2, 1));
            NDArray old = m.create(new float[] {-2f, -2f}, new Shape(2, 1));
            NDArray adv = m.create(new float[] {-1f, 1f});
            NDArray mask = m.ones(new Shape(2, 1));
            LossOptions o = opts(0.2, 3, ImportanceSamplingLevel.TOKEN, 0, KlEstimator.K3, LossType.BNPO);
            LossTerms t = GrpoLoss.compute(logp, old, null, adv, mask, o, new BatchTotals(2, 2, 1));
            // tokens: A<0 → L = −3; A>0 → L = min(7.39, 1.2) = 1.2; loss = −(−3 + 1.2)/2 = 0.9
            assertThat((double) t.loss().getFloat()).isCloseTo(0.9, within(FLOAT));
            assertThat(ReferenceMath.surrogate(Math.exp(2), -1, 0.2, 0.2, 3)).isEqualTo(-3.0);
        }
    }

    @ParameterizedTest
    @EnumSource(LossType.class)
    void microBatchesOf1And2And4GiveTheWholeBatchLossAndGradient(LossType type) {
        int b = 8;
        int t = 5;
        Batch batch = Batch.random(5, b, t);
        for (ImportanceSamplingLevel level : ImportanceSamplingLevel.values()) {
            LossOptions o = new LossOptions(0.2, 0.28, 3, level, 0.04, KlEstimator.K3, type);
            BatchTotals totals = new BatchTotals(b, sum(batch.mask), t + 2);
            double[] whole = null;
            double wholeLoss = 0;
            for (int k : new int[] {1, 2, 4}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray theta = f32(m, batch.logp); // [B, T] stands for the policy's log-probs
                    theta.setRequiresGradient(true);
                    NDArray old = f32(m, batch.old);
                    NDArray ref = f32(m, batch.ref);
                    NDArray adv = f32(m, batch.adv);
                    NDArray mask = f32(m, batch.mask);
                    double loss = 0;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        int size = b / k;
                        for (int from = 0; from < b; from += size) {
                            NDIndex rows = new NDIndex(from + ":" + (from + size));
                            LossTerms terms = GrpoLoss.compute(theta.get(rows), old.get(rows), ref.get(rows),
                                    adv.get(rows), mask.get(rows), o, totals);
                            loss += terms.loss().getFloat();
                            gc.backward(terms.loss());
                        }
                    }
                    try (NDArray g = theta.getGradient()) {
                        double[] grad = g.toType(DataType.FLOAT64, false).toDoubleArray();
                        for (double v : grad) {
                            assertThat(v).isFinite();
                        }
                        if (whole == null) {
                            whole = grad;
                            wholeLoss = loss;
                            assertThat(java.util.Arrays.stream(grad).map(Math::abs).max().getAsDouble()).as("the gradient is not trivially zero").isGreaterThan(1e-3);
                        } else {
                            assertThat(loss).as("loss with k=%d %s", k, level).isCloseTo(wholeLoss, within(FLOAT));
                            assertThat(grad).as("gradient with k=%d %s", k, level).containsExactly(whole, within(FLOAT));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = LossType.class, names = "CISPO", mode = EnumSource.Mode.EXCLUDE) // its loss has A·log π
    void atRatioOneWithZeroSumAdvantagesTheLossIsZeroButTheGradientIsNot(LossType type) {
        // μ = 1: π_old = π_θ detached, so ρ = 1 exactly, yet ∇ρ = ∇log π_θ
        double[][] logp = {{-0.5, -1.0, -2.0}, {-0.1, -0.7, -1.3}, {-2.2, -0.3, -0.9}, {-1.1, -1.5, -0.2}};
        double[] adv = {1.5, -0.5, -0.5, -0.5}; // one group, sums to 0; all rows 3 tokens long
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray theta = f32(m, logp);
            theta.setRequiresGradient(true);
            LossOptions o = opts(0.2, 0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, type);
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray detached = theta.stopGradient();
                LossTerms t = GrpoLoss.compute(theta, detached, detached, f32(m, adv), m.ones(new Shape(4, 3)), o,
                        new BatchTotals(4, 12, 3));
                loss = t.loss().getFloat();
                gc.backward(t.loss());
            }
            assertThat(loss).isCloseTo(0f, within(1e-7f));
            try (NDArray g = theta.getGradient()) {
                float[] grad = g.toFloatArray();
                // d loss / d logp_{i,t} = −A_i / 12 for every loss type here (3 tokens, 4 rows, max length 3)
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertThat((double) grad[i * 3 + j]).isCloseTo(-adv[i] / 12, within(FLOAT));
                    }
                }
            }
        }
    }

    private static double sum(double[][] v) {
        double s = 0;
        for (double[] row : v) {
            for (double x : row) {
                s += x;
            }
        }
        return s;
    }
}
