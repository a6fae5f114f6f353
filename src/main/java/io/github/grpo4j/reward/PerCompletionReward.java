package io.github.grpo4j.reward;

import java.util.Map;

/**
 * A reward written as a lambda over one completion:
 * {@code (prompt, completion, row) -> completion.contains("42") ? 1.0 : 0.0}.
 * Wrap it with {@link RewardFunction#of(String, PerCompletionReward)}.
 *
 * <p>Return {@code null} when the reward does not apply to this completion (the weighted sum skips
 * it). NaN and ±infinity are also skipped, but counted as warnings, since they usually mean a bug.
 * The result is a boxed {@code Double}: write {@code 1.0} rather than {@code 1}, and cast integer
 * expressions ({@code (double) completion.length()}).
 */
@FunctionalInterface
public interface PerCompletionReward {
    /**
     * Scores one completion.
     *
     * @param prompt     the prompt text
     * @param completion the decoded completion text
     * @param row        the dataset row of the prompt (read-only, never null)
     * @return the score, or null when not applicable
     */
    Double score(String prompt, String completion, Map<String, Object> row);
}
