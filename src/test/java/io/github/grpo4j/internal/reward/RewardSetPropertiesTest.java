package io.github.grpo4j.internal.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import io.github.grpo4j.reward.RewardOnError;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RewardSetPropertiesTest {

    @Provide
    Arbitrary<List<List<Double>>> scoreMatrix() {
        // 1..4 functions x 1..6 completions; null marks "not applicable" (a quarter of entries)
        Arbitrary<Double> cell = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(-5, 5)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((Double) null)));
        return Arbitraries.integers().between(1, 6).flatMap(n ->
                cell.list().ofSize(n).list().ofMinSize(1).ofMaxSize(4));
    }

    @Property(tries = 300)
    void totalIsTheWeightedSumOfApplicableTermsAndStatsMatchALoop(
            @ForAll("scoreMatrix") List<List<Double>> scores, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        int nf = scores.size();
        int n = scores.get(0).size();
        java.util.Random rng = new java.util.Random(seed);
        List<RewardFunction> named = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int k = 0; k < nf; k++) {
            List<Double> col = scores.get(k);
            // the prompt carries the completion's index, so the lambda can look its score up
            named.add(RewardFunction.ofInput("f" + k, in -> col.get(Integer.parseInt(in.prompt()))));
            weights.add(rng.nextDouble() * 4 - 2);
        }
        List<RewardInput> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(RewardInput.of(Integer.toString(i), ""));
        }
        boolean anyAllNull = false;
        for (int i = 0; i < n; i++) {
            boolean all = true;
            for (int k = 0; k < nf; k++) {
                all &= scores.get(k).get(i) == null;
            }
            anyAllNull |= all;
        }
        RewardSet set = new RewardSet(named, weights, RewardOnError.RAISE);
        if (anyAllNull) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> set.score(batch))
                    .isInstanceOf(io.github.grpo4j.Grpo4jException.class);
            return;
        }
        RewardResult r = set.score(batch);
        for (int i = 0; i < n; i++) {
            double want = 0;
            for (int k = 0; k < nf; k++) {
                Double v = scores.get(k).get(i);
                if (v != null) {
                    want += weights.get(k) * v;
                }
            }
            assertThat(r.total()[i]).isCloseTo(want, within(1e-12));
        }
        for (int k = 0; k < nf; k++) {
            List<Double> present = scores.get(k).stream().filter(v -> v != null).toList();
            double mean = present.stream().mapToDouble(Double::doubleValue).sum() / present.size();
            double ss = present.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            if (present.isEmpty()) {
                assertThat(r.mean("f" + k)).isNaN();
            } else {
                assertThat(r.mean("f" + k)).isCloseTo(mean, within(1e-12));
            }
            if (present.size() < 2) {
                assertThat(r.std("f" + k)).isNaN();
            } else {
                assertThat(r.std("f" + k)).isCloseTo(Math.sqrt(ss / (present.size() - 1)), within(1e-12));
            }
        }
    }
}
