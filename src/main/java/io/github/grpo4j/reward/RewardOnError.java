package io.github.grpo4j.reward;

import io.github.grpo4j.Grpo4jException;
import java.util.Locale;

/** What happens when a reward function throws (config key {@code reward_on_error}). */
public enum RewardOnError {
    /** Stop the run with a {@link Grpo4jException} naming the function and the prompt (default). */
    RAISE,
    /** Score the failing completion(s) 0 for that function, log a warning and count it. */
    ZERO;

    /** Parses the config value {@code raise} or {@code zero} (case-insensitive). */
    public static RewardOnError parse(String value) {
        if (value != null) {
            for (RewardOnError v : values()) {
                if (v.name().equalsIgnoreCase(value.trim())) {
                    return v;
                }
            }
        }
        throw new Grpo4jException("reward_on_error: '" + value + "' is not valid; use one of: raise, zero");
    }

    /** The config spelling ({@code raise}, {@code zero}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
