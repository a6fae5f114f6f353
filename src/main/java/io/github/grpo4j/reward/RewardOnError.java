package io.github.grpo4j.reward;

import io.github.grpo4j.Grpo4jException;
import java.util.Locale;

/** What happens when a reward function throws (config key {@code reward_on_error}). */
public enum RewardOnError {
    /** Stop the run with a {@link Grpo4jException} naming the function and the prompt (default). */
    RAISE,
    /** Score the failing completion(s) 0 for that function, log a warning and count it. */
    ZERO;

    /** {@return the config spelling: {@code raise} or {@code zero}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
