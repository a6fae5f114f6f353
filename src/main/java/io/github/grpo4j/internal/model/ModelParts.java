package io.github.grpo4j.internal.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.internal.IoErrors;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the network a {@code model} section describes: loaded from {@code model.path}, or fresh from
 * {@code model.config}, with the LoRA adapters it asks for. The policy level wraps it with its tokenizer.
 */
public final class ModelParts {
    private ModelParts() {}

    /**
     * The network: loaded from {@code model.path}, or a fresh model built from {@code model.config}
     * (vocabulary size and special tokens filled in from the tokenizer), with its adapters attached.
     *
     * @param initSeed  seeds a fresh model's initial weights
     * @param loraSeed  seeds new adapters and their dropout
     */
    public static Transformer transformer(ModelSection model, Tokenizer tokenizer, long initSeed, long loraSeed) {
        Transformer base = model.path() != null ? Transformer.load(Path.of(model.path()))
                : Transformer.random(freshConfig(model, tokenizer), initSeed);
        try {
            withAdapters(base, model, loraSeed);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
        return base;
    }

    /**
     * Attaches the LoRA adapters {@code model} asks for: read from {@code model.adapter}, or new ones from
     * {@code model.lora}; none when neither is set.
     */
    public static void withAdapters(Transformer base, ModelSection model, long loraSeed) {
        if (model.adapter() != null) {
            Double dropout = model.lora() == null ? null : model.lora().loraDropout();
            base.attachAdapters(PeftAdapter.read(Path.of(model.adapter()), base.config(), dropout, loraSeed));
        } else if (model.lora() != null) {
            base.attachAdapters(LoraAdapters.init(base.config(), model.lora(), loraSeed));
        }
    }

    /** The configuration of a fresh model: {@code model.config} with the tokenizer's vocabulary and special tokens. */
    public static ModelConfig freshConfig(ModelSection model, Tokenizer tokenizer) {
        Map<String, Object> json;
        if (model.inlineConfig() != null) {
            json = new LinkedHashMap<>(model.inlineConfig());
        } else if (model.configPath() != null) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> read = new ObjectMapper().readValue(Path.of(model.configPath()).toFile(), Map.class);
                json = new LinkedHashMap<>(read);
            } catch (IOException e) {
                throw new Grpo4jException("cannot read model.config " + model.configPath() + ": " + IoErrors.reason(e), e);
            }
        } else {
            throw new Grpo4jException("set model.path (a Hugging Face directory) or model.config (a config.json for a new model)");
        }
        json.putIfAbsent("vocab_size", tokenizer.vocabSize());
        json.putIfAbsent("eos_token_id", tokenizer.eosIds()[0]);
        json.putIfAbsent("pad_token_id", tokenizer.padId());
        Object vocab = json.get("vocab_size");
        if (vocab instanceof Number n && n.intValue() < tokenizer.vocabSize()) {
            throw new Grpo4jException("model.config vocab_size " + n + " is smaller than the tokenizer's vocabulary ("
                    + tokenizer.vocabSize() + ")");
        }
        try {
            return ModelConfig.parse(new ObjectMapper().writeValueAsString(json));
        } catch (IOException e) {
            throw new Grpo4jException("model.config cannot be written as JSON: " + IoErrors.reason(e), e);
        }
    }
}
