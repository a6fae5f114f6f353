package io.github.grpo4j.config;

import io.github.grpo4j.internal.train.AdamW;

/**
 * Steps, batch shape and optimiser (AdamW) of GRPO training.
 *
 * @param maxSteps        training steps
 * @param perStepPrompts  P, prompts per step
 * @param microBatchSize  completions per forward/backward pass
 * @param numIterations   μ, passes over each step's rollouts
 * @param learningRate    AdamW peak learning rate
 * @param adamBeta1       AdamW β1
 * @param adamBeta2       AdamW β2
 * @param adamEpsilon     AdamW ε
 * @param weightDecay     AdamW decoupled weight decay
 * @param lrSchedulerType learning-rate schedule after warm-up
 * @param warmupRatio     warm-up length as a fraction of max_steps
 * @param warmupSteps     warm-up length in steps
 * @param maxGradNorm     gradient clipping threshold, 0 = off
 */
@Doc("Steps, batch shape and optimiser. One step = P prompts × G completions rolled out, scored, "
        + "then `num_iterations` passes of AdamW updates over them in micro-batches.")
public record TrainingSection(
        @Doc("Training steps (rollout + update rounds). One step = P prompts × G completions.")
        @Range(min = 1)
        int maxSteps,
        @Doc("P: prompts drawn from the data per step; each is sampled G times, so a step has P×G "
                + "completions.")
        @Range(min = 1)
        int perStepPrompts,
        @Doc("Completions per forward/backward pass; gradients are accumulated over the P×G rows "
                + "of a step. P×G need not be a multiple: the last micro-batch is smaller. The loss is "
                + "normalised by whole-batch counts, so this changes memory use, not the result.")
        @Range(min = 1)
        int microBatchSize,
        @Doc("μ: optimisation passes over each step's rollouts (TRL `num_iterations`). With μ = 1 "
                + "π_old is the current policy detached: the ratio is 1 in value but its gradient is "
                + "∇log π_θ, so a loss near 0 is expected, not a bug.")
        @Range(min = 1)
        int numIterations,
        @Doc("Peak AdamW learning rate. Default 1e-6 is TRL's GRPO default, meant for pretrained "
                + "models; tiny from-scratch models (the built-in config) need ~1e-4.")
        @Range(min = 0, minExclusive = true)
        double learningRate,
        @Doc("AdamW β1.")
        @Range(min = 0, max = 1, maxExclusive = true)
        double adamBeta1,
        @Doc("AdamW β2 (TRL's GRPO default 0.99).")
        @Range(min = 0, max = 1, maxExclusive = true)
        double adamBeta2,
        @Doc("AdamW ε.")
        @Range(min = 0, minExclusive = true)
        double adamEpsilon,
        @Doc("AdamW decoupled weight decay.")
        @Range(min = 0)
        double weightDecay,
        @Doc("Learning-rate schedule after warm-up: constant, linear decay to 0, or cosine decay to 0 "
                + "at `max_steps`.")
        @OneOf({"constant", "linear", "cosine"})
        String lrSchedulerType,
        @Doc(value = "Linear warm-up from 0 over this fraction of `max_steps`.",
                valid = "[0, 1); 0 when `warmup_steps` > 0")
        @Range(min = 0, max = 1, maxExclusive = true)
        double warmupRatio,
        @Doc(value = "Linear warm-up from 0 over this many steps (instead of `warmup_ratio`).",
                valid = "≥ 0; 0 when `warmup_ratio` > 0")
        @Range(min = 0)
        int warmupSteps,
        @Doc("Clip the global gradient L2 norm to this value; 0 disables clipping.")
        @Range(min = 0)
        double maxGradNorm) {

    /** TRL GRPO defaults (learning rate 1e-6, β2 0.99), 100 steps of 8 prompts, micro-batches of 16. */
    public static TrainingSection defaults() {
        return new TrainingSection(100, 8, 16, 1, 1e-6, 0.9, 0.99, 1e-8, 0.0, "constant", 0.0, 0, 1.0);
    }

    /** Warm-up length in steps: {@code warmup_steps} if set, else ceil(warmup_ratio · max_steps). */
    public int effectiveWarmupSteps() {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * maxSteps);
    }
}
