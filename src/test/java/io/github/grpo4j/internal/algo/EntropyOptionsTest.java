package io.github.grpo4j.internal.algo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code entropy_coeff} and {@code top_entropy_quantile} against hand computations. Two completions
 * (3 and 2 tokens, one padding slot), μ = 1 so ρ = 1, β = 0, dapo aggregation over N = 5 tokens.
 */
class EntropyOptionsTest {
    private static final float[] ENTROPY = {0.1f, 0.5f, 0.9f, 0.7f, 0.3f, 5.0f}; // last: padding
    private static final float[] MASK = {1, 1, 1, 1, 1, 0};
    private static final Shape BT = new Shape(2, 3);

    private static LossOptions options(double coeff, double quantile) {
        return new LossOptions(0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, 0.0, KlEstimator.K3, LossType.DAPO,
                coeff, quantile);
    }

    @Test
    void theQuantileThresholdIsTorchsLinearInterpolation() {
        // valid entropies sorted: 0.1 0.3 0.5 0.7 0.9; q = 0.4 → the 0.6-quantile: position 0.6·4 = 2.4
        // → 0.5 + 0.4·(0.7 − 0.5) = 0.58 → kept: 0.9 and 0.7 (the padding's 5.0 never counts)
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray keep = EntropyMask.highEntropy(m.create(ENTROPY, BT), m.create(MASK, BT).gt(0), 0.4);
            assertThat(keep.toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0);
            // q = 0.5 → median 0.5 itself: ties at the threshold are kept
            assertThat(EntropyMask.highEntropy(m.create(ENTROPY, BT), m.create(MASK, BT).gt(0), 0.5).toFloatArray())
                    .containsExactly(0, 1, 1, 1, 0, 0);
            assertThat(EntropyMask.highEntropy(m.create(ENTROPY, BT), m.create(MASK, BT).gt(0), 1.0).toFloatArray())
                    .containsExactly(1, 1, 1, 1, 1, 0);
        }
    }

    @Test
    void onlyHighEntropyTokensGetThePolicyGradientButAllCountInTheNormaliser() {
        // ρ = 1: ∂loss/∂log π = −A / N on kept tokens, 0 on the others; A = (+1, −2), N = 5
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = m.create(new float[] {-1, -2, -0.5f, -1.5f, -0.3f, 0}, BT);
            logp.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                LossTerms t = GrpoLoss.compute(logp, logp.stopGradient(), null, m.create(new float[] {1, -2}),
                        m.create(MASK, BT), options(0, 0.4), new BatchTotals(2, 5, 3), m.create(ENTROPY, BT));
                // value: −(ρ·A) summed over kept tokens / N = −(1 + (−2)) / 5 = 0.2
                assertThat((double) t.loss().getFloat()).isCloseTo(0.2, within(1e-6));
                gc.backward(t.loss());
            }
            assertThat(logp.getGradient().toFloatArray())
                    .usingComparatorWithPrecision(1e-6f)
                    .containsExactly(0f, 0f, -0.2f, 0.4f, 0f, 0f);
        }
    }

    @Test
    void theEntropyBonusSubtractsCoeffTimesTheAggregatedEntropyAndPushesEntropyUp() {
        // with A = 0 the surrogate is 0: loss = −c · Σ H m / N = −0.1 · 2.5 / 5 = −0.05; ∂loss/∂H = −c / N
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray entropy = m.create(ENTROPY, BT);
            entropy.setRequiresGradient(true);
            NDArray logp = m.create(new float[] {-1, -2, -0.5f, -1.5f, -0.3f, 0}, BT);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                LossTerms t = GrpoLoss.compute(logp, logp, null, m.zeros(new Shape(2)), m.create(MASK, BT),
                        options(0.1, 1.0), new BatchTotals(2, 5, 3), entropy);
                assertThat((double) t.loss().getFloat()).isCloseTo(-0.05, within(1e-6));
                gc.backward(t.loss());
            }
            assertThat(entropy.getGradient().toFloatArray())
                    .usingComparatorWithPrecision(1e-7f)
                    .containsExactly(-0.02f, -0.02f, -0.02f, -0.02f, -0.02f, 0f);
        }
    }
}
