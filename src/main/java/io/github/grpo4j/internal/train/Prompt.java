package io.github.grpo4j.internal.train;

import java.util.Map;

/**
 * One prompt of a training batch.
 *
 * @param text the prompt as the model sees it (chat template already applied)
 * @param ids  its token ids (already left-truncated to {@code max_prompt_length})
 * @param row  the dataset row's other fields, passed to reward functions (e.g. {@code answer})
 */
public record Prompt(String text, int[] ids, Map<String, Object> row) {
    public Prompt {
        row = row == null ? Map.of() : row;
    }
}
