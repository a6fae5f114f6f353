package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.config.LrSchedulerType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    /** Loss Σ c·w² has gradient 2c·w; compare three updates with PyTorch's AdamW written as a loop. */
    @Test
    void threeUpdatesMatchPytorchAdamWFormulaInDouble() {
        double[] w0 = {1.0, -2.0, 0.5};
        double[] c = {1.0, 0.3, -2.0};
        double lr = 0.1;
        var opt = new AdamW.Options(0.9, 0.99, 1e-8, 0.01);
        double[] w = w0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray p = mgr.create(new float[] {1.0f, -2.0f, 0.5f});
            p.setRequiresGradient(true);
            NDArray coef = mgr.create(new float[] {1.0f, 0.3f, -2.0f});
            Map<String, NDArray> params = new LinkedHashMap<>(Map.of("w", p));
            try (AdamW adam = new AdamW(mgr, params, opt)) {
                for (int t = 1; t <= 3; t++) {
                    Gradients.zero(params);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.mul(p).mul(coef).sum());
                    }
                    adam.update(lr);
                    for (int i = 0; i < 3; i++) {
                        double g = 2 * c[i] * w[i];
                        w[i] -= lr * opt.weightDecay() * w[i];
                        m[i] = 0.9 * m[i] + 0.1 * g;
                        v[i] = 0.99 * v[i] + 0.01 * g * g;
                        double mh = m[i] / (1 - Math.pow(0.9, t));
                        double vh = v[i] / (1 - Math.pow(0.99, t));
                        w[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
                    }
                }
                float[] got = p.toFloatArray();
                for (int i = 0; i < 3; i++) {
                    assertThat((double) got[i]).isCloseTo(w[i], within(1e-5));
                }
                assertThat(adam.step()).isEqualTo(3);
            }
        }
    }

    /** Σ c·w² on {@code p}: one backward pass, then one AdamW update. */
    private static void quadraticStep(AdamW adam, Map<String, NDArray> params, NDArray coef) {
        NDArray p = params.get("w");
        Gradients.zero(params);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(p).mul(coef).sum());
        }
        adam.update(0.1);
    }

    @Test
    void stateWrittenAndLoadedIntoAFreshOptimizerContinuesExactlyAsTheOriginal() {
        var opt = new AdamW.Options(0.9, 0.99, 1e-8, 0.01);
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray coef = mgr.create(new float[] {1.0f, 0.3f, -2.0f});
            NDArray a = mgr.create(new float[] {1.0f, -2.0f, 0.5f});
            a.setRequiresGradient(true);
            Map<String, NDArray> pa = new LinkedHashMap<>(Map.of("w", a));
            try (AdamW original = new AdamW(mgr, pa, opt)) {
                quadraticStep(original, pa, coef);
                quadraticStep(original, pa, coef);
                // the checkpoint: moments as float arrays, the update count, the weights
                Map<String, float[]> saved = new LinkedHashMap<>();
                original.state().forEach((k, v) -> saved.put(k, v.toFloatArray()));
                assertThat(saved).containsOnlyKeys("m.w", "v.w");
                assertThat(saved.get("m.w")).as("precondition: moments are non-zero").doesNotContain(0f);

                NDArray b = mgr.create(a.toFloatArray());
                b.setRequiresGradient(true);
                Map<String, NDArray> pb = new LinkedHashMap<>(Map.of("w", b));
                try (AdamW restored = new AdamW(mgr, pb, opt)) {
                    restored.load(saved, original.step());
                    assertThat(restored.step()).isEqualTo(2);
                    assertThat(restored.state().get("m.w").toFloatArray()).containsExactly(saved.get("m.w"));
                    assertThat(restored.state().get("v.w").toFloatArray()).containsExactly(saved.get("v.w"));

                    quadraticStep(original, pa, coef);
                    quadraticStep(restored, pb, coef);
                    assertThat(restored.step()).isEqualTo(original.step()).isEqualTo(3);
                    assertThat(b.toFloatArray()).containsExactly(a.toFloatArray());
                    assertThat(restored.state().get("m.w").toFloatArray())
                            .containsExactly(original.state().get("m.w").toFloatArray());
                    assertThat(restored.state().get("v.w").toFloatArray())
                            .containsExactly(original.state().get("v.w").toFloatArray());
                }
            }
        }
    }

    @Test
    void gradientClippingScalesToMaxNormAndReportsNormBeforeClipping() {
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray a = mgr.create(new float[] {3f});
            NDArray b = mgr.create(new float[] {4f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("a", a);
            params.put("b", b);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // gradients equal the values: 3 and 4, norm 5
                gc.backward(a.mul(a).add(b.mul(b)).div(2).sum());
            }
            double norm = Gradients.clipByGlobalNorm(params, 1.0);
            assertThat(norm).isCloseTo(5.0, within(1e-6));
            assertThat(Gradients.globalNorm(params)).isCloseTo(1.0, within(1e-5));
            Gradients.zero(params);
            assertThat(Gradients.globalNorm(params)).isZero();
        }
    }

    @Test
    void scheduleWarmsUpThenDecaysLikeTransformers() {
        var linear = new LrSchedule(LrSchedulerType.LINEAR, 1.0, 2, 10);
        assertThat(linear.at(0)).isEqualTo(0.0);
        assertThat(linear.at(1)).isEqualTo(0.5);
        assertThat(linear.at(2)).isEqualTo(1.0);
        assertThat(linear.at(6)).isCloseTo(0.5, within(1e-12));
        assertThat(linear.at(10)).isEqualTo(0.0);
        var cosine = new LrSchedule(LrSchedulerType.COSINE, 2.0, 0, 10);
        assertThat(cosine.at(0)).isEqualTo(2.0);
        assertThat(cosine.at(5)).isCloseTo(1.0, within(1e-12));
        assertThat(cosine.at(10)).isCloseTo(0.0, within(1e-12));
        assertThat(new LrSchedule(LrSchedulerType.CONSTANT, 3.0, 0, 10).at(7)).isEqualTo(3.0);
    }

    /** Three updates of Σ c·w² over a [37, 16] weight with weight decay; returns the weights and moments. */
    private static float[][] blockedRun(long blockBytes) {
        try (NDManager mgr = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray w = mgr.randomNormal(new Shape(37, 16));
            NDArray coef = mgr.randomNormal(new Shape(37, 16));
            w.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>(Map.of("w", w));
            try (AdamW adam = new AdamW(mgr, params, new AdamW.Options(0.9, 0.99, 1e-8, 0.01), blockBytes)) {
                for (int t = 0; t < 3; t++) {
                    Gradients.zero(params);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(w.mul(w).mul(coef).sum());
                    }
                    adam.update(0.1);
                }
                return new float[][] {w.toFloatArray(), adam.state().get("m.w").toFloatArray(),
                        adam.state().get("v.w").toFloatArray()};
            }
        }
    }

    @Test
    void largeTensorsUpdatedInBlocksOfRowsGiveTheSameBits() {
        float[][] whole = blockedRun(AdamW.BLOCK_BYTES);
        // 5 rows of 16 floats a block: 8 blocks, the last one of 2 rows; 1 byte: one row a block
        for (long block : new long[] {5 * 16 * 4, 1}) {
            float[][] blocked = blockedRun(block);
            assertThat(blocked[1]).as("precondition: moments move").doesNotContain(0f);
            for (int i = 0; i < 3; i++) {
                assertThat(blocked[i]).as("block %d bytes, array %d", block, i).containsExactly(whole[i]);
            }
        }
        try (NDManager mgr = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            assertThat(whole[0]).as("precondition: the weights changed")
                    .isNotEqualTo(mgr.randomNormal(new Shape(37, 16)).toFloatArray());
        }
    }
}
