package io.github.grpo4j.policy;

import io.github.grpo4j.internal.policy.LanguageModelPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.generate.TinyAttentionLm;
import io.github.grpo4j.internal.generate.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformerPolicyTest {
    static final TinyTokenizer TOKENIZER = new TinyTokenizer("abcdefghij");
    static final List<int[]> PROMPTS = List.of(new int[] {2, 3, 4}, new int[] {9, 8, 7, 6, 5}, new int[] {11});
    static final List<int[]> COMPLETIONS = List.of(new int[] {5, 6, 1}, new int[] {2}, new int[] {3, 4, 10, 10, 1});

    static LanguageModelPolicy newPolicy(long seed) {
        return new LanguageModelPolicy(TinyAttentionLm.random(12, 16, 64, seed), TOKENIZER);
    }

    /** Log-softmax rows (in double) of one unpadded full forward over prompt + completion. */
    static double[][] handLogSoftmax(LanguageModelPolicy policy, int[] prompt, int[] completion, double t) {
        int s = prompt.length + completion.length;
        long[] ids = new long[s];
        long[] pos = new long[s];
        long[] mask = new long[s];
        for (int i = 0; i < s; i++) {
            ids[i] = i < prompt.length ? prompt[i] : completion[i - prompt.length];
            pos[i] = i;
            mask[i] = 1;
        }
        int v = policy.model().vocabSize();
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, s);
            float[] logits = policy.model().forward(m.create(ids, shape), m.create(pos, shape), m.create(mask, shape),
                    null).toFloatArray();
            double[][] out = new double[completion.length][v];
            for (int j = 0; j < completion.length; j++) {
                int row = prompt.length - 1 + j;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, logits[row * v + k] / t);
                }
                double sum = 0;
                for (int k = 0; k < v; k++) {
                    sum += Math.exp(logits[row * v + k] / t - max);
                }
                for (int k = 0; k < v; k++) {
                    out[j][k] = logits[row * v + k] / t - max - Math.log(sum);
                }
            }
            return out;
        }
    }

    @Test
    void paddedBatchScoresEqualPerRowUnpaddedLogSoftmaxAndEntropyZeroPastEnd() {
        try (LanguageModelPolicy policy = newPolicy(3); NDManager m = NDManager.newBaseManager()) {
            for (double t : new double[] {1.0, 0.6}) {
                Policy.TokenScores s = policy.score(m, PROMPTS, COMPLETIONS, t);
                assertThat(s.logProbs().getShape()).isEqualTo(new Shape(3, 5));
                assertThat(s.entropy().getShape()).isEqualTo(new Shape(3, 5));
                float[] lp = s.logProbs().toFloatArray();
                float[] ent = s.entropy().toFloatArray();
                for (int r = 0; r < 3; r++) {
                    int[] c = COMPLETIONS.get(r);
                    double[][] ls = handLogSoftmax(policy, PROMPTS.get(r), c, t);
                    for (int j = 0; j < 5; j++) {
                        double expectedLp = j < c.length ? ls[j][c[j]] : 0;
                        double expectedEnt = 0;
                        for (int k = 0; j < c.length && k < ls[j].length; k++) {
                            expectedEnt -= Math.exp(ls[j][k]) * ls[j][k];
                        }
                        assertThat(lp[r * 5 + j]).as("log-prob row %d token %d", r, j)
                                .isCloseTo((float) expectedLp, offset(1e-4f));
                        assertThat(ent[r * 5 + j]).as("entropy row %d token %d", r, j)
                                .isCloseTo((float) expectedEnt, offset(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void scoresAreDifferentiableAndMatchAFiniteDifference() {
        try (LanguageModelPolicy policy = newPolicy(5); NDManager m = NDManager.newBaseManager()) {
            NDArray head = policy.parameters().get("head");
            for (NDArray p : policy.parameters().values()) {
                p.setRequiresGradient(true);
            }
            float analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Policy.TokenScores s = policy.score(m, PROMPTS, COMPLETIONS, 0.8);
                gc.backward(s.logProbs().sum());
            }
            for (NDArray p : policy.parameters().values()) {
                try (NDArray g = p.getGradient()) {
                    assertThat(g.abs().sum().getFloat()).as(p.getName()).isPositive();
                }
            }
            try (NDArray g = head.getGradient()) {
                analytic = g.toFloatArray()[5];
            }
            // central difference on head[0][5], in place
            float h = 1e-2f;
            float plus = totalLogProb(policy, m, 5, h);
            float minus = totalLogProb(policy, m, 5, -2 * h);
            totalLogProb(policy, m, 5, h); // restore
            assertThat(analytic).isCloseTo((plus - minus) / (2 * h), offset(2e-2f * Math.max(1f, Math.abs(analytic))));
        }
    }

    /** Shifts one element of head by delta (kept) and returns the summed log-probs. */
    static float totalLogProb(LanguageModelPolicy policy, NDManager m, int index, float delta) {
        NDArray head = policy.parameters().get("head");
        float[] v = head.toFloatArray();
        v[index] += delta;
        head.set(v);
        try (NDManager scope = m.newSubManager()) {
            return policy.score(scope, PROMPTS, COMPLETIONS, 0.8).logProbs().sum().getFloat();
        }
    }

    @Test
    void copyIsDeepAndMixFromInterpolates() {
        try (LanguageModelPolicy policy = newPolicy(1); LanguageModelPolicy other = newPolicy(2);
                LanguageModelPolicy ref = policy.copy()) {
            float[] before = policy.parameters().get("wq").toFloatArray();
            float[] theirs = other.parameters().get("wq").toFloatArray();
            policy.parameters().get("wq").muli(2f);
            assertThat(ref.parameters().get("wq").toFloatArray()).containsExactly(before);

            ref.mixFrom(other, 0.25);
            float[] mixed = ref.parameters().get("wq").toFloatArray();
            for (int i = 0; i < mixed.length; i++) {
                assertThat(mixed[i]).isCloseTo(0.25f * theirs[i] + 0.75f * before[i], offset(1e-6f));
            }
            ref.mixFrom(other, 1.0);
            assertThat(ref.parameters().get("embed").toFloatArray())
                    .containsExactly(other.parameters().get("embed").toFloatArray());
        }
    }

    @Test
    void mixFromWorksOnParametersThatRequireGradients() {
        try (LanguageModelPolicy policy = newPolicy(1); LanguageModelPolicy other = newPolicy(2)) {
            for (NDArray p : policy.parameters().values()) {
                p.setRequiresGradient(true);
            }
            policy.mixFrom(other, 1.0);
            assertThat(policy.parameters().get("head").toFloatArray())
                    .containsExactly(other.parameters().get("head").toFloatArray());
        }
    }

    @Test
    void saveWritesModelAndTokenizerThatLoadBackToTheSameScores(@TempDir Path dir) {
        try (LanguageModelPolicy policy = newPolicy(4); NDManager m = NDManager.newBaseManager()) {
            policy.save(dir);
            assertThat(Files.exists(dir.resolve("alphabet.txt"))).isTrue();
            try (LanguageModelPolicy loaded = new LanguageModelPolicy(TinyAttentionLm.load(dir), TOKENIZER)) {
                float[] a = policy.score(m, PROMPTS, COMPLETIONS, 1.0).logProbs().toFloatArray();
                float[] b = loaded.score(m, PROMPTS, COMPLETIONS, 1.0).logProbs().toFloatArray();
                assertThat(b).containsExactly(a);
            }
        }
    }

    @Test
    void scoreRejectsMismatchedRowsAndEmptyPrompts() {
        try (LanguageModelPolicy policy = newPolicy(1); NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> policy.score(m, PROMPTS, COMPLETIONS.subList(0, 2), 1.0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> policy.score(m, List.of(new int[0]), List.of(new int[] {2}), 1.0))
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("row 0");
            assertThatThrownBy(() -> policy.score(m, List.of(new int[] {2}), List.of(new int[] {3, 12}), 1.0))
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("completion of row 0 has id 12");
        }
    }

    @Test
    void emptyCompletionScoresZero() {
        try (LanguageModelPolicy policy = newPolicy(1); NDManager m = NDManager.newBaseManager()) {
            Policy.TokenScores s = policy.score(m, List.of(new int[] {2, 3}), List.of(new int[0]), 1.0);
            assertThat(s.logProbs().abs().toFloatArray()).containsOnly(0f);
            assertThat(s.entropy().abs().toFloatArray()).containsOnly(0f);
        }
    }
}
