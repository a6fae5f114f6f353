package io.github.grpo4j.config;

import java.util.List;

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
 * @param reportTo config key {@code report_to}, default {@code []}, valid: list of: tensorboard. Where else
 *     metrics go besides {@code metrics.jsonl} (TRL {@code report_to}): {@code tensorboard} writes every
 *     metric, with its step, as TensorBoard scalar event files under {@code <output_dir>/tensorboard}
 *     ({@code tensorboard --logdir <output_dir>/tensorboard}).
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
        int evalPrompts,
        @Doc(value = "Where else metrics go besides `metrics.jsonl` (TRL `report_to`): `tensorboard` writes "
                + "every metric, with its step, as TensorBoard scalar event files under "
                + "`<output_dir>/tensorboard` (`tensorboard --logdir <output_dir>/tensorboard`).",
                valid = "list of: tensorboard")
        @OneOf({"tensorboard"})
        List<String> reportTo) {

    /**
     * Fills in defaults for keys left null: no extra destinations.
     *
     * @param loggingSteps config key {@code logging_steps}, see {@link #loggingSteps()}
     * @param numSampleRows config key {@code num_sample_rows}, see {@link #numSampleRows()}
     * @param evalSteps config key {@code eval_steps}, see {@link #evalSteps()}
     * @param evalPrompts config key {@code eval_prompts}, see {@link #evalPrompts()}
     * @param reportTo config key {@code report_to}, see {@link #reportTo()}
     */
    public LoggingSection {
        reportTo = reportTo == null ? List.of() : List.copyOf(reportTo);
    }

    /** {@return every key at its default} */
    public static LoggingSection defaults() {
        return new LoggingSection(1, 4, 0, 64, List.of());
    }

    /** {@return whether {@code report_to} lists {@code tensorboard}} */
    public boolean tensorboard() {
        return reportTo.contains("tensorboard");
    }
}
