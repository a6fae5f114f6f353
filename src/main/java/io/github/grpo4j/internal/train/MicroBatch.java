package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Rows of a step's {@link Rollouts} scored and updated together (one forward/backward), cut with
 * {@link Rollouts#select}. The log-probs of the reference and of π_old are filled in by the step as it
 * computes them; their arrays live in the step's scope.
 *
 * @param rows          the rows of the rollouts, in order
 * @param prompts       prompt token ids per row
 * @param completions   completion token ids per row
 * @param advantages    advantage per row, as the loss takes it
 * @param weights       weight of every token of the row: 1, or 0 for a completion left out of the loss
 * @param sampled       per row, which completion tokens the model sampled (the others, tool results in a
 *                      multi-turn episode, get weight 0); a null list or entry means all of them
 * @param refLogProbs   {@code [b, T]} log π_ref of the completion tokens, or null (no reference, or not yet)
 * @param oldLogProbs   {@code [b, T]} log π_old before the step's first update, or null (μ = 1, or not yet)
 */
public record MicroBatch(
        int[] rows, List<int[]> prompts, List<int[]> completions, float[] advantages, float[] weights,
        List<boolean[]> sampled, NDArray refLogProbs, NDArray oldLogProbs) {

    /** This micro-batch with its reference log-probs. */
    public MicroBatch withRefLogProbs(NDArray logProbs) {
        return new MicroBatch(rows, prompts, completions, advantages, weights, sampled, logProbs, oldLogProbs);
    }

    /** This micro-batch with the log-probs of π_old. */
    public MicroBatch withOldLogProbs(NDArray logProbs) {
        return new MicroBatch(rows, prompts, completions, advantages, weights, sampled, refLogProbs, logProbs);
    }

    /** Number of rows. */
    public int size() {
        return rows.length;
    }

    /** Σ weight × sampled length over the rows: the tokens this micro-batch contributes to the loss. */
    public double lossTokens() {
        double sum = 0;
        for (int i = 0; i < rows.length; i++) {
            int len = completions.get(i).length;
            for (int j = 0; j < len; j++) {
                sum += isSampled(i, j) ? weights[i] : 0;
            }
        }
        return sum;
    }

    /**
     * The {@code [b, T]} loss mask: each row's weight on the completion tokens the model sampled, 0 on
     * context tokens (tool results) and padding.
     */
    public NDArray mask(NDManager scope, Shape shape) {
        int t = (int) shape.get(1);
        float[] m = new float[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            int len = completions.get(i).length;
            for (int j = 0; j < len && j < t; j++) {
                m[i * t + j] = isSampled(i, j) ? weights[i] : 0f;
            }
        }
        return scope.create(m, shape);
    }

    private boolean isSampled(int i, int j) {
        return sampled == null || sampled.get(i) == null || sampled.get(i)[j];
    }
}
