package io.github.grpo4j.config;

/**
 * Metrics, sample completions and evaluation.
 *
 * @param loggingSteps config key {@code logging_steps}, default {@code 1}, valid: ≥ 1. Log metrics every this
 *     many steps.
 * @param numSampleRows config key {@code num_sample_rows}, default {@code 4}, valid: ≥ 0. Completions per
 *     logged step written to {@code samples.jsonl} (prompt, completion, rewards, advantage); 0 writes none.
 * @param evalSteps config key {@code eval_steps}, default {@code 0}, valid: ≥ 0. Evaluate (greedy accuracy /
 *     mean reward on held-out prompts) every this many steps; 0 disables.
 * @param evalPrompts config key {@code eval_prompts}, default {@code 64}, valid: ≥ 1. Prompts per evaluation
 *     (for a built-in task: generated with a seed different from training).
 */
@Doc("Metrics (`metrics.jsonl`, TRL names), sample completions (`samples.jsonl`) and evaluation.")
public record LoggingSection(
        @Doc("Log metrics every this many steps.")
        @Range(min = 1)
        int loggingSteps,
        @Doc("Completions per logged step written to `samples.jsonl` (prompt, completion, rewards, "
                + "advantage); 0 writes none.")
        @Range(min = 0)
        int numSampleRows,
        @Doc("Evaluate (greedy accuracy / mean reward on held-out prompts) every this many steps; 0 "
                + "disables.")
        @Range(min = 0)
        int evalSteps,
        @Doc("Prompts per evaluation (for a built-in task: generated with a seed different from "
                + "training).")
        @Range(min = 1)
        int evalPrompts) {

    /** {@return every key at its default} */
    public static LoggingSection defaults() {
        return new LoggingSection(1, 4, 0, 64);
    }
}
