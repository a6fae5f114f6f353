package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.reward.RewardFunction;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code numeric_match}: 1 when the last number in the (extracted) completion equals a row field within
 * {@code tolerance} (absolute, default 1e-6), else 0 (also when the completion has no number).
 *
 * <p>A number is an optional minus sign, digits (thousands may be grouped with commas: {@code 1,234}),
 * and an optional decimal part. A minus directly before the digits counts as the sign, so in
 * {@code 7-5} the last number is −5: use {@code tag}/{@code extract} to point at the answer. Parameters:
 * {@code field} (default {@code answer}), {@code tolerance}, {@code tag} or {@code extract}. The row
 * field may be a number or a string holding one (else a configuration error); null scores null.
 */
public final class NumericMatchReward {
    static final List<String> PARAMS = List.of("field", "tolerance", "tag", "extract");
    private static final Pattern NUMBER = Pattern.compile("-?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|-?\\.\\d+");

    private NumericMatchReward() {}

    /** Builds it from config parameters. */
    public static RewardFunction create(String name, Params p) {
        double tol = p.number("tolerance", 1e-6);
        if (tol < 0) {
            throw p.invalid("tolerance", "must be >= 0, got " + tol);
        }
        return of(name, p.string("field", "answer"), Extraction.from(p), tol);
    }

    /** Builds it from typed arguments. */
    public static RewardFunction of(String name, String field, Extraction extraction, double tolerance) {
        return new PerCompletion(name, in -> {
            Object expected = Extraction.rowField(name, in.row(), field);
            if (expected == null) {
                return null;
            }
            double want = expectedNumber(name, field, expected);
            String text = extraction.apply(in.completion());
            Double got = text == null ? null : lastNumber(text);
            if (got == null) {
                return 0.0;
            }
            return Math.abs(got - want) <= tolerance ? 1.0 : 0.0;
        });
    }

    /** The last number in {@code text}, or null when there is none. */
    public static Double lastNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        return last == null ? null : Double.parseDouble(last.replace(",", ""));
    }

    private static double expectedNumber(String fn, String field, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        String s = v.toString().strip().replace(",", "");
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new RewardConfigException("reward '" + fn + "': row field '" + field + "' is '" + v
                    + "', not a number; numeric_match needs a number there (or use exact_match)");
        }
    }
}
