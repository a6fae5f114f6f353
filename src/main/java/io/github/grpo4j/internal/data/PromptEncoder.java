package io.github.grpo4j.internal.data;

import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link PromptRow} into prompt token ids: renders it ({@link PromptRow#render}), encodes
 * it, and keeps only the last {@code maxPromptLength} tokens of longer prompts (left truncation, as
 * TRL's {@code max_prompt_length}: the end of the prompt, next to the completion, matters most).
 * Each truncation is logged as a warning (the first {@value #MAX_WARNINGS}, then a count).
 */
public final class PromptEncoder {
    /** Truncations logged one by one before the encoder only counts them. */
    public static final int MAX_WARNINGS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(PromptEncoder.class);

    private final Tokenizer tokenizer;
    private final int maxPromptLength;
    private int truncated;

    /**
     * @param maxPromptLength longest prompt in tokens, ≥ 1
     */
    public PromptEncoder(Tokenizer tokenizer, int maxPromptLength) {
        if (maxPromptLength < 1) {
            throw new IllegalArgumentException("maxPromptLength must be ≥ 1, got " + maxPromptLength);
        }
        this.tokenizer = tokenizer;
        this.maxPromptLength = maxPromptLength;
    }

    /** The prompt's token ids, left-truncated to {@code maxPromptLength}. */
    public int[] encode(PromptRow row) {
        int[] ids = tokenizer.encode(row.render(tokenizer));
        if (ids.length <= maxPromptLength) {
            return ids;
        }
        truncated++;
        if (truncated <= MAX_WARNINGS) {
            LOG.warn("prompt of row {} has {} tokens, more than max_prompt_length {}; keeping its last {} tokens{}",
                    row.line(), ids.length, maxPromptLength, maxPromptLength,
                    truncated == MAX_WARNINGS ? " (further truncations are counted, not logged)" : "");
        }
        return leftTruncate(ids, maxPromptLength);
    }

    /** How many prompts this encoder has truncated. */
    public int truncatedCount() {
        return truncated;
    }

    /** The last {@code max} ids (all of them when there are not more). */
    public static int[] leftTruncate(int[] ids, int max) {
        return ids.length <= max ? ids : Arrays.copyOfRange(ids, ids.length - max, ids.length);
    }
}
