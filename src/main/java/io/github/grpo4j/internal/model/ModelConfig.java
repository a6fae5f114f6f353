package io.github.grpo4j.internal.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a Llama / Qwen2 / Qwen3 decoder, as Hugging Face's {@code config.json} states
 * it, with the defaults of each model type's {@code *Config} class in transformers filled in.
 *
 * @param modelType             {@code llama}, {@code qwen2} or {@code qwen3}
 * @param vocabSize             rows of the embedding and of the output head
 * @param hiddenSize            width of the residual stream (D)
 * @param intermediateSize      width of the SwiGLU MLP (I)
 * @param numHiddenLayers       decoder layers
 * @param numAttentionHeads     query heads (H)
 * @param numKeyValueHeads      key/value heads (KV); H must be a multiple (GQA; 1 is MQA)
 * @param headDim               width of one head (d); hidden / heads unless the config says otherwise
 * @param rmsNormEps            epsilon of every RMSNorm
 * @param ropeTheta             RoPE base
 * @param ropeScaling           {@code llama3} frequency scaling, or null for plain RoPE
 * @param attentionBias         bias on q/k/v/o projections (llama, qwen3); qwen2 always has q/k/v bias
 * @param tieWordEmbeddings     the output head reuses the embedding matrix
 * @param maxPositionEmbeddings longest sequence the model accepts
 * @param torchDtype            dtype the checkpoint was saved in ({@code float32}, {@code bfloat16}, ...)
 * @param initializerRange      standard deviation of the random initialisation
 * @param bosTokenId            beginning-of-sequence token, or null
 * @param eosTokenIds           end-of-sequence tokens (config may give one int or a list)
 */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean attentionBias,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        String torchDtype,
        double initializerRange,
        Integer bosTokenId,
        List<Integer> eosTokenIds) {

    /** Model types this package implements. */
    public static final List<String> SUPPORTED_TYPES = ModelFamily.modelTypes();

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Llama 3's RoPE frequency scaling ({@code rope_scaling} with {@code rope_type: llama3}).
     *
     * @param factor                        how much longer the context became
     * @param lowFreqFactor                 wavelengths above original/low are divided by factor
     * @param highFreqFactor                wavelengths below original/high are kept
     * @param originalMaxPositionEmbeddings context length the model was pre-trained with
     */
    public record RopeScaling(
            double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {}

    /** Checks the invariants the forward pass relies on; each failure names the field. */
    public ModelConfig {
        if (!SUPPORTED_TYPES.contains(modelType)) {
            throw new Grpo4jException("config.json: model_type '" + modelType + "' is not supported; supported: "
                    + String.join(", ", SUPPORTED_TYPES));
        }
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new Grpo4jException("config.json: num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new Grpo4jException("config.json: head_dim must be even for RoPE, found " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            throw new Grpo4jException("config.json: rms_norm_eps must be > 0, found " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            throw new Grpo4jException("config.json: rope_theta must be > 0, found " + ropeTheta);
        }
        if (!(initializerRange >= 0)) {
            throw new Grpo4jException("config.json: initializer_range must be >= 0, found " + initializerRange);
        }
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
        torchDtype = torchDtype == null ? "float32" : torchDtype;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new Grpo4jException("config.json: " + field + " must be a positive integer, found " + value);
        }
    }

    /** The family of {@link #modelType}, which holds what differs between families. */
    public ModelFamily family() {
        return ModelFamily.of(modelType).orElseThrow();
    }

    /** Whether q/k/v projections carry a bias: always for qwen2, else {@code attention_bias}. */
    public boolean qkvBias() {
        return family().qkvBias(attentionBias);
    }

    /** Whether o_proj carries a bias: {@code attention_bias} for llama and qwen3, never for qwen2. */
    public boolean outputBias() {
        return family().outputBias(attentionBias);
    }

    /** Whether queries and keys get a per-head RMSNorm before RoPE (qwen3). */
    public boolean qkNorm() {
        return family().qkNorm();
    }

    /** This config with another {@code torch_dtype} (what {@link Transformer#save} writes is float32). */
    public ModelConfig withTorchDtype(String dtype) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling, attentionBias,
                tieWordEmbeddings, maxPositionEmbeddings, dtype, initializerRange, bosTokenId, eosTokenIds);
    }

    /** Reads a Hugging Face {@code config.json}. */
    public static ModelConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new Grpo4jException("cannot read model config " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (Grpo4jException e) {
            throw new Grpo4jException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a Hugging Face {@code config.json}; unknown keys are ignored (HF writes many). */
    public static ModelConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new Grpo4jException("config.json is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new Grpo4jException("config.json must be a JSON object");
        }
        String type = root.path("model_type").asText(null);
        ModelFamily family = ModelFamily.of(type).orElse(null);
        if (family == null) {
            throw new Grpo4jException("config.json: model_type " + (type == null ? "is missing" : "'" + type + "' is not supported")
                    + "; supported: " + String.join(", ", SUPPORTED_TYPES));
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new Grpo4jException("config.json: hidden_act '" + act + "' is not supported; supported: silu");
        }
        if (root.path("mlp_bias").asBoolean(false)) {
            throw new Grpo4jException("config.json: mlp_bias true is not supported; supported: false");
        }
        if (root.path("use_sliding_window").asBoolean(false)) {
            throw new Grpo4jException("config.json: use_sliding_window true is not supported; supported: false");
        }
        int hidden = requiredInt(root, "hidden_size");
        int heads = requiredInt(root, "num_attention_heads");
        int headDim;
        if (root.hasNonNull("head_dim")) {
            headDim = requiredInt(root, "head_dim");
        } else if (family.defaultHeadDim() > 0) {
            headDim = family.defaultHeadDim();
        } else {
            if (heads <= 0 || hidden % heads != 0) {
                throw new Grpo4jException("config.json: hidden_size (" + hidden
                        + ") must be a multiple of num_attention_heads (" + heads + ") when head_dim is absent");
            }
            headDim = hidden / heads;
        }
        JsonNode ropeParams = root.path("rope_parameters"); // transformers 5 moved rope_theta here
        double theta = root.hasNonNull("rope_theta") ? number(root, "rope_theta")
                : ropeParams.hasNonNull("rope_theta") ? number(ropeParams, "rope_theta") : 10000.0;
        JsonNode scalingNode = root.hasNonNull("rope_scaling") ? root.get("rope_scaling") : ropeParams;
        RopeScaling scaling = parseRopeScaling(scalingNode);
        return new ModelConfig(
                type,
                requiredInt(root, "vocab_size"),
                hidden,
                requiredInt(root, "intermediate_size"),
                requiredInt(root, "num_hidden_layers"),
                heads,
                root.hasNonNull("num_key_value_heads") ? requiredInt(root, "num_key_value_heads") : heads,
                headDim,
                root.hasNonNull("rms_norm_eps") ? number(root, "rms_norm_eps") : 1e-6,
                theta,
                scaling,
                root.path("attention_bias").asBoolean(false),
                root.path("tie_word_embeddings").asBoolean(false),
                root.hasNonNull("max_position_embeddings") ? requiredInt(root, "max_position_embeddings")
                        : family.defaultMaxPositions(),
                root.path("torch_dtype").asText(root.path("dtype").asText("float32")),
                root.hasNonNull("initializer_range") ? number(root, "initializer_range") : 0.02,
                root.hasNonNull("bos_token_id") ? tokenIds(root, "bos_token_id").get(0) : null,
                root.hasNonNull("eos_token_id") ? tokenIds(root, "eos_token_id") : List.of());
    }

    private static RopeScaling parseRopeScaling(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || !node.isObject()) {
            return null;
        }
        String kind = node.hasNonNull("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("default");
        if (kind.equals("default")) {
            return null;
        }
        if (!kind.equals("llama3")) {
            throw new Grpo4jException("config.json: rope_scaling type '" + kind + "' is not supported; supported: llama3");
        }
        return new RopeScaling(
                number(node, "factor"),
                number(node, "low_freq_factor"),
                number(node, "high_freq_factor"),
                requiredInt(node, "original_max_position_embeddings"));
    }

    private static int requiredInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new Grpo4jException("config.json: required field " + field + " is missing");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new Grpo4jException("config.json: " + field + " must be an integer, found " + v);
        }
        return v.intValue();
    }

    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new Grpo4jException("config.json: required field " + field + " is missing");
        }
        if (!v.isNumber()) {
            throw new Grpo4jException("config.json: " + field + " must be a number, found " + v);
        }
        return v.doubleValue();
    }

    private static List<Integer> tokenIds(JsonNode node, String field) {
        JsonNode v = node.get(field);
        List<Integer> ids = new ArrayList<>();
        if (v.isIntegralNumber()) {
            ids.add(v.intValue());
        } else if (v.isArray() && v.size() > 0) {
            for (JsonNode e : v) {
                if (!e.isIntegralNumber()) {
                    throw new Grpo4jException("config.json: " + field + " must be an integer or a list of integers, found " + v);
                }
                ids.add(e.intValue());
            }
        } else {
            throw new Grpo4jException("config.json: " + field + " must be an integer or a list of integers, found " + v);
        }
        return ids;
    }

    /** This config as a Hugging Face {@code config.json} that transformers' AutoModelForCausalLM opens. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        ModelFamily family = family();
        o.putArray("architectures").add(family.architecture());
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("head_dim", headDim);
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode s = o.putObject("rope_scaling");
            s.put("rope_type", "llama3");
            s.put("factor", ropeScaling.factor());
            s.put("low_freq_factor", ropeScaling.lowFreqFactor());
            s.put("high_freq_factor", ropeScaling.highFreqFactor());
            s.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
        }
        if (family.readsAttentionBias()) {
            o.put("attention_bias", attentionBias);
            o.put("attention_dropout", 0.0);
        }
        if (family.writesSlidingWindow()) {
            o.put("use_sliding_window", false);
        }
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("torch_dtype", torchDtype);
        o.put("initializer_range", initializerRange);
        if (bosTokenId != null) {
            o.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        o.put("use_cache", true);
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}. */
    public void write(Path file) {
        try {
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new Grpo4jException("cannot write model config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Number of scalar parameters a model with this config has. */
    public long parameterCount() {
        long d = hiddenSize;
        long q = (long) numAttentionHeads * headDim;
        long kv = (long) numKeyValueHeads * headDim;
        long perLayer = d * q + 2 * d * kv + q * d + 3 * d * intermediateSize + 2 * d;
        if (qkvBias()) {
            perLayer += q + 2 * kv;
        }
        if (outputBias()) {
            perLayer += d;
        }
        if (qkNorm()) {
            perLayer += 2L * headDim;
        }
        long total = perLayer * numHiddenLayers + (long) vocabSize * d + d;
        return tieWordEmbeddings ? total : total + (long) vocabSize * d;
    }
}
