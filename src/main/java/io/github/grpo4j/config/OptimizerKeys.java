package io.github.grpo4j.config;

/**
 * The optimiser keys that GRPO's {@code training} section and the supervised warm start's share: AdamW, the
 * learning-rate schedule and gradient clipping. The keys whose meaning, default and valid values are the same
 * in both carry their {@link Doc}, {@link Range} and {@link Default} here, written once; the others (learning
 * rate, β2, schedule: TRL's GRPO and SFT defaults differ) carry them in each section.
 */
public interface OptimizerKeys {

    /** {@return the optimiser steps} */
    int maxSteps();

    /** {@return the peak AdamW learning rate} */
    double learningRate();

    /** {@return AdamW β1} */
    @Doc("AdamW β1.")
    @Range(min = 0, max = 1, maxExclusive = true)
    @Default("0.9")
    double adamBeta1();

    /** {@return AdamW β2} */
    double adamBeta2();

    /** {@return AdamW ε} */
    @Doc("AdamW ε.")
    @Range(min = 0, minExclusive = true)
    @Default("1e-8")
    double adamEpsilon();

    /** {@return AdamW decoupled weight decay} */
    @Doc("AdamW decoupled weight decay.")
    @Range(min = 0)
    @Default("0.0")
    double weightDecay();

    /** {@return the learning-rate schedule after warm-up} */
    LrSchedulerType lrSchedulerType();

    /** {@return the warm-up fraction of {@code max_steps}} */
    @Doc(value = "Linear warm-up from 0 over this fraction of `max_steps`.",
            valid = "[0, 1); 0 when `warmup_steps` > 0")
    @Range(min = 0, max = 1, maxExclusive = true)
    @Default("0.0")
    double warmupRatio();

    /** {@return the warm-up steps} */
    @Doc(value = "Linear warm-up from 0 over this many steps (instead of `warmup_ratio`).",
            valid = "≥ 0; 0 when `warmup_ratio` > 0")
    @Range(min = 0)
    @Default("0")
    int warmupSteps();

    /** {@return the global gradient norm clip, 0 for none} */
    @Doc("Clip the global gradient L2 norm to this value; 0 disables clipping.")
    @Range(min = 0)
    @Default("1.0")
    double maxGradNorm();

    /** {@return the warm-up length in steps: {@code warmup_steps} if set, else ceil(warmup_ratio · max_steps)} */
    default int effectiveWarmupSteps() {
        return warmupSteps() > 0 ? warmupSteps() : (int) Math.ceil(warmupRatio() * maxSteps());
    }
}
