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
 * @param refLogProbs   {@code [b, T]} log π_ref of the completion tokens, or null (no reference, or not yet)
 * @param oldLogProbs   {@code [b, T]} log π_old before the step's first update, or null (μ = 1, or not yet)
 */
public record MicroBatch(
        int[] rows, List<int[]> prompts, List<int[]> completions, float[] advantages, float[] weights,
        NDArray refLogProbs, NDArray oldLogProbs) {

    /** This micro-batch with its reference log-probs. */
    public MicroBatch withRefLogProbs(NDArray logProbs) {
        return new MicroBatch(rows, prompts, completions, advantages, weights, logProbs, oldLogProbs);
    }

    /** This micro-batch with the log-probs of π_old. */
    public MicroBatch withOldLogProbs(NDArray logProbs) {
        return new MicroBatch(rows, prompts, completions, advantages, weights, refLogProbs, logProbs);
    }

    /** Number of rows. */
    public int size() {
        return rows.length;
    }

    /** Σ weight × length over the rows: the tokens this micro-batch contributes to the loss. */
    public double lossTokens() {
        double sum = 0;
        for (int i = 0; i < rows.length; i++) {
            sum += weights[i] * completions.get(i).length;
        }
        return sum;
    }

    /** The {@code [b, T]} loss mask: each row's weight on its completion tokens, 0 on padding. */
    public NDArray mask(NDManager scope, Shape shape) {
        int t = (int) shape.get(1);
        float[] m = new float[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            int len = completions.get(i).length;
            for (int j = 0; j < len && j < t; j++) {
                m[i * t + j] = weights[i];
            }
        }
        return scope.create(m, shape);
    }
}
