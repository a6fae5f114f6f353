package io.github.grpo4j.policy;

/**
 * Sampled completions, one row per completion. Row r belongs to prompt {@code promptIndex[r]}; the
 * rows of one prompt are consecutive (a group).
 *
 * @param tokens      completion token ids, EOS included when the completion stopped at EOS
 * @param logProbs    per token, log-prob under {@code log_softmax(logits / temperature)} before any
 *                    top-k / top-p / min-p truncation (as TRL and verl record it)
 * @param truncated   true when the completion hit {@code max_new_tokens} without EOS or stop string
 * @param promptIndex index of the prompt each row was sampled for
 */
public record Completions(int[][] tokens, float[][] logProbs, boolean[] truncated, int[] promptIndex) {

    /** {@return the number of completions (rows)} */
    public int size() {
        return tokens.length;
    }
}
