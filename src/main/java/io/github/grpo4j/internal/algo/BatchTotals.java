package io.github.grpo4j.internal.algo;

/**
 * Counts of the WHOLE batch that micro-batches are cut from. Every micro-batch's loss is normalised by
 * these, not by its own counts, so that the sum of the micro-batch losses (and of their gradients)
 * equals the loss (and gradient) of the whole batch in one piece: gradient accumulation changes nothing.
 *
 * @param sequences number of completions in the whole batch (N_seq; normaliser of {@code grpo})
 * @param tokens number of completion tokens in the whole batch, Σ mask (normaliser of
 *     {@code bnpo} / {@code dapo}; for dapo across workers, the sum over all workers)
 * @param maxCompletionLength the configured {@code max_completion_length} (with {@code sequences}, the
 *     constant normaliser of {@code dr_grpo})
 */
public record BatchTotals(int sequences, double tokens, int maxCompletionLength) {

    /** Checks the counts; these come from code, not from users, so a bad one is a bug. */
    public BatchTotals {
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences must be >= 1, got " + sequences);
        }
        if (!(tokens >= 0) || Double.isInfinite(tokens)) {
            throw new IllegalArgumentException("tokens must be finite and >= 0, got " + tokens);
        }
        if (maxCompletionLength < 1) {
            throw new IllegalArgumentException("maxCompletionLength must be >= 1, got " + maxCompletionLength);
        }
    }
}
