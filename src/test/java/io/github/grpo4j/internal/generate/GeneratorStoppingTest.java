package io.github.grpo4j.internal.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When rows end: EOS, stop strings, max_new_tokens; with a model that follows a successor table. */
class GeneratorStoppingTest {
    static final TinyTokenizer TOKENIZER = new TinyTokenizer("abcdefghij"); // a = 2 .. j = 11
    static SuccessorLm model;
    static Generator generator;

    @BeforeAll
    static void setUp() {
        // a→b→c→…→j→EOS; PAD→PAD, EOS→EOS
        int[] successor = {0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1};
        model = new SuccessorLm(successor, 64);
        generator = new Generator(model, TOKENIZER);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    static SamplingParams params(int maxNew, String... stops) {
        return new SamplingParams(1.0, 0, 1.0, 0.0, 1.0, maxNew, List.of(stops));
    }

    static String text(int[] ids) {
        return TOKENIZER.decode(ids);
    }

    @Test
    void rowsEndAtStopStringAtEosOrAtTheLimitEachWithTheRightTruncatedFlag() {
        List<int[]> prompts = List.of(TOKENIZER.encode("a"), TOKENIZER.encode("g"), TOKENIZER.encode("bc"));
        Completions c = generator.generate(prompts, 2, params(6, "cd"), 1);
        assertThat(c.size()).isEqualTo(6);
        for (int r = 0; r < 6; r++) {
            int[] tok = c.tokens()[r];
            assertThat(c.logProbs()[r]).hasSize(tok.length);
            switch (c.promptIndex()[r]) {
                case 0 -> { // stop string "cd" completed by token d; the token is kept
                    assertThat(text(tok)).isEqualTo("bcd");
                    assertThat(tok).hasSize(3);
                    assertThat(c.truncated()[r]).isFalse();
                }
                case 1 -> { // EOS kept as last token
                    assertThat(tok).containsExactly(9, 10, 11, TinyTokenizer.EOS);
                    assertThat(c.truncated()[r]).isFalse();
                }
                default -> { // "cd" lies across prompt and completion: only completion text counts
                    assertThat(text(tok)).isEqualTo("defghi");
                    assertThat(c.truncated()[r]).isTrue();
                }
            }
        }
    }

    @Test
    void stopStringCompletedOnTheLastAllowedTokenIsNotTruncation() {
        Completions c = generator.generate(List.of(TOKENIZER.encode("a")), 1, params(3, "cd"), 1);
        assertThat(text(c.tokens()[0])).isEqualTo("bcd");
        assertThat(c.truncated()[0]).isFalse();
        Completions limit = generator.generate(List.of(TOKENIZER.encode("a")), 1, params(3), 1);
        assertThat(text(limit.tokens()[0])).isEqualTo("bcd");
        assertThat(limit.truncated()[0]).isTrue();
    }

    @Test
    void eosOnTheLastAllowedTokenIsNotTruncation() {
        Completions c = generator.generate(List.of(TOKENIZER.encode("h")), 1, params(3), 1);
        assertThat(c.tokens()[0]).containsExactly(10, 11, TinyTokenizer.EOS);
        assertThat(c.truncated()[0]).isFalse();
    }

    @Test
    void anyOfSeveralStopStringsEndsTheRow() {
        Completions c = generator.generate(List.of(TOKENIZER.encode("a")), 1, params(9, "xyz", "ef"), 1);
        assertThat(text(c.tokens()[0])).isEqualTo("bcdef");
        assertThat(c.truncated()[0]).isFalse();
    }

    @Test
    void logProbsOfNearCertainTokensAreNearZeroAndStopAtEachRowsEnd() {
        Completions c = generator.generate(List.of(TOKENIZER.encode("i"), TOKENIZER.encode("a")), 1, params(5), 1);
        assertThat(c.tokens()[0]).containsExactly(11, TinyTokenizer.EOS);
        assertThat(c.logProbs()[0]).hasSize(2);
        assertThat(c.logProbs()[1]).hasSize(5);
        for (float[] row : c.logProbs()) {
            for (float lp : row) {
                assertThat(lp).isBetween(-1e-6f, 0f);
            }
        }
    }
}
