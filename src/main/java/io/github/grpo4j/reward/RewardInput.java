package io.github.grpo4j.reward;

import java.util.Map;
import java.util.Objects;

/**
 * What a reward function sees about one completion.
 *
 * @param prompt           the prompt the completion was sampled for, as the dataset gives it (before
 *                         any chat template)
 * @param completion       the decoded completion text, EOS and special tokens removed
 * @param row              the dataset row the prompt came from (all its fields, e.g. {@code answer});
 *                         never null, may be empty; read-only
 * @param completionTokens number of generated tokens (EOS included when generation stopped at EOS),
 *                         the length DAPO's overlong penalty and {@code length} rewards measure
 * @param truncated        true when generation hit {@code max_completion_length} without EOS
 */
public record RewardInput(
        String prompt, String completion, Map<String, Object> row, int completionTokens, boolean truncated) {

    /**
     * Checks the fields; a null row becomes an empty one, and the row is made read-only.
     *
     * @param prompt           see {@link #prompt()}
     * @param completion       see {@link #completion()}
     * @param row              see {@link #row()}
     * @param completionTokens see {@link #completionTokens()}
     * @param truncated        see {@link #truncated()}
     */
    public RewardInput {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        row = row == null ? Map.of() : java.util.Collections.unmodifiableMap(row);
        if (completionTokens < 0) {
            throw new IllegalArgumentException("completionTokens < 0: " + completionTokens);
        }
    }

    /**
     * A completion with an empty row, its token count unknown (0) and not truncated; for tests.
     *
     * @param prompt     the prompt text
     * @param completion the completion text
     * @return the input
     */
    public static RewardInput of(String prompt, String completion) {
        return new RewardInput(prompt, completion, Map.of(), 0, false);
    }

    /**
     * A completion with the given row, its token count unknown (0) and not truncated; for tests.
     *
     * @param prompt     the prompt text
     * @param completion the completion text
     * @param row        the dataset row
     * @return the input
     */
    public static RewardInput of(String prompt, String completion, Map<String, Object> row) {
        return new RewardInput(prompt, completion, row, 0, false);
    }
}
