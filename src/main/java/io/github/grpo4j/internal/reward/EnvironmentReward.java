package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.reward.RewardFunction;
import java.util.List;

/**
 * {@code environment}: the episode's environment reward, the sum of the rewards its environment's steps
 * returned (row field {@value #FIELD}); null ("does not apply") for an episode that got none.
 */
public final class EnvironmentReward {
    /** The row field a multi-turn run stores each episode's environment reward in. */
    public static final String FIELD = "environment_reward";
    static final List<String> PARAMS = List.of();

    private EnvironmentReward() {}

    /** Builds it (no parameters). */
    public static RewardFunction create(String name, Params p) {
        return new PerCompletion(name, in -> in.row().get(FIELD) instanceof Number n ? n.doubleValue() : null);
    }
}
