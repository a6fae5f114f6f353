package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import java.util.List;

/**
 * {@code length}: r = −coefficient · |len − target|, a penalty for straying from a target length
 * (target 0: a plain length penalty).
 *
 * <p>Parameters: {@code coefficient} (default 0.001), {@code target} (default 0), {@code unit}
 * {@code tokens} (default; {@link RewardInput#completionTokens()}) or {@code chars} (completion text
 * length in UTF-16 chars).
 */
public final class LengthReward {
    static final List<String> PARAMS = List.of("coefficient", "target", "unit");

    private LengthReward() {}

    /** Builds it from config parameters. */
    public static RewardFunction create(String name, Params p) {
        String unit = p.string("unit", "tokens");
        if (!unit.equals("tokens") && !unit.equals("chars")) {
            throw p.invalid("unit", "is '" + unit + "'; valid: tokens, chars");
        }
        int target = p.integer("target", 0);
        if (target < 0) {
            throw p.invalid("target", "must be >= 0, got " + target);
        }
        return of(name, p.number("coefficient", 0.001), target, unit.equals("tokens"));
    }

    /** Builds it from typed arguments. */
    public static RewardFunction of(String name, double coefficient, int target, boolean tokens) {
        return new PerCompletion(name, in -> {
            int len = tokens ? in.completionTokens() : in.completion().length();
            return -coefficient * Math.abs(len - target);
        });
    }
}
