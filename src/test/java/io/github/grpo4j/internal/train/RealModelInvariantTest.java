package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariants of the real Transformer behind LanguageModelPolicy (the generate tests use test doubles). */
class RealModelInvariantTest {

    @Test
    void sampledLogProbsEqualTeacherForcedLogProbsOfTheRealTransformer() {
        var tok = TinyModels.tokenizer();
        try (LanguageModelPolicy policy = TinyModels.policy(31); NDManager m = NDManager.newBaseManager()) {
            List<int[]> prompts = List.of(tok.encode("abcdefab"), tok.encode("c"), tok.encode("fedc"));
            for (double temperature : new double[] {1.0, 0.6}) {
                SamplingParams p = new SamplingParams(temperature, 0, 1.0, 0.0, 1.0, 7, List.of());
                Completions c = policy.generate(prompts, 3, p, 99);
                List<int[]> rowPrompts = new ArrayList<>();
                List<int[]> rows = new ArrayList<>();
                for (int r = 0; r < c.size(); r++) {
                    rowPrompts.add(prompts.get(c.promptIndex()[r]));
                    rows.add(c.tokens()[r]);
                }
                float[][] scored = toRows(policy.score(m, rowPrompts, rows, temperature).logProbs().toFloatArray(),
                        c.size(), 7);
                for (int r = 0; r < c.size(); r++) {
                    for (int j = 0; j < c.tokens()[r].length; j++) {
                        assertThat((double) scored[r][j]).as("row %d token %d at T=%s", r, j, temperature)
                                .isCloseTo(c.logProbs()[r][j], within(1e-4));
                    }
                }
            }
        }
    }

    private static float[][] toRows(float[] flat, int rows, int maxCols) {
        int cols = flat.length / rows;
        assertThat(cols).isLessThanOrEqualTo(maxCols);
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }
}
