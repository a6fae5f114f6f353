package io.github.grpo4j.internal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PromptSamplerTest {

    static PromptDataset dataset(int n) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Map.of("prompt", "p" + i, "i", i));
        }
        return PromptDataset.fromMaps(rows);
    }

    @Property(tries = 50)
    void everyEpochVisitsEachRowExactlyOnce(@ForAll @IntRange(min = 1, max = 40) int size,
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 1000) int epoch) {
        int[] order = PromptSampler.order(size, seed, epoch, true);
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, size).toArray());
    }

    @Test
    void withoutShuffleTheOrderIsFileOrder() {
        assertThat(PromptSampler.order(5, 123, 7, false)).containsExactly(0, 1, 2, 3, 4);
        PromptSampler s = new PromptSampler(dataset(3), 2, 9, false);
        assertThat(s.next()).extracting(PromptRow::prompt).containsExactly("p0", "p1");
        assertThat(s.next()).extracting(PromptRow::prompt).containsExactly("p2", "p0");
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrderOtherEpochsAndSeedsDiffer() {
        int[] a = PromptSampler.order(50, 42, 0, true);
        assertThat(PromptSampler.order(50, 42, 0, true)).isEqualTo(a);
        assertThat(PromptSampler.order(50, 42, 1, true)).isNotEqualTo(a);
        assertThat(PromptSampler.order(50, 43, 0, true)).isNotEqualTo(a);
        assertThat(PromptSampler.epochSeed(42, 0)).isNotEqualTo(PromptSampler.epochSeed(42, 1));
    }

    @Test
    void shuffleIsUniformOverPermutationsOfThree() {
        // 6 permutations, 6000 epochs: each count ~ Binomial(6000, 1/6), sd ≈ 28.9; allow ±5 sd.
        Map<String, Integer> counts = new HashMap<>();
        for (int e = 0; e < 6000; e++) {
            counts.merge(Arrays.toString(PromptSampler.order(3, 5, e, true)), 1, Integer::sum);
        }
        assertThat(counts).hasSize(6);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1000 - 145, 1000 + 145));
    }

    @Test
    void batchesCrossEpochBoundariesAndFollowEachEpochsOrder() {
        int n = 5;
        PromptSampler s = new PromptSampler(dataset(n), 3, 11, true);
        List<Integer> seen = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            for (int i : s.nextIndices()) {
                seen.add(i);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            for (int i : PromptSampler.order(n, 11, e, true)) {
                expected.add(i);
            }
        }
        assertThat(seen).isEqualTo(expected.subList(0, 12));
        assertThat(s.position()).isEqualTo(new DataPosition(2, 2));
        assertThat(s.epoch()).isEqualTo(2);
    }

    @Test
    void positionAtAnEpochEndIsTheNextEpochsStart() {
        PromptSampler s = new PromptSampler(dataset(4), 2, 1, true);
        s.next();
        s.next();
        assertThat(s.position()).isEqualTo(new DataPosition(1, 0));
    }

    @Property(tries = 40)
    void resumingAtASavedPositionContinuesExactly(@ForAll @IntRange(min = 1, max = 12) int size,
            @ForAll @IntRange(min = 1, max = 7) int batch, @ForAll @IntRange(min = 0, max = 9) int before,
            @ForAll long seed, @ForAll boolean shuffle) {
        PromptDataset d = dataset(size);
        PromptSampler original = new PromptSampler(d, batch, seed, shuffle);
        for (int i = 0; i < before; i++) {
            original.next();
        }
        DataPosition saved = original.position();
        PromptSampler resumed = new PromptSampler(d, batch, seed, shuffle, saved);
        for (int i = 0; i < 5; i++) {
            assertThat(resumed.next()).isEqualTo(original.next());
            assertThat(resumed.position()).isEqualTo(original.position());
        }
    }

    @Test
    void badArgumentsAreErrors() {
        assertThatThrownBy(() -> new PromptSampler(dataset(2), 0, 1, true)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("batch size 0 is invalid");
        assertThatThrownBy(() -> new PromptSampler(dataset(2), 1, 1, true, new DataPosition(0, 3)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("past the end of memory (2 rows)");
        assertThatThrownBy(() -> new DataPosition(-1, 0)).isInstanceOf(Grpo4jException.class);
    }
}
