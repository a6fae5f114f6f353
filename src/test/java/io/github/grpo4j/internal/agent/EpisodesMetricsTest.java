package io.github.grpo4j.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.policy.Completions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tool metrics of a step are taken over the episodes of all its generation batches together. */
class EpisodesMetricsTest {

    static Episodes episodes(int[] calls, int[] failures, int[] turns) {
        int n = calls.length;
        List<List<Map<String, Object>>> conversations = new ArrayList<>();
        int[][] tokens = new int[n][0];
        for (int r = 0; r < n; r++) {
            conversations.add(List.of());
        }
        return new Episodes(new Completions(tokens, new float[n][0], new boolean[n], new int[n]), conversations,
                calls, failures, turns);
    }

    @Test
    void metricsOverSeveralBatchesCountEveryEpisodeOnce() {
        Episodes first = episodes(new int[] {2, 0}, new int[] {1, 0}, new int[] {3, 1});
        Episodes second = episodes(new int[] {1, 1, 0, 4}, new int[] {0, 1, 0, 0}, new int[] {2, 2, 1, 5});
        Map<String, Double> m = Episodes.metrics(List.of(first, second));
        // by hand: 8 calls over 6 episodes, 2 of them failed; 14 turns, at most 5
        assertThat(m.get("tools/call_frequency")).isCloseTo(8.0 / 6, within(1e-12));
        assertThat(m.get("tools/failure_frequency")).isCloseTo(2.0 / 8, within(1e-12));
        assertThat(m.get("turns/mean")).isCloseTo(14.0 / 6, within(1e-12));
        assertThat(m.get("turns/max")).isEqualTo(5.0);
        // not the mean of the batches' means (which would be (1 + 1.5) / 2 calls per episode)
        assertThat(m.get("tools/call_frequency")).isNotCloseTo(
                (first.metrics().get("tools/call_frequency") + second.metrics().get("tools/call_frequency")) / 2,
                within(1e-3));
        assertThat(first.metrics()).containsEntry("tools/call_frequency", 1.0).containsEntry("turns/max", 3.0);
    }

    @Test
    void noCallsMeansNoFailures() {
        Map<String, Double> m = Episodes.metrics(List.of(episodes(new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1})));
        assertThat(m.get("tools/failure_frequency")).isZero();
        assertThat(m.get("turns/mean")).isEqualTo(1.0);
    }
}
