package io.github.grpo4j.config;

import java.util.Map;

/**
 * Which policy model to train: a local Hugging Face model directory, or a fresh model built from a
 * {@code config.json} (a path or the same keys inline) and a tokenizer.
 *
 * @param path     local Hugging Face model directory ({@code config.json}, {@code *.safetensors},
 *                 {@code tokenizer.json}); null to build a fresh model from {@code config}
 * @param config   for a fresh model: path to a {@code config.json}, or an inline map of its keys
 * @param tokenizer path to a {@code tokenizer.json} (or its directory), or {@code char:<alphabet>}
 * @param refModel reference model directory for the KL penalty; null = the initial policy
 */
@Doc("The policy model: a local Hugging Face model directory (`path`), or a fresh model built from a "
        + "`config` (path to a `config.json` or its keys inline) and a `tokenizer`. Exactly one of "
        + "`path` and `config` is set. Relative paths are resolved against the working directory.")
public record ModelSection(
        @Doc("Local Hugging Face model directory holding `config.json`, `*.safetensors` and "
                + "`tokenizer.json`. null: build a fresh, randomly initialised model from `config`.")
        String path,
        @Doc(value = "For a fresh model: a path to a Hugging Face `config.json` (Llama / Qwen2 / Qwen3 "
                + "family), or its keys inline as a map. `vocab_size` may be left out: it is then taken "
                + "from the tokenizer. Must be null when `path` is set.",
                valid = "null, a path string, or a map")
        Object config,
        @Doc(value = "Tokenizer: a path to a `tokenizer.json` (or a directory holding one), or "
                + "`char:<alphabet>` for the character tokenizer of the built-in tasks. null: the "
                + "tokenizer of `path`, else a character tokenizer over the alphabet of `data.task`.",
                valid = "null (with `path`), a path, or `char:` followed by at least one character")
        String tokenizer,
        @Doc("Reference model directory for the KL penalty (same tokenizer as the policy). null: a "
                + "frozen copy of the initial policy, as in DeepSeekMath and TRL. Not loaded when "
                + "`loss.beta` is 0.")
        String refModel) {

    /** No model chosen: the config file must set {@code path} or {@code config}. */
    public static ModelSection defaults() {
        return new ModelSection(null, null, null, null);
    }

    /** {@code config} when it is a path, else null. */
    public String configPath() {
        return config instanceof String s ? s : null;
    }

    /** {@code config} when it is an inline map of {@code config.json} keys, else null. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> inlineConfig() {
        return config instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
