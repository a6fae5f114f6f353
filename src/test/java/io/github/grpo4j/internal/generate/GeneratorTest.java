package io.github.grpo4j.internal.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    static final TinyTokenizer TOKENIZER = new TinyTokenizer("abcdefghij"); // vocab 12: PAD 0, EOS 1
    static final List<int[]> PROMPTS = List.of(
            TOKENIZER.encode("abc"), TOKENIZER.encode("jihgfed"), TOKENIZER.encode("e"));
    static LanguageModelPolicy policy;
    static TinyAttentionLm model;

    @BeforeAll
    static void setUp() {
        model = TinyAttentionLm.random(12, 16, 64, 7);
        policy = new LanguageModelPolicy(model, TOKENIZER);
    }

    @AfterAll
    static void tearDown() {
        policy.close();
    }

    static SamplingParams params(double temperature, int topK, double topP, double minP, double penalty, int maxNew) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, maxNew, List.of());
    }

    /** Per row: the prompt it was sampled for. */
    static List<int[]> rowPrompts(Completions c) {
        List<int[]> rows = new ArrayList<>();
        for (int r = 0; r < c.size(); r++) {
            rows.add(PROMPTS.get(c.promptIndex()[r]));
        }
        return rows;
    }

    static void assertLogProbsMatchTeacherForcing(Completions c, double temperature) {
        try (NDManager m = NDManager.newBaseManager()) {
            Policy.TokenScores scores = policy.score(m, rowPrompts(c), Arrays.asList(c.tokens()), temperature);
            float[][] scored = rows(scores.logProbs());
            for (int r = 0; r < c.size(); r++) {
                assertThat(c.logProbs()[r]).hasSize(c.tokens()[r].length);
                for (int t = 0; t < scored[r].length; t++) {
                    float expected = t < c.tokens()[r].length ? c.logProbs()[r][t] : 0f;
                    assertThat(scored[r][t]).as("row %d token %d", r, t)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    static float[][] rows(NDArray a) {
        int b = Math.toIntExact(a.getShape().get(0));
        int t = Math.toIntExact(a.getShape().get(1));
        float[] flat = a.toFloatArray();
        float[][] out = new float[b][];
        for (int r = 0; r < b; r++) {
            out[r] = Arrays.copyOfRange(flat, r * t, (r + 1) * t);
        }
        return out;
    }

    @Test
    void sampledLogProbsEqualTeacherForcedScoresAtTemperatureOne() {
        Completions c = policy.generate(PROMPTS, 3, params(1.0, 0, 1.0, 0.0, 1.0, 10), 11);
        assertThat(c.size()).isEqualTo(9);
        assertThat(c.promptIndex()).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2);
        assertLogProbsMatchTeacherForcing(c, 1.0);
    }

    @Test
    void sampledLogProbsEqualTeacherForcedScoresAtTemperatureBelowOneWithEosAndTruncatedRows() {
        Completions c = policy.generate(PROMPTS, 4, params(0.7, 0, 1.0, 0.0, 1.0, 12), 3);
        boolean someEos = false;
        boolean someTruncated = false;
        for (int r = 0; r < c.size(); r++) {
            int[] tok = c.tokens()[r];
            boolean endsAtEos = tok.length > 0 && tok[tok.length - 1] == TinyTokenizer.EOS;
            someEos |= endsAtEos;
            someTruncated |= c.truncated()[r];
            assertThat(c.truncated()[r]).isEqualTo(!endsAtEos);
            assertThat(tok.length).isEqualTo(endsAtEos ? tok.length : 12);
            // EOS only ever as the last token
            for (int t = 0; t < tok.length - 1; t++) {
                assertThat(tok[t]).isNotEqualTo(TinyTokenizer.EOS);
            }
        }
        assertThat(someEos).as("some row ended at EOS").isTrue();
        assertThat(someTruncated).as("some row was truncated").isTrue();
        assertLogProbsMatchTeacherForcing(c, 0.7);
    }

    @Test
    void recordedLogProbsIgnoreTruncationAndRepetitionPenalty() {
        Completions c = policy.generate(PROMPTS, 2, params(1.3, 5, 0.9, 0.05, 1.5, 8), 5);
        assertLogProbsMatchTeacherForcing(c, 1.3);
    }

    @Test
    void greedyDecodingEqualsArgmaxOfFullForwardAtEveryStep() {
        Completions c = policy.generate(PROMPTS, 2, params(0.0, 0, 1.0, 0.0, 1.0, 9), 1);
        for (int r = 0; r < c.size(); r++) {
            int[] expected = handGreedy(PROMPTS.get(c.promptIndex()[r]), 9, 1.0);
            assertThat(c.tokens()[r]).as("row %d", r).containsExactly(expected);
        }
        // greedy log-probs are recorded at temperature 1
        assertLogProbsMatchTeacherForcing(c, 1.0);
    }

    @Test
    void greedyWithRepetitionPenaltyEqualsHandLoopWithPenalty() {
        Completions c = policy.generate(PROMPTS, 1, params(0.0, 0, 1.0, 0.0, 3.0, 9), 1);
        Completions plain = policy.generate(PROMPTS, 1, params(0.0, 0, 1.0, 0.0, 1.0, 9), 1);
        for (int r = 0; r < c.size(); r++) {
            assertThat(c.tokens()[r]).as("row %d", r).containsExactly(handGreedy(PROMPTS.get(r), 9, 3.0));
        }
        assertThat(c.tokens()).isNotEqualTo(plain.tokens()); // the penalty changed something
    }

    @Test
    void topKOneAndTinyTemperatureEqualGreedy() {
        Completions greedy = policy.generate(PROMPTS, 2, params(0.0, 0, 1.0, 0.0, 1.0, 9), 1);
        Completions topOne = policy.generate(PROMPTS, 2, params(1.0, 1, 1.0, 0.0, 1.0, 9), 99);
        Completions cold = policy.generate(PROMPTS, 2, params(1e-4, 0, 1.0, 0.0, 1.0, 9), 42);
        assertThat(topOne.tokens()).isEqualTo(greedy.tokens());
        assertThat(cold.tokens()).isEqualTo(greedy.tokens());
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        SamplingParams p = params(1.0, 0, 0.95, 0.0, 1.0, 10);
        Completions a = policy.generate(PROMPTS, 4, p, 123);
        Completions b = policy.generate(PROMPTS, 4, p, 123);
        Completions other = policy.generate(PROMPTS, 4, p, 124);
        assertThat(b.tokens()).isEqualTo(a.tokens());
        assertThat(b.logProbs()).isEqualTo(a.logProbs());
        assertThat(other.tokens()).isNotEqualTo(a.tokens());
    }

    @Test
    void groupRowsAreIndependentSamples() {
        Completions c = policy.generate(List.of(PROMPTS.get(0)), 8, params(1.0, 0, 1.0, 0.0, 1.0, 10), 8);
        long distinct = Arrays.stream(c.tokens()).map(Arrays::toString).distinct().count();
        assertThat(distinct).isGreaterThan(1);
    }

    @Test
    void prefillsOnceAndFeedsOneTokenPerRowPerStep() {
        model.cachedForwardCalls = 0;
        model.cachedForwardTokens = 0;
        Completions c = policy.generate(PROMPTS, 3, params(1.0, 0, 1.0, 0.0, 1.0, 6), 17);
        int steps = Arrays.stream(c.tokens()).mapToInt(t -> t.length).max().orElseThrow();
        assertThat(model.cachedForwardCalls).isEqualTo(steps); // 1 prefill + steps-1 decodes
        assertThat(model.cachedForwardTokens).isEqualTo(3L * 7 + 9L * (steps - 1));
    }

    @Test
    void arraysHeldDuringGenerationStayFlatFromStepToStep() {
        Generator generator = new Generator(model, TOKENIZER);
        List<Integer> held = new ArrayList<>();
        generator.stepProbe = held::add;
        Completions c = generator.generate(PROMPTS, 2, params(2.0, 8, 0.95, 0.01, 1.3, 20), 2);
        assertThat(Arrays.stream(c.tokens()).mapToInt(t -> t.length).max().orElseThrow()).isEqualTo(20);
        assertThat(held).hasSizeGreaterThan(10);
        assertThat(held).as("arrays held after each step").containsOnly(held.get(0));
        int parameterArrays = model.parameters().values().iterator().next().getManager().getManagedArrays().size();
        policy.generate(PROMPTS, 2, params(1.0, 0, 1.0, 0.0, 1.0, 5), 2);
        assertThat(model.parameters().values().iterator().next().getManager().getManagedArrays())
                .as("nothing lands in the model's manager").hasSize(parameterArrays);
    }

    @Test
    void promptTooLongForModelIsAnErrorWithTheNumbers() {
        int[] longPrompt = new int[60];
        Arrays.fill(longPrompt, 3);
        assertThatThrownBy(() -> policy.generate(List.of(PROMPTS.get(0), longPrompt), 1,
                params(1.0, 0, 1.0, 0.0, 1.0, 10), 1))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("prompt 1 has 60 tokens")
                .hasMessageContaining("70 positions")
                .hasMessageContaining("at most 64");
    }

    @Test
    void badInputsAreErrors() {
        SamplingParams p = params(1.0, 0, 1.0, 0.0, 1.0, 4);
        assertThatThrownBy(() -> policy.generate(List.of(), 1, p, 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("at least one prompt");
        assertThatThrownBy(() -> policy.generate(List.of(new int[0]), 1, p, 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("prompt 0 has no tokens");
        assertThatThrownBy(() -> policy.generate(List.of(new int[] {2, 12}), 1, p, 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("token 1 is id 12");
        assertThatThrownBy(() -> policy.generate(PROMPTS, 0, p, 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("num_generations");
        assertThatThrownBy(() -> policy.generate(PROMPTS, 1, params(-1, 0, 1.0, 0.0, 1.0, 4), 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("temperature");
    }

    /** Greedy decoding by full forward passes over the unpadded sequence, penalty applied in double. */
    static int[] handGreedy(int[] prompt, int maxNew, double penalty) {
        List<Integer> seq = new ArrayList<>();
        for (int id : prompt) {
            seq.add(id);
        }
        List<Integer> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int step = 0; step < maxNew; step++) {
                int s = seq.size();
                long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
                long[] pos = new long[s];
                long[] mask = new long[s];
                for (int i = 0; i < s; i++) {
                    pos[i] = i;
                    mask[i] = 1;
                }
                Shape shape = new Shape(1, s);
                float[] all = model.forward(m.create(ids, shape), m.create(pos, shape), m.create(mask, shape), null)
                        .toFloatArray();
                int v = model.vocabSize();
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    double logit = all[(s - 1) * v + k];
                    if (seq.contains(k)) {
                        logit = logit > 0 ? logit / penalty : logit * penalty;
                    }
                    if (logit > bestScore) {
                        bestScore = logit;
                        best = k;
                    }
                }
                out.add(best);
                seq.add(best);
                if (best == TinyTokenizer.EOS) {
                    break;
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
