package io.github.grpo4j.config;

import java.util.List;

/**
 * Metrics, sample completions and evaluation.
 *
 * @param loggingSteps config key {@code logging_steps}, default {@code 1}, valid: ≥ 1. Log metrics every this
 *     many steps.
 * @param numSampleRows config key {@code num_sample_rows}, default {@code 4}, valid: ≥ 0. Completions per
 *     logged step written to {@code samples.jsonl} (prompt, completion, rewards, advantage); 0 writes none.
 * @param evalSteps config key {@code eval_steps}, default {@code 0}, valid: ≥ 0. Evaluate every this many
 *     steps (and at the last step): a built-in task's held-out accuracy, or {@code data.eval_file}; 0
 *     disables.
 * @param evalPrompts config key {@code eval_prompts}, default {@code 64}, valid: ≥ 1. Prompts per evaluation
 *     (for a built-in task: generated with a seed different from training; for {@code data.eval_file}: its
 *     first rows).
 * @param reportTo config key {@code report_to}, default {@code []}, valid: list of: tensorboard. Where else
 *     metrics go besides {@code metrics.jsonl} (TRL {@code report_to}): {@code tensorboard} writes every
 *     metric, with its step, as TensorBoard scalar event files under {@code <output_dir>/tensorboard}
 *     ({@code tensorboard --logdir <output_dir>/tensorboard}).
 * @param numGenerationsEval config key {@code num_generations_eval}, default {@code 4}, valid: ≥ 1. Sampled
 *     completions per prompt when evaluating {@code data.eval_file} (TRL {@code num_generations_eval});
 *     pass&#64;1 and pass&#64;n are estimated from them.
 * @param evalPassThreshold config key {@code eval_pass_threshold}, default {@code 1.0}. When evaluating
 *     {@code data.eval_file}, a completion passes (counts for pass&#64;k) when its total reward (weighted sum
 *     of the reward functions) is at least this.
 */
@Doc("Metrics (`metrics.jsonl`, TRL names), sample completions (`samples.jsonl`) and evaluation.")
public record LoggingSection(
        @Doc("Log metrics every this many steps.")
        @Range(min = 1)
        @Default("1")
        int loggingSteps,
        @Doc("Completions per logged step written to `samples.jsonl` (prompt, completion, rewards, "
                + "advantage); 0 writes none.")
        @Range(min = 0)
        @Default("4")
        int numSampleRows,
        @Doc("Evaluate every this many steps (and at the last step): a built-in task's held-out "
                + "accuracy, or `data.eval_file`; 0 disables.")
        @Range(min = 0)
        @Default("0")
        int evalSteps,
        @Doc("Prompts per evaluation (for a built-in task: generated with a seed different from "
                + "training; for `data.eval_file`: its first rows).")
        @Range(min = 1)
        @Default("64")
        int evalPrompts,
        @Doc(value = "Where else metrics go besides `metrics.jsonl` (TRL `report_to`): `tensorboard` writes "
                + "every metric, with its step, as TensorBoard scalar event files under "
                + "`<output_dir>/tensorboard` (`tensorboard --logdir <output_dir>/tensorboard`).",
                valid = "list of: tensorboard")
        @OneOf({"tensorboard"})
        List<String> reportTo,
        @Doc("Sampled completions per prompt when evaluating `data.eval_file` (TRL "
                + "`num_generations_eval`); pass@1 and pass@n are estimated from them.")
        @Range(min = 1)
        @Default("4")
        int numGenerationsEval,
        @Doc("When evaluating `data.eval_file`, a completion passes (counts for pass@k) when its total "
                + "reward (weighted sum of the reward functions) is at least this.")
        @Default("1.0")
        double evalPassThreshold) {

    /**
     * Fills in defaults for keys left null: no extra destinations.
     *
     * @param loggingSteps config key {@code logging_steps}, see {@link #loggingSteps()}
     * @param numSampleRows config key {@code num_sample_rows}, see {@link #numSampleRows()}
     * @param evalSteps config key {@code eval_steps}, see {@link #evalSteps()}
     * @param evalPrompts config key {@code eval_prompts}, see {@link #evalPrompts()}
     * @param reportTo config key {@code report_to}, see {@link #reportTo()}
     * @param numGenerationsEval config key {@code num_generations_eval}, see {@link #numGenerationsEval()}
     * @param evalPassThreshold config key {@code eval_pass_threshold}, see {@link #evalPassThreshold()}
     */
    public LoggingSection {
        reportTo = reportTo == null ? List.of() : List.copyOf(reportTo);
    }

    /** {@return every key at its default} */
    public static LoggingSection defaults() {
        return Defaults.of(LoggingSection.class);
    }

    /** {@return whether {@code report_to} lists {@code tensorboard}} */
    public boolean tensorboard() {
        return reportTo.contains("tensorboard");
    }
}
