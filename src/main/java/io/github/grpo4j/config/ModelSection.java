package io.github.grpo4j.config;

import java.util.Map;

/**
 * Which policy model to train: a local Hugging Face model directory, or a fresh model built from a
 * {@code config.json} (a path or the same keys inline) and a tokenizer.
 *
 * @param path config key {@code path}, default {@code null}. Local Hugging Face model directory holding
 *     {@code config.json}, {@code *.safetensors} and {@code tokenizer.json}. null: build a fresh, randomly
 *     initialised model from {@code config}.
 * @param config config key {@code config}, default {@code null}, valid: null, a path string, or a map. For a
 *     fresh model: a path to a Hugging Face {@code config.json} (Llama / Qwen2 / Qwen3 family), or its keys
 *     inline as a map. {@code vocab_size} may be left out: it is then taken from the tokenizer. Must be null
 *     when {@code path} is set.
 * @param tokenizer config key {@code tokenizer}, default {@code null}, valid: null (with {@code path}), a
 *     path, or {@code char:} followed by at least one character. Tokenizer: a path to a
 *     {@code tokenizer.json} (or a directory holding one), or {@code char:<alphabet>} for the character
 *     tokenizer of the built-in tasks. null: the tokenizer of {@code path}, else a character tokenizer over
 *     the alphabet of {@code data.task}.
 * @param refModel config key {@code ref_model}, default {@code null}. Reference model directory for the KL
 *     penalty (same tokenizer as the policy). null: a frozen copy of the initial policy, as in DeepSeekMath
 *     and TRL. Not loaded when {@code loss.beta} is 0.
 * @param lora config key {@code lora}: LoRA adapters to train instead of every weight (PEFT
 *     {@code LoraConfig} keys). null: full fine-tuning.
 * @param adapter config key {@code adapter}, default {@code null}. A PEFT LoRA adapter directory
 *     ({@code adapter_config.json}, {@code adapter_model.safetensors}) for the base model, trained further:
 *     its rank, alpha and target modules replace {@code lora}'s (whose {@code lora_dropout} still applies).
 *     null: new adapters from {@code lora}, or none.
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
        String refModel,
        @Doc("LoRA adapters to train instead of every weight (PEFT `LoraConfig` keys). null: full fine-tuning.")
        @Default("null")
        LoraSection lora,
        @Doc("A PEFT LoRA adapter directory (`adapter_config.json`, `adapter_model.safetensors`) for the "
                + "base model, trained further: its rank, alpha and target modules replace `lora`'s (whose "
                + "`lora_dropout` still applies). null: new adapters from `lora`, or none.")
        String adapter) {

    /**
     * A model section without LoRA.
     *
     * @param path      config key {@code path}, see {@link #path()}
     * @param config    config key {@code config}, see {@link #config()}
     * @param tokenizer config key {@code tokenizer}, see {@link #tokenizer()}
     * @param refModel  config key {@code ref_model}, see {@link #refModel()}
     */
    public ModelSection(String path, Object config, String tokenizer, String refModel) {
        this(path, config, tokenizer, refModel, null, null);
    }

    /** {@return no model chosen: the config must set {@code path} or {@code config}} */
    public static ModelSection defaults() {
        return Defaults.of(ModelSection.class);
    }

    /**
     * This section with LoRA settings.
     *
     * @param settings the adapters to train, or null for full fine-tuning
     * @return a copy with {@code lora} set
     */
    public ModelSection withLora(LoraSection settings) {
        return new ModelSection(path, config, tokenizer, refModel, settings, adapter);
    }

    /**
     * This section starting from an adapter directory.
     *
     * @param directory a PEFT adapter directory, or null
     * @return a copy with {@code adapter} set
     */
    public ModelSection withAdapter(String directory) {
        return new ModelSection(path, config, tokenizer, refModel, lora, directory);
    }

    /** {@return {@code config} when it is a path, else null} */
    public String configPath() {
        return config instanceof String s ? s : null;
    }

    /** {@return {@code config} when it is an inline map of {@code config.json} keys, else null} */
    @SuppressWarnings("unchecked")
    public Map<String, Object> inlineConfig() {
        return config instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
