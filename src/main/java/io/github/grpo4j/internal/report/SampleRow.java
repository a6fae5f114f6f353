package io.github.grpo4j.internal.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of {@code samples.jsonl}: a prompt, one sampled completion and its rewards, kept so a
 * person can read what the policy wrote at that step.
 *
 * @param step       the training step the completion was sampled at
 * @param prompt     the prompt text as the model saw it
 * @param completion the completion text
 * @param reward     the combined (weighted) reward; NaN when unknown
 * @param rewards    reward function name → that function's reward, in the configured order; unmodifiable
 * @param conversation a multi-turn episode as messages (assistant turns with their {@code tool_calls}, tool
 *                   results, environment messages), as {@link io.github.grpo4j.Sample#conversation()}; null
 *                   for a single-turn completion
 */
public record SampleRow(int step, String prompt, String completion, double reward, Map<String, Double> rewards,
        List<Map<String, Object>> conversation) {
    public SampleRow {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        rewards = Collections.unmodifiableMap(new LinkedHashMap<>(rewards == null ? Map.of() : rewards));
        conversation = conversation == null ? null : List.copyOf(conversation);
    }

    /** A single-turn completion (no conversation). */
    public SampleRow(int step, String prompt, String completion, double reward, Map<String, Double> rewards) {
        this(step, prompt, completion, reward, rewards, null);
    }
}
