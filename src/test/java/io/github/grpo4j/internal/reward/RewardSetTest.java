package io.github.grpo4j.internal.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import io.github.grpo4j.reward.RewardOnError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RewardSetTest {

    /** A batch function returning fixed values, so null/NaN/inf can be placed exactly. */
    private static RewardFunction fixed(String name, Double... values) {
        return new RewardFunction() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Double> score(List<RewardInput> batch) {
                return Arrays.asList(values);
            }
        };
    }

    private static List<RewardInput> batch(int n) {
        List<RewardInput> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            b.add(RewardInput.of("prompt " + i, "completion " + i));
        }
        return b;
    }

    @Test
    void weightedSumSkipsNullTermsLikeNansum() {
        RewardFunction a = fixed("a", 1.0, null, 0.5, -2.0);
        RewardFunction b = fixed("b", 3.0, 4.0, null, 0.25);
        RewardSet set = new RewardSet(List.of(a, b), List.of(0.5, 2.0), RewardOnError.RAISE);
        RewardResult r = set.score(batch(4));
        // by hand: 0.5*1 + 2*3 = 6.5; only b: 2*4 = 8; only a: 0.5*0.5 = 0.25; 0.5*-2 + 2*0.25 = -0.5
        assertThat(r.total()).containsExactly(6.5, 8.0, 0.25, -0.5);
        assertThat(r.value("a", 1)).isNull();
        assertThat(r.value("b", 1)).isEqualTo(4.0);
    }

    @Test
    void defaultWeightsAreOne() {
        RewardResult r = RewardSet.of(fixed("a", 1.0, 2.0), fixed("b", 10.0, 20.0)).score(batch(2));
        assertThat(r.total()).containsExactly(11.0, 22.0);
    }

    @Test
    void nanAndInfinityAreTreatedAsNullAndCounted() {
        RewardFunction a = fixed("a", Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0);
        RewardFunction b = fixed("b", 2.0, 3.0, 4.0, 5.0);
        RewardResult r = RewardSet.of(a, b).score(batch(4));
        assertThat(r.total()).containsExactly(2.0, 3.0, 4.0, 6.0);
        assertThat(r.nonFinite()).containsExactly(3, 0);
        assertThat(r.value("a", 1)).isNull();
    }

    @Test
    void allTermsNullIsAnErrorNamingPromptAndFunctions() {
        RewardFunction a = fixed("correct", 1.0, null);
        RewardFunction b = fixed("fmt", 0.0, Double.NaN);
        assertThatThrownBy(() -> RewardSet.of(a, b).score(batch(2)))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("\"prompt 1\"")
                .hasMessageContaining("correct")
                .hasMessageContaining("fmt")
                .hasMessageContaining("completion 1");
    }

    @Test
    void throwingLambdaUnderRaiseNamesFunctionAndExactPrompt() {
        RewardFunction bad = RewardFunction.of("picky", (p, c, row) -> {
            if (p.equals("prompt 2")) {
                throw new IllegalStateException("boom");
            }
            return 1.0;
        });
        assertThatThrownBy(() -> RewardSet.of(bad).score(batch(3)))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'picky'")
                .hasMessageContaining("\"prompt 2\"")
                .hasMessageContaining("boom")
                .hasMessageContaining("reward_on_error: zero");
    }

    @Test
    void throwingLambdaUnderZeroScoresOnlyThatCompletionZero() {
        RewardFunction bad = RewardFunction.of("picky", (p, c, row) -> {
            if (p.equals("prompt 1")) {
                throw new IllegalStateException("boom");
            }
            return 2.0;
        });
        RewardResult r = new RewardSet(List.of(bad), List.of(1.5), RewardOnError.ZERO).score(batch(3));
        assertThat(r.total()).containsExactly(3.0, 0.0, 3.0);
        assertThat(r.errors()).containsExactly(1);
    }

    @Test
    void throwingBatchFunctionUnderZeroScoresWholeBatchZero() {
        RewardFunction bad = new RewardFunction() {
            public String name() {
                return "batchy";
            }

            public List<Double> score(List<RewardInput> b) {
                throw new RuntimeException("down");
            }
        };
        RewardResult r = new RewardSet(List.of(bad, fixed("b", 1.0, 1.0)), null, RewardOnError.ZERO).score(batch(2));
        assertThat(r.total()).containsExactly(1.0, 1.0);
        assertThat(r.perFunction()[0]).containsExactly(0.0, 0.0);
        assertThat(r.errors()).containsExactly(2, 0);
        assertThatThrownBy(() -> new RewardSet(List.of(bad), null, RewardOnError.RAISE).score(batch(2)))
                .hasMessageContaining("'batchy'").hasMessageContaining("batch of 2").hasMessageContaining("\"prompt 0\"");
    }

    @Test
    void missingRowFieldStopsTheRunEvenUnderZeroPolicy() {
        RewardFunction f = RewardRegistry.create("exact_match", java.util.Map.of());
        RewardSet set = new RewardSet(List.of(f, RewardFunction.of("one", (p, c, r) -> 1.0)), null, RewardOnError.ZERO);
        assertThatThrownBy(() -> set.score(batch(2)))
                .isInstanceOf(RewardConfigException.class)
                .hasMessageContaining("no field 'answer'");
    }

    @Test
    void wrongNumberOfScoresIsAnErrorUnderEitherPolicy() {
        RewardFunction shortList = fixed("short", 1.0);
        for (RewardOnError policy : RewardOnError.values()) {
            assertThatThrownBy(() -> new RewardSet(List.of(shortList), null, policy).score(batch(2)))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("'short' returned 1 scores for 2 completions");
        }
    }

    @Test
    void metricsAreNanMeanAndSampleStdPerFunction() {
        RewardFunction a = fixed("a", 1.0, null, 2.0, 4.0);
        RewardFunction b = fixed("b", 5.0, 5.0, null, null);
        Map<String, Double> m = RewardSet.of(a, b).score(batch(4)).metrics();
        double mean = (1 + 2 + 4) / 3.0;
        double var = ((1 - mean) * (1 - mean) + (2 - mean) * (2 - mean) + (4 - mean) * (4 - mean)) / 2.0;
        assertThat(m.get("rewards/a/mean")).isCloseTo(mean, within(1e-12));
        assertThat(m.get("rewards/a/std")).isCloseTo(Math.sqrt(var), within(1e-12));
        assertThat(m.get("rewards/b/mean")).isEqualTo(5.0);
        assertThat(m.get("rewards/b/std")).isEqualTo(0.0);
        assertThat(m.keySet()).containsExactly("rewards/a/mean", "rewards/a/std", "rewards/b/mean", "rewards/b/std");
    }

    @Test
    void statsWithFewValuesAreNan() {
        assertThat(RewardStats.nanmean(new double[] {Double.NaN})).isNaN();
        assertThat(RewardStats.nanstd(new double[] {3.0, Double.NaN})).isNaN();
        assertThat(RewardStats.nanstd(new double[] {1.0, 3.0})).isCloseTo(Math.sqrt(2.0), within(1e-15));
    }

    @Test
    void lambdaSeesPromptCompletionAndRow() {
        RewardFunction f = RewardFunction.of("len", (p, c, row) -> (double) (p.length() + c.length() + (int) row.get("k")));
        RewardResult r = RewardSet.of(f).score(List.of(RewardInput.of("ab", "cde", Map.of("k", 10))));
        assertThat(r.total()).containsExactly(15.0);
    }

    @Test
    void badConstructionIsRejectedWithClearMessages() {
        RewardFunction a = fixed("a", 1.0);
        assertThatThrownBy(() -> RewardSet.of(a, fixed("a", 2.0))).hasMessageContaining("two reward functions are named 'a'");
        assertThatThrownBy(() -> new RewardSet(List.of(a), List.of(1.0, 2.0), RewardOnError.RAISE))
                .hasMessageContaining("2 weights given for 1 reward functions");
        assertThatThrownBy(() -> new RewardSet(List.of(a), List.of(Double.NaN), RewardOnError.RAISE))
                .hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> new RewardSet(List.of(), null, RewardOnError.RAISE)).isInstanceOf(Grpo4jException.class);
        assertThatThrownBy(() -> RewardFunction.of("a/b", (p, c, r) -> 1.0)).hasMessageContaining("'/'");
    }

    @Test
    void closeClosesEveryFunction() {
        AtomicInteger closed = new AtomicInteger();
        RewardFunction c = new RewardFunction() {
            public String name() {
                return "c";
            }

            public List<Double> score(List<RewardInput> b) {
                return List.of();
            }

            public void close() {
                closed.incrementAndGet();
            }
        };
        RewardFunction d = RewardFunction.of("d", (p, x, r) -> 1.0);
        new RewardSet(List.of(c, d), null, null).close();
        assertThat(closed.get()).isEqualTo(1);
    }
}
