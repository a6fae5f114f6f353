package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generation leaves no arrays behind (its KV cache and buffers are freed before the update) and a
 * reference forward holds nothing but its outputs, counted over every live array of the engine.
 */
class PhaseMemoryTest {

    /** Every NDArray alive in the process (all managers descend from the engine's system manager). */
    static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void generationAndReferenceScoringKeepNothing(int chunk) {
        CharTokenizer tok = TinyModels.tokenizer();
        try (LanguageModelPolicy policy = TinyModels.policy(1).memory(new MemorySettings(chunk, false))) {
            List<int[]> prompts = List.of(tok.encode("abc"), tok.encode("fe"));
            int before = liveArrays();
            Completions c = policy.generate(prompts, 3, SamplingParams.defaults(5), 11);
            assertThat(c.size()).isEqualTo(6);
            assertThat(liveArrays()).as("arrays left by generation").isEqualTo(before);

            List<int[]> rowPrompts = new ArrayList<>();
            for (int r = 0; r < c.size(); r++) {
                rowPrompts.add(prompts.get(c.promptIndex()[r]));
            }
            try (NDManager scope = NDManager.newBaseManager()) {
                int start = liveArrays();
                Policy.TokenScores s = policy.score(scope, rowPrompts, List.of(c.tokens()), 1.0);
                assertThat(s.logProbs().getShape().get(0)).isEqualTo(6);
                // the log-probs and entropies, nothing else, anywhere
                assertThat(scope.getManagedArrays()).containsExactlyInAnyOrder(s.logProbs(), s.entropy());
                assertThat(liveArrays()).isEqualTo(start + 2);
            }
            assertThat(liveArrays()).isEqualTo(before);
        }
    }
}
