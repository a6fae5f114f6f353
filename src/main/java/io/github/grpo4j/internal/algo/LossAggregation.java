package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.tensor.Scalars;

/**
 * Aggregation of per-token losses ℓ into a micro-batch's share of the whole batch's loss (docs/algorithm.md §5).
 * Every normaliser is a count of the WHOLE batch ({@link BatchTotals}), so summing the shares of the
 * micro-batches gives the whole-batch loss and gradient exactly (gradient accumulation changes nothing).
 * Masked tokens never count; a row without tokens contributes 0.
 *
 * <p>Each function divides before summing: dividing a 0-d float32 sum by a Java double would promote
 * the loss to float64 in PyTorch.
 */
public final class LossAggregation {
    private LossAggregation() {}

    /**
     * {@code grpo} (DeepSeekMath; TRL {@code grpo}): (1/N_seq) Σ_i (Σ_t ℓ m / max(Σ_t m, 1)).
     * Short and long answers weigh the same per sequence (Dr. GRPO calls this a length bias).
     */
    public static NDArray grpo(NDArray tokenLoss, NDArray mask, BatchTotals totals) {
        NDArray rowTokens = mask.sum(new int[] {1}).maximum(1); // [B]
        NDArray rowMean = tokenLoss.mul(mask).sum(new int[] {1}).div(rowTokens); // [B]
        return Scalars.div(rowMean, totals.sequences()).sum();
    }

    /** {@code bnpo} (TRL): Σ ℓ m / Σ m over the tokens of this worker's whole generation batch. */
    public static NDArray bnpo(NDArray tokenLoss, NDArray mask, BatchTotals totals) {
        return tokenMean(tokenLoss, mask, totals);
    }

    /**
     * {@code dapo} (DAPO, Yu et al. 2025, token-level policy gradient loss): Σ ℓ m / Σ m over all workers'
     * tokens; on one worker {@code totals.tokens()} is this batch's and it equals {@link #bnpo}.
     */
    public static NDArray dapo(NDArray tokenLoss, NDArray mask, BatchTotals totals) {
        return tokenMean(tokenLoss, mask, totals);
    }

    /** Σ ℓ m / Σ m with Σ m the whole batch's token count (bnpo and dapo on one worker). */
    private static NDArray tokenMean(NDArray tokenLoss, NDArray mask, BatchTotals totals) {
        return Scalars.div(tokenLoss.mul(mask), Math.max(totals.tokens(), 1.0)).sum();
    }

    /** {@code dr_grpo} (Dr. GRPO, Liu et al. 2025): Σ ℓ m / (N_seq · max_completion_length), a constant. */
    public static NDArray drGrpo(NDArray tokenLoss, NDArray mask, BatchTotals totals) {
        return Scalars.div(tokenLoss.mul(mask), (double) totals.sequences() * totals.maxCompletionLength()).sum();
    }

    /** The aggregation of the chosen loss type (scalar). */
    public static NDArray of(LossType type, NDArray tokenLoss, NDArray mask, BatchTotals totals) {
        return switch (type) {
            case GRPO -> grpo(tokenLoss, mask, totals);
            case BNPO -> bnpo(tokenLoss, mask, totals);
            case DAPO, CISPO -> dapo(tokenLoss, mask, totals);
            case DR_GRPO -> drGrpo(tokenLoss, mask, totals);
        };
    }
}
