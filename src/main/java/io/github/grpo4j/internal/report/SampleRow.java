package io.github.grpo4j.internal.report;

import java.util.Collections;
import java.util.LinkedHashMap;
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
 */
public record SampleRow(int step, String prompt, String completion, double reward, Map<String, Double> rewards) {
    public SampleRow {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        rewards = Collections.unmodifiableMap(new LinkedHashMap<>(rewards == null ? Map.of() : rewards));
    }
}
