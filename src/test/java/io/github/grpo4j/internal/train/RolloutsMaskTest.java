package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.policy.Completions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dynamic sampling selects and concatenates scored batches: multi-turn episodes keep their mask of sampled
 * tokens through both, so tool results stay out of the loss.
 */
class RolloutsMaskTest {

    static Rollouts batch(boolean[][] sampled) {
        int n = sampled.length;
        int[][] tokens = new int[n][];
        for (int r = 0; r < n; r++) {
            tokens[r] = new int[sampled[r].length];
        }
        Completions c = new Completions(tokens, new float[n][0], new boolean[n], new int[n], sampled);
        List<Prompt> prompts = List.of(new Prompt("p", new int[] {1}, Map.of()));
        List<String> texts = java.util.Collections.nCopies(n, "x");
        double[] zeros = new double[n];
        return Rollouts.generated(prompts, c, texts)
                .withRewards(new RewardResult(List.of("r"), new double[] {1.0}, new double[][] {zeros}, zeros, new int[1],
                        new int[1]));
    }

    @Test
    void rowsAndConcatKeepTheMaskOfSampledTokens() {
        boolean[][] mask = {{true, false, true}, {true, true}, {false, true}};
        Rollouts kept = batch(mask).rows(new int[] {2, 0});
        assertThat(kept.completions().sampled()).isNotNull();
        assertThat(kept.completions().sampled()[0]).containsExactly(false, true);
        assertThat(kept.completions().sampled()[1]).containsExactly(true, false, true);
        assertThat(kept.lengths()).containsExactly(1, 2);

        Rollouts joined = Rollouts.concat(List.of(kept, batch(new boolean[][] {{true, false}})));
        assertThat(joined.completions().sampled().length).isEqualTo(3);
        assertThat(joined.completions().sampled()[2]).containsExactly(true, false);
        assertThat(joined.lengths()).containsExactly(1, 2, 1);
    }
}
