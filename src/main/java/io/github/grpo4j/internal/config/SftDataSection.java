package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.Default;
import io.github.grpo4j.config.Defaults;
import io.github.grpo4j.config.Doc;
import io.github.grpo4j.config.OneOf;
import io.github.grpo4j.config.Range;
import java.util.Map;

/**
 * Supervised examples: prompt plus target completion, from a file or a built-in task.
 *
 * @param trainFile       JSONL or CSV file; null when {@code task} is set
 * @param task            built-in task whose reference answers are the targets
 * @param taskOptions     options of the built-in task
 * @param promptField     plain-text prompt field
 * @param messagesField   chat prompt field
 * @param completionField target completion field
 * @param shuffle         reshuffle each epoch
 * @param maxLength       longest prompt + completion in tokens
 */
@Doc("Supervised examples: a prompt (as for GRPO) and the target completion. From a file "
        + "(`train_file`) or a built-in task (its reference answers); exactly one is set.")
public record SftDataSection(
        @Doc(value = "JSONL or CSV file; each row has a prompt (`prompt_field` or `messages_field`) "
                + "and a target under `completion_field`.",
                valid = "null, or a path ending in .jsonl, .json or .csv")
        String trainFile,
        @Doc("Built-in task; its reference solutions are the targets.")
        @OneOf(value = {"arithmetic", "countdown", "sort"}, nullable = true)
        String task,
        @Doc("Options of the built-in task.")
        Map<String, Object> taskOptions,
        @Doc(value = "Field holding a plain-text prompt.", valid = "non-empty")
        @Default("prompt")
        String promptField,
        @Doc(value = "Field holding a chat prompt (list of {role, content}).", valid = "non-empty")
        @Default("messages")
        String messagesField,
        @Doc(value = "Field holding the target completion the model learns to produce (the loss is on these "
                + "tokens only).", valid = "non-empty")
        @Default("completion")
        String completionField,
        @Doc("Shuffle the examples each epoch (seeded).")
        @Default("true")
        boolean shuffle,
        @Doc("Longest prompt + completion in tokens; longer prompts are left-truncated with a warning.")
        @Range(min = 2)
        @Default("512")
        int maxLength) {

    public SftDataSection {
        taskOptions = Configs.copyMap(taskOptions);
    }

    public static SftDataSection defaults() {
        return Defaults.of(SftDataSection.class);
    }
}
