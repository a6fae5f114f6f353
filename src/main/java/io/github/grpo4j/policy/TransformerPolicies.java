package io.github.grpo4j.policy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.nio.file.Path;

/** Builds {@link TransformerPolicy} instances: from a Hugging Face model directory, or from a config's model section. */
public final class TransformerPolicies {
    private TransformerPolicies() {}

    /**
     * Opens a Hugging Face model directory ({@code config.json}, {@code *.safetensors}, and
     * {@code tokenizer.json} or grpo4j's {@code char_tokenizer.json}) as a policy. Llama, Qwen2 and Qwen3
     * architectures; BF16/F16 weights are widened to float32.
     *
     * <pre>{@code
     * try (TransformerPolicy policy = TransformerPolicies.load(Path.of("models/my-model"))) { ... }
     * }</pre>
     *
     * @param directory the model directory
     * @return the policy; the caller closes it
     * @throws Grpo4jException naming the file and what is wrong when the directory is incomplete or invalid
     */
    public static TransformerPolicy load(Path directory) {
        return LanguageModelPolicy.load(directory);
    }

    /**
     * Opens a base model directory ({@link #load(Path)}) with a PEFT LoRA adapter on top.
     *
     * @param base    the base model directory
     * @param adapter the adapter directory ({@code adapter_config.json}, {@code adapter_model.safetensors})
     * @return the policy; the caller closes it
     * @throws Grpo4jException when a directory is incomplete or the adapter does not fit the base model
     */
    public static TransformerPolicy load(Path base, Path adapter) {
        return LanguageModelPolicy.load(base, adapter);
    }

    /**
     * The policy a config's {@code model} section describes: a Hugging Face directory ({@code path}), or a
     * fresh, randomly initialised model from {@code config.json} keys ({@code config}, a path or an inline
     * map; {@code vocab_size}, {@code eos_token_id} and {@code pad_token_id} default to the tokenizer's)
     * with a {@code tokenizer} ({@code char:<alphabet>} or a {@code tokenizer.json}).
     *
     * <pre>{@code
     * TransformerPolicy tiny = TransformerPolicies.fromConfig(new ModelSection(null,
     *         Map.of("model_type", "qwen2", "hidden_size", 32, "intermediate_size", 64, "num_hidden_layers", 2,
     *                "num_attention_heads", 4, "num_key_value_heads", 2, "tie_word_embeddings", true),
     *         "char:abcdefghijklmnopqrstuvwxyz ?", null), 0);
     * }</pre>
     *
     * @param model the model section, as in a config file
     * @param seed  seeds the initialisation of a fresh model (a run uses its {@code seed})
     * @return the policy; the caller closes it
     * @throws Grpo4jException when the directory, config or tokenizer is missing or invalid
     */
    public static TransformerPolicy fromConfig(ModelSection model, long seed) {
        return LanguageModelPolicy.fromConfig(model, seed);
    }
}
