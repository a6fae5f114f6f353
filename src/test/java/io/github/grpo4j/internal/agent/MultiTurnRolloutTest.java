package io.github.grpo4j.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.grpo4j.internal.model.ModelConfig;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.internal.tools.ToolCall;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.tools.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Multi-turn episodes on a tiny random model: a turn that writes {@code a} "calls" the echo tool, whose
 * result {@code bb} is appended (as {@code <tool_response>bb</tool_response>}) before the model goes on.
 */
class MultiTurnRolloutTest {
    static final String ALPHABET = "ab<>/_toolresponse";

    /** Stops a turn at {@code a}; a turn containing {@code a} is one call to echo. */
    static final ToolCallParser A_CALLS_ECHO = new ToolCallParser() {
        @Override
        public List<String> stopStrings() {
            return List.of("a");
        }

        @Override
        public List<ToolCall> parseCalls(String turn) {
            return turn.contains("a") ? List.of(ToolCall.of("echo", Map.of())) : List.of();
        }
    };

    static LanguageModelPolicy policy(long seed) {
        CharTokenizer tok = CharTokenizer.of(ALPHABET);
        ModelConfig cfg = new ModelConfig("qwen2", tok.vocabSize(), 16, 32, 2, 2, 1, 8, 1e-6, 10000.0, null, false,
                false, 128, "float32", 0.2, null, List.of(CharTokenizer.EOS_ID));
        return new LanguageModelPolicy(Transformer.random(cfg, seed), tok);
    }

    static MultiTurnRollout rollout(CharTokenizer tok, ToolBox box, int maxTurns) {
        return new MultiTurnRollout(box, A_CALLS_ECHO, new ToolTurns(tok, box, Map.of()), maxTurns);
    }

    static ToolBox echo() {
        return new ToolBox(List.of(Tool.of("echo", "says bb", Map.of(), args -> "bb")), Duration.ofSeconds(10));
    }

    @Test
    void modelTurnsAndToolResultsInterleaveWithinTheBudgetAndTheMaskMarksTheModelsTokens() {
        try (LanguageModelPolicy policy = policy(3); ToolBox box = echo()) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            List<int[]> prompts = List.of(tok.encode("ab"), tok.encode("bab"), tok.encode("b"));
            int budget = 40;
            Episodes e = rollout(tok, box, 3).generate(policy, prompts, 4, SamplingParams.defaults(budget), 11);
            Completions c = e.completions();
            int[] context = tok.encode("<tool_response>bb</tool_response>");
            int multiTurn = 0;
            long calls = 0;
            for (int r = 0; r < c.size(); r++) {
                int[] t = c.tokens()[r];
                assertThat(t.length).isLessThanOrEqualTo(budget);
                assertThat(c.promptIndex()[r]).isEqualTo(r / 4);
                // every unsampled stretch is exactly one rendered tool result, right after an 'a'
                int j = 0, contexts = 0;
                while (j < t.length) {
                    if (c.isSampled(r, j)) {
                        j++;
                        continue;
                    }
                    assertThat(tok.decode(new int[] {t[j - 1]})).isEqualTo("a");
                    assertThat(Arrays.copyOfRange(t, j, j + context.length)).containsExactly(context);
                    for (int k = j; k < j + context.length; k++) {
                        assertThat(c.isSampled(r, k)).isFalse();
                    }
                    j += context.length;
                    contexts++;
                }
                // a call whose result would not fit in the budget is run but not appended
                assertThat(e.toolCalls()[r]).isBetween(contexts, contexts + 1).isLessThanOrEqualTo(3);
                assertThat(e.turns()[r]).isBetween(contexts, contexts + 1);
                assertThat(c.sampledCount(r)).isEqualTo(t.length - contexts * context.length);
                multiTurn += e.turns()[r] > 1 ? 1 : 0;
                calls += e.toolCalls()[r];
                assertThat(e.conversations().get(r)).hasSize(e.turns()[r] + e.toolCalls()[r]);
            }
            assertThat(multiTurn).as("episodes with more than one turn (precondition)").isGreaterThan(2);
            assertThat(e.metrics().get("tools/call_frequency")).isEqualTo((double) calls / c.size());
            assertThat(e.metrics().get("tools/failure_frequency")).isEqualTo(0.0);
        }
    }

    /** Log-probs recorded turn by turn equal a teacher-forced scoring of the whole episode on the model's tokens. */
    @Test
    void theModelsOwnTurnsScoreAsTeacherForcedOverTheWholeConversation() {
        try (LanguageModelPolicy policy = policy(5); ToolBox box = echo(); NDManager m = NDManager.newBaseManager()) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            List<int[]> prompts = List.of(tok.encode("ab"), tok.encode("bb"));
            SamplingParams params = new SamplingParams(0.8, 0, 1.0, 0.0, 1.0, 48, List.of());
            Episodes e = rollout(tok, box, 4).generate(policy, prompts, 4, params, 2);
            Completions c = e.completions();
            List<int[]> perRow = new ArrayList<>();
            for (int r = 0; r < c.size(); r++) {
                perRow.add(prompts.get(c.promptIndex()[r]));
            }
            Policy.TokenScores s = policy.score(m, perRow, Arrays.asList(c.tokens()), 0.8);
            float[] scored = s.logProbs().toFloatArray();
            int width = (int) s.logProbs().getShape().get(1);
            int afterContext = 0;
            for (int r = 0; r < c.size(); r++) {
                boolean seenContext = false;
                for (int j = 0; j < c.tokens()[r].length; j++) {
                    if (!c.isSampled(r, j)) {
                        seenContext = true;
                        continue;
                    }
                    assertThat(scored[r * width + j]).as("row %d token %d", r, j)
                            .isCloseTo(c.logProbs()[r][j], within(2e-4f));
                    afterContext += seenContext ? 1 : 0;
                }
            }
            assertThat(afterContext).as("model tokens sampled after a tool result (precondition)").isGreaterThan(10);
        }
    }

    @Test
    void maxTurnsLeavesAFurtherCallUnansweredAndTheBudgetCutsTheEpisode() {
        try (LanguageModelPolicy policy = policy(3); ToolBox box = echo()) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            List<int[]> prompts = List.of(tok.encode("ab"), tok.encode("bab"));
            Episodes one = rollout(tok, box, 1).generate(policy, prompts, 4, SamplingParams.defaults(60), 11);
            assertThat(java.util.Arrays.stream(one.toolCalls()).max().orElseThrow()).isEqualTo(1);
            assertThat(java.util.Arrays.stream(one.turns()).max().orElseThrow()).isEqualTo(2);
            Episodes tight = rollout(tok, box, 8).generate(policy, prompts, 4, SamplingParams.defaults(12), 11);
            for (int r = 0; r < tight.size(); r++) {
                assertThat(tight.completions().tokens()[r].length).isLessThanOrEqualTo(12);
            }
            assertThat(tight.completions().truncated()).contains(true);
        }
    }
}
