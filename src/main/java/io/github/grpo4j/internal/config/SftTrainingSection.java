package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.Default;
import io.github.grpo4j.config.Defaults;
import io.github.grpo4j.config.Doc;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.config.OptimizerKeys;
import io.github.grpo4j.config.Range;

/**
 * Steps, batch and optimiser of supervised fine-tuning (TRL {@code SFTConfig} / transformers
 * {@code TrainingArguments} names).
 *
 * @param maxSteps        optimiser steps
 * @param batchSize       examples per step
 * @param microBatchSize  examples per forward/backward pass
 * @param learningRate    AdamW peak learning rate
 * @param adamBeta1       AdamW β1
 * @param adamBeta2       AdamW β2
 * @param adamEpsilon     AdamW ε
 * @param weightDecay     AdamW weight decay
 * @param lrSchedulerType schedule after warm-up
 * @param warmupRatio     warm-up fraction
 * @param warmupSteps     warm-up steps
 * @param maxGradNorm     gradient clipping, 0 = off
 */
@Doc("Steps, batch and optimiser of the supervised warm start.")
public record SftTrainingSection(
        @Doc("Optimiser steps.")
        @Range(min = 1)
        @Default("200")
        int maxSteps,
        @Doc("Examples per optimiser step.")
        @Range(min = 1)
        @Default("16")
        int batchSize,
        @Doc("Examples per forward/backward pass (gradient accumulation over `batch_size`).")
        @Range(min = 1)
        @Default("16")
        int microBatchSize,
        @Doc("Peak AdamW learning rate (TRL SFT default 2e-5; tiny from-scratch models need ~1e-3).")
        @Range(min = 0, minExclusive = true)
        @Default("2e-5")
        double learningRate,
        double adamBeta1,
        @Doc("AdamW β2.")
        @Range(min = 0, max = 1, maxExclusive = true)
        @Default("0.999")
        double adamBeta2,
        double adamEpsilon,
        double weightDecay,
        @Doc("Learning-rate schedule after warm-up.")
        @Default("linear")
        LrSchedulerType lrSchedulerType,
        double warmupRatio,
        int warmupSteps,
        double maxGradNorm) implements OptimizerKeys {

    /** transformers / TRL SFT defaults: lr 2e-5, β2 0.999, linear schedule. */
    public static SftTrainingSection defaults() {
        return Defaults.of(SftTrainingSection.class);
    }
}
