package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.reward.RewardFunction;
import java.util.List;
import java.util.Locale;

/**
 * {@code exact_match}: 1 when the (extracted, whitespace-stripped) completion equals a row field, else 0.
 *
 * <p>Parameters: {@code field} (default {@code answer}); {@code tag} or {@code extract} (see
 * {@link Extraction}); {@code ignore_case} (default false). A row whose field is null scores null (not
 * applicable); a row without the field is a configuration error.
 */
public final class ExactMatchReward {
    static final List<String> PARAMS = List.of("field", "tag", "extract", "ignore_case");

    private ExactMatchReward() {}

    /** Builds it from config parameters. */
    public static RewardFunction create(String name, Params p) {
        return of(name, p.string("field", "answer"), Extraction.from(p), p.bool("ignore_case", false));
    }

    /** Builds it from typed arguments. */
    public static RewardFunction of(String name, String field, Extraction extraction, boolean ignoreCase) {
        return new PerCompletion(name, in -> {
            Object expected = Extraction.rowField(name, in.row(), field);
            if (expected == null) {
                return null;
            }
            String got = extraction.apply(in.completion());
            if (got == null) {
                return 0.0;
            }
            String want = Extraction.asText(expected);
            boolean eq = ignoreCase ? got.toLowerCase(Locale.ROOT).equals(want.toLowerCase(Locale.ROOT)) : got.equals(want);
            return eq ? 1.0 : 0.0;
        });
    }
}
