package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backward runs after {@code score} has closed its own arrays. Arrays that autograd saved (the embedding's
 * ids, the gather's index, the mask) must still be valid then, even after Java has collected garbage and
 * reused freed native memory: the gradients must not change.
 */
class ScoreLifetimeTest {

    private static Map<String, float[]> gradients(boolean churnMemory) {
        return gradients(churnMemory, null);
    }

    /** With {@code loss} set, backward goes through the whole GRPO loss instead of Σ log-probs. */
    private static Map<String, float[]> gradients(boolean churnMemory, io.github.grpo4j.internal.algo.LossOptions loss) {
        try (LanguageModelPolicy policy = TinyModels.policy(21); NDManager m = NDManager.newBaseManager()) {
            var tok = TinyModels.tokenizer();
            List<int[]> prompts = List.of(tok.encode("abcde"), tok.encode("fa"));
            List<int[]> completions = List.of(tok.encode("fff"), tok.encode("abcdefab"));
            for (NDArray p : policy.parameters().values()) {
                p.setRequiresGradient(true);
            }
            Gradients.zero(policy.parameters());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logp = policy.score(m, prompts, completions, 0.7).logProbs(); // [2, 8]
                NDArray objective = logp.sum();
                if (loss != null) {
                    long[] shape = logp.getShape().getShape();
                    // π_old and π_ref away from π_θ, so ratios clip and KL is non-zero
                    NDArray old = logp.stopGradient().add(m.randomUniform(-0.5f, 0.5f, logp.getShape()));
                    NDArray ref = logp.stopGradient().add(m.randomUniform(-1f, 1f, logp.getShape()));
                    NDArray mask = m.ones(logp.getShape());
                    mask.set(new ai.djl.ndarray.index.NDIndex("0, 3:"), 0f);
                    NDArray adv = m.create(new float[] {1.5f, -0.7f});
                    objective = io.github.grpo4j.internal.algo.GrpoLoss.compute(logp, old, ref, adv, mask, loss,
                            new io.github.grpo4j.internal.algo.BatchTotals((int) shape[0], 11, 8)).loss();
                }
                if (churnMemory) {
                    churn();
                }
                gc.backward(objective);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (var e : policy.parameters().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                }
            }
            return out;
        }
    }

    /** Collect garbage and fill fresh direct buffers with a pattern, so freed native memory holds junk. */
    private static void churn() {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 200; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(256);
                while (b.hasRemaining()) {
                    b.put((byte) 0x7f);
                }
                junk.add(b);
            }
        }
        assertThat(junk).isNotEmpty();
    }

    @Test
    void gradientsDoNotDependOnWhetherFreedJavaMemoryWasReusedBeforeBackward() {
        assertSame(gradients(false), gradients(true));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(io.github.grpo4j.config.KlEstimator.class)
    void lossGradientsThroughClipKlAndAggregationSurviveFreedJavaMemory(io.github.grpo4j.config.KlEstimator kl) {
        for (io.github.grpo4j.config.LossType type : io.github.grpo4j.config.LossType.values()) {
            var o = new io.github.grpo4j.internal.algo.LossOptions(0.2, 0.28, 3.0,
                    io.github.grpo4j.config.ImportanceSamplingLevel.TOKEN, 0.04, kl, type);
            ai.djl.engine.Engine.getInstance().setRandomSeed(5);
            Map<String, float[]> quiet = gradients(false, o);
            ai.djl.engine.Engine.getInstance().setRandomSeed(5);
            Map<String, float[]> churned = gradients(true, o);
            assertSame(quiet, churned);
        }
    }

    private static void assertSame(Map<String, float[]> quiet, Map<String, float[]> churned) {
        for (String k : quiet.keySet()) {
            float[] a = quiet.get(k);
            float[] b = churned.get(k);
            double scale = 0;
            for (float v : a) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < a.length; i++) {
                // equal up to float summation order (the embedding's backward adds rows in parallel)
                assertThat((double) b[i]).as(k + "[" + i + "]").isCloseTo(a[i], org.assertj.core.api.Assertions.within(1e-5 * scale + 1e-12));
            }
        }
        float[] embedding = quiet.get("model.embed_tokens.weight");
        assertThat(embedding).isNotEqualTo(new float[embedding.length]);
    }
}
