package io.github.grpo4j.internal.data;

import io.github.grpo4j.Grpo4jException;

/**
 * Where a {@link PromptSampler} is in the data: the next prompt it yields is entry {@code index} of
 * epoch {@code epoch}'s order. Saved in checkpoints so a resumed run continues with exactly the
 * prompts it would have seen.
 *
 * @param epoch 0-based epoch
 * @param index 0-based position in that epoch's order
 */
public record DataPosition(int epoch, int index) {
    /** The start of the data. */
    public static final DataPosition START = new DataPosition(0, 0);

    public DataPosition {
        if (epoch < 0 || index < 0) {
            throw new Grpo4jException("data position (epoch " + epoch + ", index " + index
                    + ") is invalid; valid: epoch ≥ 0 and index ≥ 0");
        }
    }
}
