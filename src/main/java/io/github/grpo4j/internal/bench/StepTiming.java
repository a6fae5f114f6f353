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
 */
public record StepTiming(double generation, double reference, double update, double step, double genTokensPerS,
        double trainTokensPerS, long residentBytes) {}
