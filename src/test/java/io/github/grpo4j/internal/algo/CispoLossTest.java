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
 * {@code loss_type: cispo} against a hand computation. Two completions, ε_max = 1.5, β = 0:
 *
 * <pre>
 *   row 0, A = +1:   π = (0.5, 0.2), π_old = (0.25, 0.4)  → ρ = (2, 0.5) → w = min(ρ, 1.5) = (1.5, 0.5)
 *   row 1, A = −0.5: π = (0.8, pad), π_old = (0.4, pad)   → ρ = 2        → w = 1.5
 *   objective per token w·A·log π: 1.5·ln 0.5, 0.5·ln 0.2, 1.5·(−0.5)·ln 0.8
 *   loss = −(sum) / 3 tokens (dapo normalisation)
 *   ∂loss/∂log π = −w·A / 3 (w is a constant): (−0.5, −1/6), (0.25, 0)
 *   cispo_clip_ratio count: ρ &gt; 1.5 and A &gt; 0: only row 0's first token
 * </pre>
 */
class CispoLossTest {
    private static final double EPS_MAX = 1.5;

    private static LossOptions cispo() {
        return new LossOptions(0.2, EPS_MAX, 0.0, ImportanceSamplingLevel.TOKEN, 0.0, KlEstimator.K3, LossType.CISPO);
    }

    private static final double[][] LOGP = {{Math.log(0.5), Math.log(0.2)}, {Math.log(0.8), Double.NEGATIVE_INFINITY}};
    private static final double[][] OLD = {{Math.log(0.25), Math.log(0.4)}, {Math.log(0.4), Double.NaN}};
    private static final double[] ADV = {1.0, -0.5};
    private static final double[][] MASK = {{1, 1}, {1, 0}};

    private static NDArray f32(NDManager m, double[][] v) {
        return m.create(new float[] {(float) v[0][0], (float) v[0][1], (float) v[1][0], (float) v[1][1]}, new Shape(2, 2));
    }

    @Test
    void lossGradientAndClipCountMatchTheHandComputation() {
        double expectedLoss = -(1.5 * Math.log(0.5) + 0.5 * Math.log(0.2) + 1.5 * -0.5 * Math.log(0.8)) / 3;
        assertThat(expectedLoss).isCloseTo(0.5590273545, within(1e-9));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = f32(m, LOGP);
            logp.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                LossTerms t = GrpoLoss.compute(logp, f32(m, OLD), null, m.create(new float[] {1f, -0.5f}),
                        f32(m, MASK), cispo(), new BatchTotals(2, 3, 2));
                assertThat((double) t.loss().getFloat()).isCloseTo(expectedLoss, within(1e-6));
                assertThat(t.clipHighSum()).isEqualTo(1.0);
                assertThat(t.clipLowSum()).isZero();
                assertThat(t.tokens()).isEqualTo(3.0);
                gc.backward(t.loss());
            }
            float[] grad = logp.getGradient().toFloatArray();
            // a weight that kept its gradient would give ∂/∂log π of ρ·A·log π = ρA(1 + log π) on token (0,1)
            assertThat(grad[0]).isCloseTo(-0.5f, within(1e-6f));
            assertThat(grad[1]).isCloseTo(-1f / 6, within(1e-6f));
            assertThat(grad[2]).isCloseTo(0.25f, within(1e-6f));
            assertThat(grad[3]).isZero();
        }
    }

    @Test
    void theDoubleTwinAgrees() {
        double[][] old = {{OLD[0][0], OLD[0][1]}, {OLD[1][0], 0}};
        double[][] logp = {{LOGP[0][0], LOGP[0][1]}, {LOGP[1][0], 0}};
        ReferenceMath.LossValues v = ReferenceMath.loss(logp, old, null, ADV, MASK, cispo(), new BatchTotals(2, 3, 2));
        assertThat(v.loss()).isCloseTo(0.5590273545, within(1e-9));
        assertThat(v.clipHighSum()).isEqualTo(1.0);
    }

    @Test
    void unlikeTheClippedSurrogateEveryTokenKeepsItsGradient() {
        // ρ = 2 > 1 + ε_high with A > 0: PPO's clip zeroes this token's gradient, CISPO does not
        try (NDManager m = NDManager.newBaseManager()) {
            for (LossType type : new LossType[] {LossType.DAPO, LossType.CISPO}) {
                NDArray logp = m.create(new float[] {(float) Math.log(0.5)}, new Shape(1, 1));
                logp.setRequiresGradient(true);
                LossOptions o = new LossOptions(0.2, type == LossType.CISPO ? EPS_MAX : 0.28, 0.0,
                        ImportanceSamplingLevel.TOKEN, 0.0, KlEstimator.K3, type);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(GrpoLoss.compute(logp, m.create(new float[] {(float) Math.log(0.25)}, new Shape(1, 1)),
                            null, m.create(new float[] {1f}), m.ones(new Shape(1, 1)), o, new BatchTotals(1, 1, 1)).loss());
                }
                float g = logp.getGradient().getFloat();
                if (type == LossType.CISPO) {
                    assertThat(g).isCloseTo((float) -EPS_MAX, within(1e-6f));
                } else {
                    assertThat(g).isZero();
                }
            }
        }
    }
}
