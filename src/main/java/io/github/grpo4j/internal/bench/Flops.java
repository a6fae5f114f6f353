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
 *
 * <p>When only LoRA adapters train ({@link #loraStep}; n adapter parameters beside the N frozen ones) the
 * backward computes the gradient of every activation (2(N + n): it must flow through the frozen matrices)
 * but weight gradients of the adapters only (2n), so per token: generation through the adapters 2(N + n),
 * the reference with the adapters off 2N, and the update 2(N + n) + 2(N + n) + 2n = 4N + 6n.
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

    /** Update FLOPs of one completion per optimizer iteration when only LoRA adapters train. */
    public static double loraUpdate(long baseParams, long adapterParams, int promptLength, int newTokens) {
        return (4.0 * baseParams + 6.0 * adapterParams) * (promptLength + newTokens);
    }

    /**
     * FLOPs of a whole step when only LoRA adapters ({@code adapterParams}) train on a frozen base of
     * {@code baseParams}: generation through the adapters, the reference without them, the LoRA update.
     */
    public static double loraStep(long baseParams, long adapterParams, int rows, int promptLength, int newTokens,
            boolean withReference, int iterations) {
        double perRow = generation(baseParams + adapterParams, promptLength, newTokens)
                + (withReference ? reference(baseParams, promptLength, newTokens) : 0.0)
                + iterations * loraUpdate(baseParams, adapterParams, promptLength, newTokens);
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
