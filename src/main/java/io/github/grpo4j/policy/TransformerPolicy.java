package io.github.grpo4j.policy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Policy} backed by a causal language model (Llama, Qwen2, Qwen3) and its tokenizer: samples with a
 * batched KV-cached generator and scores with one teacher-forced forward pass. Built by
 * {@link TransformerPolicies} ({@code load} a Hugging Face directory, or {@code fromConfig} a config's model
 * section).
 *
 * <p>Temperature: {@link #score} uses {@code log_softmax(logits / temperature)}, the same
 * distribution whose log-probs {@link #generate} records, so for the same weights sampled and scored
 * log-probs agree (the importance ratio starts at exactly 1). Temperature 0 (greedy sampling) scores
 * at temperature 1, as the generator records it.
 */
public interface TransformerPolicy extends Policy {

    /**
     * Samples {@code n} completions of a plain-text prompt (no chat template applied) and decodes them.
     *
     * @param prompt the prompt text
     * @param n      how many completions
     * @param params sampling settings, e.g. {@code SamplingParams.defaults(16)} or greedy with temperature 0
     * @param seed   the same seed gives the same completions
     * @return the completion texts, special tokens left out
     */
    List<String> complete(String prompt, int n, SamplingParams params, long seed);

    /** A deep copy of the model (sharing the immutable tokenizer), not set up for training. */
    @Override
    TransformerPolicy copy();

    /**
     * Adds new LoRA adapters (PEFT's initialisation: A Kaiming-uniform, B = 0, so the policy's outputs do not
     * change); from then on only the adapters are trained and the base weights stay frozen.
     *
     * <pre>{@code
     * policy.addAdapter(new LoraSection(16, 32, 0.0, List.of("all-linear"), false), 42);
     * }</pre>
     *
     * @param settings rank, alpha, dropout and target modules
     * @param seed     seeds A and the dropout masks
     * @throws Grpo4jException when the settings are invalid or name no layer of the model
     * @throws IllegalStateException when the policy has adapters already
     */
    void addAdapter(LoraSection settings, long seed);

    /**
     * Reads a PEFT LoRA adapter ({@code adapter_config.json}, {@code adapter_model.safetensors}) made for this
     * policy's base model and attaches it.
     *
     * @param directory the adapter directory
     * @throws Grpo4jException when the files are missing or do not fit the model's shapes
     * @throws IllegalStateException when the policy has adapters already
     */
    void loadAdapter(Path directory);

    /**
     * Writes the LoRA adapter in PEFT's layout ({@code adapter_config.json}, {@code adapter_model.safetensors}),
     * which PEFT, transformers and vLLM load on top of the base model.
     *
     * @param directory created when missing
     * @throws IllegalStateException when the policy has no adapters
     */
    void saveAdapter(Path directory);

    /** {@return whether the policy trains LoRA adapters rather than every weight} */
    boolean hasAdapter();

    /**
     * The base model with the adapters switched off, sharing this policy's weights (no copy): the reference
     * model of a LoRA run. Closing it closes nothing.
     *
     * @return the view
     * @throws IllegalStateException when the policy has no adapters
     */
    TransformerPolicy withoutAdapter();
}
