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
 * @param environment   with an environment, its calls and rewards per episode; null without one
 */
public record Episodes(Completions completions, List<List<Map<String, Object>>> conversations, int[] toolCalls,
        int[] toolFailures, int[] turns, EnvironmentTally environment) {

    /**
     * What an environment did in each episode.
     *
     * @param rewards  the sum of the rewards its calls returned, null where none returned one
     * @param calls    its calls ({@code reset} and {@code step})
     * @param failures its failed calls (each ends its episode)
     */
    public record EnvironmentTally(Double[] rewards, int[] calls, int[] failures) {}

    /** Episodes without an environment. */
    public Episodes(Completions completions, List<List<Map<String, Object>>> conversations, int[] toolCalls,
            int[] toolFailures, int[] turns) {
        this(completions, conversations, toolCalls, toolFailures, turns, null);
    }

    /** {@return the number of episodes} */
    public int size() {
        return completions.size();
    }

    /**
     * TRL's tool metrics: {@code tools/call_frequency} (calls per episode), {@code tools/failure_frequency}
     * (share of calls that failed; 0 without calls), and {@code turns/mean}, {@code turns/max} (model turns
     * per episode); with an environment, {@code environment/failure_frequency} (share of its calls that
     * failed) and {@code environment/reward} (mean environment reward of the episodes that got one; absent
     * when none did).
     */
    public Map<String, Double> metrics() {
        return metrics(List.of(this));
    }

    /**
     * The metrics of {@link #metrics()} over the episodes of several generation batches together (a step
     * that resampled with dynamic sampling, or generated for several steps): sums and maxima over every
     * episode, not means of the batches' means.
     */
    public static Map<String, Double> metrics(List<Episodes> batches) {
        long calls = 0, failures = 0, turnSum = 0, episodes = 0;
        long envCalls = 0, envFailures = 0, rewarded = 0;
        double rewardSum = 0;
        boolean env = false;
        int maxTurns = 0;
        for (Episodes e : batches) {
            if (e.environment != null) {
                env = true;
                for (int r = 0; r < e.size(); r++) {
                    envCalls += e.environment.calls()[r];
                    envFailures += e.environment.failures()[r];
                    if (e.environment.rewards()[r] != null) {
                        rewarded++;
                        rewardSum += e.environment.rewards()[r];
                    }
                }
            }
            for (int r = 0; r < e.size(); r++) {
                calls += e.toolCalls[r];
                failures += e.toolFailures[r];
                turnSum += e.turns[r];
                maxTurns = Math.max(maxTurns, e.turns[r]);
            }
            episodes += e.size();
        }
        if (episodes == 0) {
            throw new IllegalArgumentException("no episodes to take metrics of");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("tools/call_frequency", (double) calls / episodes);
        m.put("tools/failure_frequency", calls == 0 ? 0.0 : (double) failures / calls);
        m.put("turns/mean", (double) turnSum / episodes);
        m.put("turns/max", (double) maxTurns);
        if (env) {
            m.put("environment/failure_frequency", envCalls == 0 ? 0.0 : (double) envFailures / envCalls);
            if (rewarded > 0) {
                m.put("environment/reward", rewardSum / rewarded);
            }
        }
        return m;
    }
}
