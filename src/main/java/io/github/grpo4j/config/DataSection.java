package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.Configs;
import java.util.Map;

/**
 * Where training prompts come from: a JSONL / CSV file or a built-in task.
 *
 * @param trainFile config key {@code train_file}, default {@code null}, valid: null, or a path ending in
 *     .jsonl, .json or .csv. JSONL (one JSON object per line) or CSV (header row) file of prompts. Each row
 *     has a plain-text prompt under {@code prompt_field} or a chat under {@code messages_field} (not both);
 *     other fields go to the rewards.
 * @param task config key {@code task}, default {@code null}, valid: null, {@code arithmetic},
 *     {@code countdown}, {@code sort}. Built-in synthetic task; it brings its own prompts and verifier
 *     reward.
 * @param taskOptions config key {@code task_options}, default {@code {}}. Options of the built-in task (see
 *     the task's documentation); ignored for {@code train_file}.
 * @param promptField config key {@code prompt_field}, default {@code prompt}, valid: non-empty. Field holding
 *     a plain-text prompt (TRL's standard format).
 * @param messagesField config key {@code messages_field}, default {@code messages}, valid: non-empty. Field
 *     holding a chat prompt: a list of {role, content} maps, rendered with the tokenizer's chat template
 *     (TRL's conversational format).
 * @param shuffle config key {@code shuffle}, default {@code true}. Shuffle the prompts each epoch, with a
 *     seed derived from {@code seed} and the epoch number (so a resumed run continues with the same order).
 * @param maxPromptLength config key {@code max_prompt_length}, default {@code 512}, valid: ≥ 1. Longest
 *     prompt in tokens; longer prompts keep their last {@code max_prompt_length} tokens (left truncation, as
 *     TRL) and a warning is logged.
 * @param evalFile config key {@code eval_file}, default {@code null}, valid: null, or a path ending in
 *     .jsonl, .json or .csv; not with {@code task}. Held-out prompts of your own (same format and fields as
 *     {@code train_file}), evaluated every {@code logging.eval_steps} steps and before training with the
 *     run's reward functions: greedy and {@code logging.num_generations_eval} sampled completions per prompt;
 *     the first {@code logging.eval_prompts} rows are used. Metrics {@code eval/...} (see the README).
 */
@Doc("Training prompts: a file (`train_file`, JSONL or CSV) or a built-in task (`task`); exactly one "
        + "is set. Every field of a row besides the prompt (e.g. `answer`) is passed to the reward "
        + "functions.")
public record DataSection(
        @Doc(value = "JSONL (one JSON object per line) or CSV (header row) file of prompts. Each row "
                + "has a plain-text prompt under `prompt_field` or a chat under `messages_field` "
                + "(not both); other fields go to the rewards.",
                valid = "null, or a path ending in .jsonl, .json or .csv")
        String trainFile,
        @Doc("Built-in synthetic task; it brings its own prompts and verifier reward.")
        @OneOf(value = {"arithmetic", "countdown", "sort"}, nullable = true)
        String task,
        @Doc("Options of the built-in task (see the task's documentation); ignored for `train_file`.")
        Map<String, Object> taskOptions,
        @Doc(value = "Field holding a plain-text prompt (TRL's standard format).", valid = "non-empty")
        @Default("prompt")
        String promptField,
        @Doc(value = "Field holding a chat prompt: a list of {role, content} maps, rendered with the "
                + "tokenizer's chat template (TRL's conversational format).", valid = "non-empty")
        @Default("messages")
        String messagesField,
        @Doc("Shuffle the prompts each epoch, with a seed derived from `seed` and the epoch number "
                + "(so a resumed run continues with the same order).")
        @Default("true")
        boolean shuffle,
        @Doc("Longest prompt in tokens; longer prompts keep their last `max_prompt_length` tokens "
                + "(left truncation, as TRL) and a warning is logged.")
        @Range(min = 1)
        @Default("512")
        int maxPromptLength,
        @Doc(value = "Held-out prompts of your own (same format and fields as `train_file`), evaluated "
                + "every `logging.eval_steps` steps and before training with the run's reward functions: "
                + "greedy and `logging.num_generations_eval` sampled completions per prompt; the first "
                + "`logging.eval_prompts` rows are used. Metrics `eval/...` (see the README).",
                valid = "null, or a path ending in .jsonl, .json or .csv; not with `task`")
        String evalFile) {

    /**
     * Fills in defaults for keys left null: no task options.
     *
     * @param trainFile config key {@code train_file}, see {@link #trainFile()}
     * @param task config key {@code task}, see {@link #task()}
     * @param taskOptions config key {@code task_options}, see {@link #taskOptions()}
     * @param promptField config key {@code prompt_field}, see {@link #promptField()}
     * @param messagesField config key {@code messages_field}, see {@link #messagesField()}
     * @param shuffle config key {@code shuffle}, see {@link #shuffle()}
     * @param maxPromptLength config key {@code max_prompt_length}, see {@link #maxPromptLength()}
     * @param evalFile config key {@code eval_file}, see {@link #evalFile()}
     */
    public DataSection {
        taskOptions = Configs.copyMap(taskOptions);
    }

    /** {@return no data source chosen: the config must set {@code train_file} or {@code task}} */
    public static DataSection defaults() {
        return Defaults.of(DataSection.class);
    }
}
