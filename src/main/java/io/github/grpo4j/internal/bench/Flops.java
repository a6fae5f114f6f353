package io.github.grpo4j.internal.bench;

/**
 * Model FLOPs of one GRPO step counted on the nominal workload (the definition), whatever
 * shortcuts the implementation takes (one prefill per prompt rather than per completion, last-position
 * logits only, ...): per completion, with N parameters, P prompt and T new tokens,
 * <ul>
 *   <li>generation {@code 2N·(P + T − 1)}: a forward over every position but the last token's,</li>
 *   <li>reference {@code 2N·(P + T)}: one forward over the whole sequence,</li>
 *   <li>update {@code 6N·(P + T)} per iteration: forward (2N) and backward (4N).</li>
 * </ul>
 * Attention's score/context matmuls are not counted (the usual 6N convention).
 */
public final class Flops {
    private Flops() {}

    /** Generation FLOPs of one completion. */
    public static double generation(long params, int promptLength, int newTokens) {
        return 2.0 * params * (promptLength + newTokens - 1);
    }

    /** Reference-model FLOPs of one completion. */
    public static double reference(long params, int promptLength, int newTokens) {
        return 2.0 * params * (promptLength + newTokens);
    }

    /** Update FLOPs of one completion per optimizer iteration. */
    public static double update(long params, int promptLength, int newTokens) {
        return 6.0 * params * (promptLength + newTokens);
    }

    /**
     * FLOPs of a whole step: {@code rows} completions, the reference pass only when {@code withReference},
     * the update {@code iterations} times.
     */
    public static double step(long params, int rows, int promptLength, int newTokens, boolean withReference,
            int iterations) {
        double perRow = generation(params, promptLength, newTokens)
                + (withReference ? reference(params, promptLength, newTokens) : 0.0)
                + iterations * update(params, promptLength, newTokens);
        return rows * perRow;
    }

    /** Model FLOP utilisation: achieved FLOP/s over the machine's measured peak FLOP/s. */
    public static double mfu(double flops, double seconds, double peakFlopsPerSecond) {
        if (!(seconds > 0) || !(peakFlopsPerSecond > 0)) {
            return Double.NaN;
        }
        return flops / seconds / peakFlopsPerSecond;
    }
}
