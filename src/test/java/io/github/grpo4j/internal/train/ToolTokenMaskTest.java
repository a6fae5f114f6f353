package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.GrpoLoss;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.algo.AdvantageResult;
import io.github.grpo4j.policy.Completions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tool results inside an episode are conditioning only: the loss (policy term, KL penalty and entropy
 * bonus together) has exactly zero gradient with respect to the logits at their positions, and the
 * length the step reports counts the model's tokens only.
 */
class ToolTokenMaskTest {

    @Test
    void theLossHasExactlyZeroGradientOnToolResultLogits() {
        int b = 3, t = 7, v = 5;
        // row 0: model, model, tool, tool, tool, model, model; row 1: all model (single turn); row 2: 4 tokens
        boolean[][] sampled = {
            {true, true, false, false, false, true, true},
            {true, true, true, true, true, true, true},
            {true, false, false, true},
        };
        int[][] tokens = {{1, 2, 3, 4, 0, 1, 2}, {4, 3, 2, 1, 0, 1, 2}, {2, 2, 3, 1}};
        float[][] lp = {new float[7], new float[7], new float[4]};
        Completions c = new Completions(tokens, lp, new boolean[3], new int[] {0, 0, 0}, sampled);
        Prompt p = new Prompt("q", new int[] {1}, Map.of());
        Rollouts rollouts = Rollouts.generated(List.of(p), c, List.of("x", "y", "z"))
                .withAdvantages(new AdvantageResult(new double[] {1.0, -0.5, 0.7}, new boolean[3], 0.0));
        MicroBatch mb = rollouts.select(new int[] {0, 1, 2}, false);
        assertThat(mb.lossTokens()).isEqualTo(4 + 7 + 2);

        Random rng = new Random(1);
        float[] raw = new float[b * t * v];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(raw, new Shape(b, t, v));
            logits.setRequiresGradient(true);
            long[] ids = new long[b * t];
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < tokens[r].length; j++) {
                    ids[r * t + j] = tokens[r][j];
                }
            }
            NDArray oldLogp = m.randomNormal(-1.5f, 0.3f, new Shape(b, t), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray refLogp = m.randomNormal(-1.5f, 0.3f, new Shape(b, t), ai.djl.ndarray.types.DataType.FLOAT32);
            LossOptions options = new LossOptions(0.2, 0.28, 3.0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3,
                    LossType.DAPO, 0.01, 1.0);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logSoftmax = logits.logSoftmax(-1);
                NDArray logp = logSoftmax.gather(m.create(ids, new Shape(b, t, 1)), -1).squeeze(-1); // [b, t]
                NDArray entropy = logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg(); // [b, t]
                NDArray mask = mb.mask(m, new Shape(b, t));
                var terms = GrpoLoss.compute(logp, oldLogp, refLogp, m.create(mb.advantages()), mask, options,
                        new BatchTotals(3, mb.lossTokens(), t), entropy);
                gc.backward(terms.loss());
            }
            float[] grad = logits.getGradient().toFloatArray();
            int nonZeroModel = 0;
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < t; j++) {
                    boolean model = j < tokens[r].length && sampled[r][j];
                    for (int k = 0; k < v; k++) {
                        float g = grad[(r * t + j) * v + k];
                        if (!model) {
                            assertThat(g).as("gradient at row %d token %d (tool result or padding)", r, j).isEqualTo(0f);
                        } else if (g != 0f) {
                            nonZeroModel++;
                        }
                    }
                }
            }
            assertThat(nonZeroModel).as("non-zero gradients on the model's tokens (precondition)").isGreaterThan(40);
        }
        assertThat(rollouts.lengths()).containsExactly(4, 7, 2);
    }
}
