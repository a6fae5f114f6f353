package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.reward.RewardFunction;
import java.util.List;

/**
 * {@code overlong_penalty}: DAPO's soft overlong punishment (Yu et al. 2025, eq. 13), in tokens.
 * With L_max = {@code max_length} and L_cache = {@code cache}:
 * <pre>
 *   0                              if len ≤ L_max − L_cache
 *   ((L_max − L_cache) − len) / L_cache   if L_max − L_cache &lt; len ≤ L_max
 *   −1                             if len &gt; L_max
 * </pre>
 * so the penalty ramps linearly from 0 to −1 over the last L_cache tokens. Parameters {@code max_length}
 * (usually {@code max_completion_length}) and {@code cache} (0 ≤ cache ≤ max_length) are required; DAPO
 * adds it with weight 1 to the correctness reward.
 */
public final class OverlongPenalty {
    static final List<String> PARAMS = List.of("max_length", "cache");

    private OverlongPenalty() {}

    /** Builds it from config parameters. */
    public static RewardFunction create(String name, Params p) {
        int max = p.requireInteger("max_length");
        int cache = p.requireInteger("cache");
        if (max <= 0) {
            throw p.invalid("max_length", "must be > 0, got " + max);
        }
        if (cache < 0 || cache > max) {
            throw p.invalid("cache", "must be in [0, max_length=" + max + "], got " + cache);
        }
        return of(name, max, cache);
    }

    /** Builds it from typed arguments. */
    public static RewardFunction of(String name, int maxLength, int cache) {
        return new PerCompletion(name, in -> penalty(in.completionTokens(), maxLength, cache));
    }

    /** The penalty for a completion of {@code len} tokens. */
    public static double penalty(int len, int maxLength, int cache) {
        int free = maxLength - cache;
        if (len <= free) {
            return 0.0;
        }
        if (len <= maxLength) {
            return (double) (free - len) / cache;
        }
        return -1.0;
    }
}
