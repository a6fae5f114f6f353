package io.github.grpo4j.config;

/**
 * Steps, batch shape and optimiser (AdamW) of GRPO training.
 *
 * @param maxSteps config key {@code max_steps}, default {@code 100}, valid: ≥ 1. Training steps (rollout +
 *     update rounds). One step = P prompts × G completions.
 * @param perStepPrompts config key {@code per_step_prompts}, default {@code 8}, valid: ≥ 1. P: prompts drawn
 *     from the data per step; each is sampled G times, so a step has P×G completions.
 * @param microBatchSize config key {@code micro_batch_size}, default {@code 16}, valid: ≥ 1. Completions per
 *     forward/backward pass; gradients are accumulated over the P×G rows of a step. P×G need not be a
 *     multiple: the last micro-batch is smaller. The loss is normalised by whole-batch counts, so this
 *     changes memory use, not the result.
 * @param numIterations config key {@code num_iterations}, default {@code 1}, valid: ≥ 1. μ: optimisation
 *     passes over each step's rollouts (TRL {@code num_iterations}). With μ = 1 π_old is the current policy
 *     detached: the ratio is 1 in value but its gradient is ∇log π_θ, so a loss near 0 is expected, not a
 *     bug.
 * @param learningRate config key {@code learning_rate}, default {@code 1.0e-6}, valid: &gt; 0. Peak AdamW
 *     learning rate. Default 1e-6 is TRL's GRPO default, meant for pretrained models; tiny from-scratch
 *     models (the built-in config) need ~1e-4.
 * @param adamBeta1 config key {@code adam_beta1}, default {@code 0.9}, valid: [0, 1). AdamW β1.
 * @param adamBeta2 config key {@code adam_beta2}, default {@code 0.99}, valid: [0, 1). AdamW β2 (TRL's GRPO
 *     default 0.99).
 * @param adamEpsilon config key {@code adam_epsilon}, default {@code 1.0e-8}, valid: &gt; 0. AdamW ε.
 * @param weightDecay config key {@code weight_decay}, default {@code 0.0}, valid: ≥ 0. AdamW decoupled weight
 *     decay.
 * @param lrSchedulerType config key {@code lr_scheduler_type}, default {@code constant}, valid:
 *     {@code constant}, {@code linear}, {@code cosine}. Learning-rate schedule after warm-up: constant,
 *     linear decay to 0, or cosine decay to 0 at {@code max_steps}.
 * @param warmupRatio config key {@code warmup_ratio}, default {@code 0.0}, valid: [0, 1); 0 when
 *     {@code warmup_steps} &gt; 0. Linear warm-up from 0 over this fraction of {@code max_steps}.
 * @param warmupSteps config key {@code warmup_steps}, default {@code 0}, valid: ≥ 0; 0 when
 *     {@code warmup_ratio} &gt; 0. Linear warm-up from 0 over this many steps (instead of
 *     {@code warmup_ratio}).
 * @param maxGradNorm config key {@code max_grad_norm}, default {@code 1.0}, valid: ≥ 0. Clip the global
 *     gradient L2 norm to this value; 0 disables clipping.
 * @param logprobChunkSize config key {@code logprob_chunk_size}, default {@code 256}, valid: ≥ 0. Completion
 *     tokens (rows × positions) whose vocabulary logits exist at once when log-probs and entropies are
 *     computed (policy, old and reference); the update's backward pass through the output head runs chunk by
 *     chunk too. Same values and gradients; with a large vocabulary it saves most of the update's memory.
 *     With LoRA a chunk also holds at most 10 M logits (40 MB): with vocabularies above 39,062 entries it is
 *     smaller (65 tokens at 151,936), since the logits are then most of the update's peak. 0: all tokens at
 *     once.
 * @param gradientCheckpointing config key {@code gradient_checkpointing}, default {@code false}. Recompute
 *     each decoder layer's activations in the backward pass instead of keeping them (only each layer's input
 *     is kept): less memory for long completions, about one more forward pass of time. Same gradients (TRL
 *     {@code gradient_checkpointing}).
 * @param refParamOffload config key {@code ref_param_offload}, default {@code auto}, valid: {@code auto},
 *     {@code true}, {@code false}. Full fine-tuning: keep the frozen reference model's weights in a file
 *     under {@code output_dir} instead of memory, and read them one decoder layer at a time whenever
 *     reference log-probs are computed (verl's {@code ref.param_offload}, to disk). Saves a whole copy of the
 *     weights (2.5 GB at 0.5 B parameters) for re-reading them once a step (about 1 s at 0.5 B); the same
 *     log-probs, bit for bit. {@code auto}: on for models of 1 GB of float32 weights (250 M parameters) or
 *     more, off below, where it saves little. {@code true} needs {@code loss.ref_model_sync_steps} = 0
 *     ({@code auto} then keeps the reference in memory). Ignored with LoRA, whose reference shares the
 *     weights, and when {@code beta} is 0.
 * @param stepsPerGeneration config key {@code steps_per_generation}, default {@code 1}, valid: ≥ 1. Optimizer
 *     steps per generation (TRL {@code steps_per_generation}, verl's mini-batches): one generation samples
 *     this many steps' prompts at once, and each step's groups are then its own AdamW update (its own
 *     learning-rate step and metrics line), with importance ratios against the policy that generated them.
 *     With {@code num_iterations} μ, the μ passes go over the steps in turn. {@code max_steps} still counts
 *     optimizer steps (of {@code num_iterations} updates each).
 * @param dynamicSampling config key {@code dynamic_sampling}, default {@code false}. DAPO's dynamic sampling
 *     (verl {@code algorithm.filter_groups}): groups whose rewards are all equal are dropped and generation
 *     continues with new prompts from the data until every prompt slot of the step holds a group with signal
 *     (the excess is cut off), or until {@code max_generation_batches} is reached; then the step trains on
 *     what it has.
 * @param maxGenerationBatches config key {@code max_generation_batches}, default {@code 0}, valid: ≥ 0. With
 *     {@code dynamic_sampling}: generation batches per step at most (verl {@code max_num_gen_batches}, whose
 *     default 0 is kept: no limit, so data whose groups never vary loops for ever).
 * @param rolloutSeeding config key {@code rollout_seeding}, default {@code batch}, valid: {@code batch},
 *     {@code group}. Sampling randomness per step: {@code batch} draws every prompt's completions from one
 *     random stream, generated together; {@code group} gives each prompt group a stream of its own, derived
 *     from (seed, step, group), and generates the groups one after another. {@code group} samples the same
 *     completions however the groups are spread over machines, which is what {@code --spark} runs (it implies
 *     {@code group}); {@code batch} is faster on one machine (one batched generation).
 */
@Doc("Steps, batch shape and optimiser. One step = P prompts × G completions rolled out, scored, "
        + "then `num_iterations` passes of AdamW updates over them in micro-batches.")
public record TrainingSection(
        @Doc("Training steps (rollout + update rounds). One step = P prompts × G completions.")
        @Range(min = 1)
        @Default("100")
        int maxSteps,
        @Doc("P: prompts drawn from the data per step; each is sampled G times, so a step has P×G "
                + "completions.")
        @Range(min = 1)
        @Default("8")
        int perStepPrompts,
        @Doc("Completions per forward/backward pass; gradients are accumulated over the P×G rows "
                + "of a step. P×G need not be a multiple: the last micro-batch is smaller. The loss is "
                + "normalised by whole-batch counts, so this changes memory use, not the result.")
        @Range(min = 1)
        @Default("16")
        int microBatchSize,
        @Doc("μ: optimisation passes over each step's rollouts (TRL `num_iterations`). With μ = 1 "
                + "π_old is the current policy detached: the ratio is 1 in value but its gradient is "
                + "∇log π_θ, so a loss near 0 is expected, not a bug.")
        @Range(min = 1)
        @Default("1")
        int numIterations,
        @Doc("Peak AdamW learning rate. Default 1e-6 is TRL's GRPO default, meant for pretrained "
                + "models; tiny from-scratch models (the built-in config) need ~1e-4.")
        @Range(min = 0, minExclusive = true)
        @Default("1e-6")
        double learningRate,
        double adamBeta1,
        @Doc("AdamW β2 (TRL's GRPO default 0.99).")
        @Range(min = 0, max = 1, maxExclusive = true)
        @Default("0.99")
        double adamBeta2,
        double adamEpsilon,
        double weightDecay,
        @Doc("Learning-rate schedule after warm-up: constant, linear decay to 0, or cosine decay to 0 "
                + "at `max_steps`.")
        @Default("constant")
        LrSchedulerType lrSchedulerType,
        double warmupRatio,
        int warmupSteps,
        double maxGradNorm,
        @Doc("Completion tokens (rows × positions) whose vocabulary logits exist at once when log-probs "
                + "and entropies are computed (policy, old and reference); the update's backward pass "
                + "through the output head runs chunk by chunk too. Same values and gradients; with a "
                + "large vocabulary it saves most of the update's memory. With LoRA a chunk also holds at most 10 M "
                + "logits (40 MB): with vocabularies above 39,062 entries it is smaller (65 tokens at 151,936), "
                + "since the logits are then most of the update's peak. 0: all tokens at once.")
        @Range(min = 0)
        @Default("256")
        int logprobChunkSize,
        @Doc("Recompute each decoder layer's activations in the backward pass instead of keeping them "
                + "(only each layer's input is kept): less memory for long completions, about one more "
                + "forward pass of time. Same gradients (TRL `gradient_checkpointing`).")
        @Default("false")
        boolean gradientCheckpointing,
        @Doc("Full fine-tuning: keep the frozen reference model's weights in a file under `output_dir` instead "
                + "of memory, and read them one decoder layer at a time whenever reference log-probs are "
                + "computed (verl's `ref.param_offload`, to disk). Saves a whole copy of the weights (2.5 GB at "
                + "0.5 B parameters) for re-reading them once a step (about 1 s at 0.5 B); the same log-probs, "
                + "bit for bit. `auto`: on for models of 1 GB of float32 weights (250 M parameters) or more, "
                + "off below, where it saves little. `true` needs `loss.ref_model_sync_steps` = 0 (`auto` then "
                + "keeps the reference in memory). Ignored with LoRA, whose reference shares the weights, and "
                + "when `beta` is 0.")
        @Default("auto")
        RefParamOffload refParamOffload,
        @Doc("Optimizer steps per generation (TRL `steps_per_generation`, verl's mini-batches): one generation "
                + "samples this many steps' prompts at once, and each step's groups are then its own AdamW "
                + "update (its own learning-rate step and metrics line), with importance ratios against the "
                + "policy that generated them. With `num_iterations` μ, the μ passes go over the steps in turn. "
                + "`max_steps` still counts optimizer steps (of `num_iterations` updates each).")
        @Range(min = 1)
        @Default("1")
        int stepsPerGeneration,
        @Doc("DAPO's dynamic sampling (verl `algorithm.filter_groups`): groups whose rewards are all equal "
                + "are dropped and generation continues with new prompts from the data until every prompt "
                + "slot of the step holds a group with signal (the excess is cut off), or until "
                + "`max_generation_batches` is reached; then the step trains on what it has.")
        @Default("false")
        boolean dynamicSampling,
        @Doc("With `dynamic_sampling`: generation batches per step at most (verl `max_num_gen_batches`, "
                + "whose default 0 is kept: no limit, so data whose groups never vary loops for ever).")
        @Range(min = 0)
        @Default("0")
        int maxGenerationBatches,
        @Doc("Sampling randomness per step: `batch` draws every prompt's completions from one random stream, "
                + "generated together; `group` gives each prompt group a stream of its own, derived from "
                + "(seed, step, group), and generates the groups one after another. `group` samples the same "
                + "completions however the groups are spread over machines, which is what `--spark` runs "
                + "(it implies `group`); `batch` is faster on one machine (one batched generation).")
        @Default("batch")
        RolloutSeeding rolloutSeeding) implements OptimizerKeys {

    /** {@return TRL's GRPO defaults (learning rate 1e-6, β2 0.99), 100 steps of 8 prompts, micro-batches of 16} */
    public static TrainingSection defaults() {
        return Defaults.of(TrainingSection.class);
    }
}
