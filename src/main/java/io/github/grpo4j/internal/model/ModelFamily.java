package io.github.grpo4j.internal.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What distinguishes the model families this package implements, in one place: which projections carry
 * biases, whether queries and keys are normalised, the defaults transformers' {@code *Config} classes
 * fill in and the class name {@code config.json} announces. Everything else (SwiGLU MLP, RMSNorm, RoPE
 * with optional Llama 3 frequency scaling, optionally tied embeddings) is shared and read from the
 * config.
 */
public enum ModelFamily {
    /** Llama 2/3: biases only with {@code attention_bias} (then on q, k, v and o). */
    LLAMA("llama", "LlamaForCausalLM", false, false, 2048, 0),
    /** Qwen2 / Qwen2.5: q/k/v always carry a bias, o never does; {@code attention_bias} is not read. */
    QWEN2("qwen2", "Qwen2ForCausalLM", true, false, 32768, 0),
    /** Qwen3: a per-head RMSNorm on queries and keys before RoPE; head_dim defaults to 128. */
    QWEN3("qwen3", "Qwen3ForCausalLM", false, true, 32768, 128);

    private final String modelType;
    private final String architecture;
    private final boolean alwaysQkvBias;
    private final boolean qkNorm;
    private final int defaultMaxPositions;
    private final int defaultHeadDim;

    ModelFamily(String modelType, String architecture, boolean alwaysQkvBias, boolean qkNorm,
            int defaultMaxPositions, int defaultHeadDim) {
        this.modelType = modelType;
        this.architecture = architecture;
        this.alwaysQkvBias = alwaysQkvBias;
        this.qkNorm = qkNorm;
        this.defaultMaxPositions = defaultMaxPositions;
        this.defaultHeadDim = defaultHeadDim;
    }

    /** The {@code model_type} values of every family, in declaration order. */
    public static List<String> modelTypes() {
        return Arrays.stream(values()).map(ModelFamily::modelType).toList();
    }

    /** The family whose {@code model_type} is {@code type}, if any. */
    public static Optional<ModelFamily> of(String type) {
        return Arrays.stream(values()).filter(f -> f.modelType.equals(type)).findFirst();
    }

    /** The {@code model_type} of {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    /** The transformers class named in {@code config.json}'s {@code architectures}. */
    public String architecture() {
        return architecture;
    }

    /** Whether q/k/v projections carry a bias given {@code config.json}'s {@code attention_bias}. */
    public boolean qkvBias(boolean attentionBias) {
        return alwaysQkvBias || attentionBias;
    }

    /** Whether o_proj carries a bias given {@code attention_bias} (a family with fixed q/k/v biases has none). */
    public boolean outputBias(boolean attentionBias) {
        return !alwaysQkvBias && attentionBias;
    }

    /** Whether {@code config.json} has an {@code attention_bias} key for this family. */
    public boolean readsAttentionBias() {
        return !alwaysQkvBias;
    }

    /**
     * Whether transformers writes {@code use_sliding_window} into this family's {@code config.json} (only
     * the false value is supported).
     */
    public boolean writesSlidingWindow() {
        return this == QWEN2;
    }

    /** Whether queries and keys get a per-head RMSNorm before RoPE. */
    public boolean qkNorm() {
        return qkNorm;
    }

    /** {@code max_position_embeddings} when {@code config.json} leaves it out. */
    public int defaultMaxPositions() {
        return defaultMaxPositions;
    }

    /** {@code head_dim} when {@code config.json} leaves it out, or 0 for hidden_size / num_attention_heads. */
    public int defaultHeadDim() {
        return defaultHeadDim;
    }
}
