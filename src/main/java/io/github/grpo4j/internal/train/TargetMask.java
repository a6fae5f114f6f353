package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * Which tokens of a supervised target carry loss. A target may hold text the model does not write: in
 * a tool episode ({@code <tool_call>...</tool_call><tool_response>56088</tool_response>56088}) the tool
 * result is appended by the run, as the tool's message, so training the model to predict it only adds
 * noise (its digits are unpredictable) that competes with what the model must learn (the call and
 * repeating the result). As TRL's {@code assistant_only_loss}, such tokens get no loss; GRPO masks the
 * same tokens as context.
 */
@FunctionalInterface
public interface TargetMask {

    /** Every target token carries loss. */
    TargetMask ALL = target -> null;

    /**
     * @param target a target's token ids
     * @return per token, whether it carries loss; null when every token does
     */
    boolean[] trained(int[] target);

    /**
     * No loss on tool results: each span from the tokens of {@code <tool_response>} through the tokens of
     * the next {@code </tool_response>} (both tags included: the run writes them, not the model), found
     * by their token ids. Exact when the tags encode to the same ids in context as alone (character
     * tokenizers; tokenizers with the tags as special tokens, as Qwen's); otherwise no span is found and
     * every token is trained, as with a tokenizer that cannot encode the tags (then no target holds them).
     *
     * @param tokenizer encodes the tags
     * @return the mask
     */
    static TargetMask toolResponses(Tokenizer tokenizer) {
        int[] open;
        int[] close;
        try {
            open = tokenizer.encode("<tool_response>");
            close = tokenizer.encode("</tool_response>");
        } catch (Grpo4jException e) {
            return ALL;
        }
        return target -> spans(target, open, close);
    }

    /** The mask of {@link #toolResponses}, from the tags' ids; null when there is no complete span. */
    static boolean[] spans(int[] target, int[] open, int[] close) {
        boolean[] trained = null;
        int from = 0;
        while (true) {
            int start = indexOf(target, open, from);
            if (start < 0) {
                return trained;
            }
            int end = indexOf(target, close, start + open.length);
            if (end < 0) {
                return trained; // an unclosed tag: written by hand or cut off; trained as text
            }
            if (trained == null) {
                trained = new boolean[target.length];
                Arrays.fill(trained, true);
            }
            Arrays.fill(trained, start, end + close.length, false);
            from = end + close.length;
        }
    }

    private static int indexOf(int[] ids, int[] part, int from) {
        if (part.length == 0) {
            return -1;
        }
        for (int i = from; i + part.length <= ids.length; i++) {
            if (Arrays.equals(ids, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }
}
