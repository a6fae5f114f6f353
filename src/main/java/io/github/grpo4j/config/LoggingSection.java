package io.github.grpo4j.config;

/**
 * Metrics, sample completions and evaluation.
 *
 * @param loggingSteps  metrics period in steps
 * @param numSampleRows completions per step written to samples.jsonl
 * @param evalSteps     evaluation period in steps, 0 = off
 * @param evalPrompts   prompts per evaluation
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

    public static LoggingSection defaults() {
        return new LoggingSection(1, 4, 0, 64);
    }
}
