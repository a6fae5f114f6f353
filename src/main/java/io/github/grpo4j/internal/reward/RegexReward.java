package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.reward.RewardFunction;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code regex} and {@code format}: scores {@code matched} (default 1) when the completion matches a
 * pattern, else {@code unmatched} (default 0).
 *
 * <p>Parameters: {@code pattern} (Java regex; required for {@code regex}; {@code format} defaults to
 * {@value #DEFAULT_FORMAT}, the R1 {@code <think>}/{@code <answer>} layout); {@code mode} {@code full}
 * (the whole completion must match; default for {@code format}) or {@code search} (a match anywhere;
 * default for {@code regex}); {@code matched}, {@code unmatched}. {@code .} matches newlines (DOTALL).
 */
public final class RegexReward {
    static final List<String> PARAMS = List.of("pattern", "mode", "matched", "unmatched");
    /** Default {@code format} pattern: a think block then an answer block, surrounding whitespace allowed. */
    public static final String DEFAULT_FORMAT = "\\s*<think>.*?</think>\\s*<answer>.*?</answer>\\s*";

    private RegexReward() {}

    /** Builds {@code regex} ({@code format = false}) or {@code format} from config parameters. */
    public static RewardFunction create(String name, Params p, boolean format) {
        String pattern = format ? p.string("pattern", DEFAULT_FORMAT) : p.requireString("pattern");
        String mode = p.string("mode", format ? "full" : "search");
        if (!mode.equals("full") && !mode.equals("search")) {
            throw p.invalid("mode", "is '" + mode + "'; valid: full, search");
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(pattern, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw p.invalid("pattern", "is not a valid regular expression: " + e.getDescription() + " in '" + pattern + "'");
        }
        return of(name, compiled, mode.equals("full"), p.number("matched", 1.0), p.number("unmatched", 0.0));
    }

    /** Builds it from typed arguments. */
    public static RewardFunction of(String name, Pattern pattern, boolean full, double matched, double unmatched) {
        return new PerCompletion(name, in -> {
            var m = pattern.matcher(in.completion());
            return (full ? m.matches() : m.find()) ? matched : unmatched;
        });
    }
}
