package io.github.grpo4j.internal.agent;

import io.github.grpo4j.policy.Completions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-turn episodes of a step, one row per episode, in the order of single-turn completions
 * (G consecutive rows per prompt).
 *
 * @param completions   each episode's tokens after the prompt (model turns and context, interleaved),
 *                      with a log-prob per token (0 on context), truncation and group; its
 *                      {@link Completions#sampled() sampled} mask says which tokens the model wrote
 * @param conversations each episode as messages: {@code assistant} turns and {@code tool} results
 * @param toolCalls     tool calls run per episode (malformed ones included)
 * @param toolFailures  calls that failed per episode
 * @param turns         model turns per episode
 */
public record Episodes(Completions completions, List<List<Map<String, Object>>> conversations, int[] toolCalls,
        int[] toolFailures, int[] turns) {

    /** {@return the number of episodes} */
    public int size() {
        return completions.size();
    }

    /**
     * TRL's tool metrics: {@code tools/call_frequency} (calls per episode), {@code tools/failure_frequency}
     * (share of calls that failed; 0 without calls), and {@code turns/mean}, {@code turns/max} (model turns
     * per episode).
     */
    public Map<String, Double> metrics() {
        long calls = 0, failures = 0, turnSum = 0;
        int maxTurns = 0;
        for (int r = 0; r < size(); r++) {
            calls += toolCalls[r];
            failures += toolFailures[r];
            turnSum += turns[r];
            maxTurns = Math.max(maxTurns, turns[r]);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("tools/call_frequency", (double) calls / size());
        m.put("tools/failure_frequency", calls == 0 ? 0.0 : (double) failures / calls);
        m.put("turns/mean", (double) turnSum / size());
        m.put("turns/max", (double) maxTurns);
        return m;
    }
}
