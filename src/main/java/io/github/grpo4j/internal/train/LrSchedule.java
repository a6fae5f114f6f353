package io.github.grpo4j.internal.train;

import io.github.grpo4j.config.LrSchedulerType;

/**
 * Learning rate per optimizer step, as transformers' {@code get_scheduler}: linear warmup from 0 over
 * {@code warmupSteps}, then constant, linear decay to 0, or cosine decay to 0 at {@code totalSteps}.
 */
public record LrSchedule(LrSchedulerType kind, double peak, int warmupSteps, int totalSteps) {

    /** Learning rate for the update with 0-based index {@code step}. */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        if (kind == LrSchedulerType.CONSTANT) {
            return peak;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        progress = Math.min(1.0, progress);
        return kind == LrSchedulerType.LINEAR
                ? peak * Math.max(0.0, 1.0 - progress)
                : peak * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
}
