package io.github.grpo4j.internal.bench;

/**
 * One timed GRPO step.
 *
 * @param generation       rollout seconds
 * @param reference        reference-model log-prob seconds
 * @param update           μ forward/backward/AdamW passes, seconds
 * @param step             whole step (generation, reward, advantages, reference, update), seconds
 * @param genTokensPerS    completion tokens / generation seconds
 * @param trainTokensPerS  (prompt + completion tokens)·μ / update seconds
 * @param residentBytes    VmRSS after the step, or -1
 * @param generationPeakBytes peak resident memory during generation, or -1 when unknown
 * @param referencePeakBytes  peak during reward, advantages and the reference log-probs, or -1
 * @param updatePeakBytes     peak during the update, or -1
 * @param generationCpu    process CPU seconds of generation (all threads), or -1 when unknown
 * @param referenceCpu     process CPU seconds of reward, advantages and the reference log-probs, or -1
 * @param updateCpu        process CPU seconds of the update, or -1
 * @param stepCpu          process CPU seconds of the whole step, or -1
 */
public record StepTiming(double generation, double reference, double update, double step, double genTokensPerS,
        double trainTokensPerS, long residentBytes, long generationPeakBytes, long referencePeakBytes,
        long updatePeakBytes, double generationCpu, double referenceCpu, double updateCpu, double stepCpu) {

    /** A step without per-phase memory readings. */
    public StepTiming(double generation, double reference, double update, double step, double genTokensPerS,
            double trainTokensPerS, long residentBytes) {
        this(generation, reference, update, step, genTokensPerS, trainTokensPerS, residentBytes, -1, -1, -1, -1, -1, -1,
                -1);
    }
}
