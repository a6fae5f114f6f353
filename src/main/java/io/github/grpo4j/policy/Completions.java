package io.github.grpo4j.policy;

/**
 * Sampled completions, one row per completion. Row r belongs to prompt {@code promptIndex[r]}; the
 * rows of one prompt are consecutive (a group).
 *
 * <p>In a multi-turn rollout with tools a row is a whole episode: the model's turns with the tool
 * results between them. {@code sampled} then says which tokens the model wrote; the others are context
 * it conditions on, left out of the loss, the KL, the entropy and the length metrics.
 *
 * @param tokens      completion token ids, EOS included when the completion stopped at EOS
 * @param logProbs    per token, log-prob under {@code log_softmax(logits / temperature)} before any
 *                    top-k / top-p / min-p truncation (as TRL and verl record it); 0 on context tokens
 * @param truncated   true when the completion hit {@code max_new_tokens} without EOS or stop string
 * @param promptIndex index of the prompt each row was sampled for
 * @param sampled     per row and token, whether the model sampled it (true) or it is context (false);
 *                    null when every token was sampled
 */
public record Completions(int[][] tokens, float[][] logProbs, boolean[] truncated, int[] promptIndex,
        boolean[][] sampled) {

    /**
     * Completions whose every token was sampled (single-turn).
     *
     * @param tokens      see {@link #tokens()}
     * @param logProbs    see {@link #logProbs()}
     * @param truncated   see {@link #truncated()}
     * @param promptIndex see {@link #promptIndex()}
     */
    public Completions(int[][] tokens, float[][] logProbs, boolean[] truncated, int[] promptIndex) {
        this(tokens, logProbs, truncated, promptIndex, null);
    }

    /** {@return the number of completions (rows)} */
    public int size() {
        return tokens.length;
    }

    /**
     * {@return whether the model sampled token {@code j} of row {@code r} (false for tool results and
     * other context)}
     *
     * @param r row
     * @param j token index within the row
     */
    public boolean isSampled(int r, int j) {
        return sampled == null || sampled[r][j];
    }

    /**
     * {@return the number of tokens of row {@code r} the model sampled}
     *
     * @param r row
     */
    public int sampledCount(int r) {
        if (sampled == null) {
            return tokens[r].length;
        }
        int k = 0;
        for (boolean b : sampled[r]) {
            k += b ? 1 : 0;
        }
        return k;
    }
}
