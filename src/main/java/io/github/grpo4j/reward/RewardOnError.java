package io.github.grpo4j.reward;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.OptionNames;

/** What happens when a reward function throws (config key {@code reward_on_error}). */
public enum RewardOnError {
    /** Stop the run with a {@link Grpo4jException} naming the function and the prompt (default). */
    RAISE,
    /** Score the failing completion(s) 0 for that function, log a warning and count it. */
    ZERO;

    /**
     * Parses a config value.
     *
     * @param value {@code raise} or {@code zero} (case-insensitive)
     * @return the policy
     * @throws Grpo4jException naming the valid values
     */
    public static RewardOnError parse(String value) {
        return OptionNames.parse(RewardOnError.class, "reward_on_error", value);
    }

    /** {@return the config spelling: {@code raise} or {@code zero}} */
    public String configName() {
        return OptionNames.of(this);
    }
}
