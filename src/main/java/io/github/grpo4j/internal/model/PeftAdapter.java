package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters in PEFT's directory layout, which PEFT, transformers and vLLM load: {@code adapter_config.json}
 * ({@code peft_type} LORA, {@code task_type} CAUSAL_LM, {@code r}, {@code lora_alpha}, {@code lora_dropout},
 * {@code target_modules}, {@code bias} none, {@code base_model_name_or_path}) and
 * {@code adapter_model.safetensors} with tensors {@code base_model.model.<module>.lora_A.weight} {@code [r, in]}
 * and {@code ...lora_B.weight} {@code [out, r]}.
 */
public final class PeftAdapter {
    private PeftAdapter() {}

    /** The adapter's settings file. */
    public static final String CONFIG = "adapter_config.json";
    /** The adapter's tensors. */
    public static final String WEIGHTS = "adapter_model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DRAWS = "grpo4j.lora_dropout_draws";
    private static final String SEED = "grpo4j.lora_dropout_seed";

    /** {@return whether {@code dir} holds an adapter (its {@code adapter_config.json})} */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /**
     * Writes {@code adapters} into {@code dir} (created when missing), tensors as float32.
     *
     * @param baseModel the base model's name or path, recorded as {@code base_model_name_or_path}; may be null
     */
    public static void write(Path dir, LoraAdapters adapters, String baseModel) {
        LoraSection s = adapters.settings();
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("r", s.r());
        c.put("lora_alpha", s.loraAlpha());
        c.put("lora_dropout", s.loraDropout());
        ArrayNode targets = c.putArray("target_modules");
        s.resolvedTargets().forEach(targets::add);
        c.put("bias", "none");
        c.put("use_rslora", s.useRslora());
        c.put("use_dora", false);
        c.put("fan_in_fan_out", false);
        c.put("init_lora_weights", true);
        c.put("inference_mode", true);
        c.putNull("modules_to_save");
        c.putNull("layers_to_transform");
        c.put("base_model_name_or_path", baseModel);
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : adapters.parameters().entrySet()) {
            tensors.put(e.getKey(), Safetensors.Tensor.ofFloats(e.getValue().toFloatArray(),
                    e.getValue().getShape().getShape()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(SEED, Long.toString(adapters.dropoutSeed()));
        meta.put(DRAWS, Long.toString(adapters.dropoutDraws()));
        try {
            Files.createDirectories(dir);
            Safetensors.write(dir.resolve(WEIGHTS), tensors, meta);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), c);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write adapter to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The settings of the adapter in {@code dir}, from its {@code adapter_config.json}.
     *
     * @throws Grpo4jException naming the file and key when it is missing, not a LoRA adapter, or uses a PEFT
     *     feature grpo4j does not support
     */
    public static LoraSection readSettings(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new Grpo4jException(dir + ": no " + CONFIG + " (a PEFT LoRA adapter directory is expected)");
        }
        JsonNode c;
        try {
            c = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String type = c.path("peft_type").asText("");
        if (!type.equalsIgnoreCase("LORA")) {
            throw new Grpo4jException(file + ": peft_type is '" + type + "'; expected LORA");
        }
        String task = c.path("task_type").asText("CAUSAL_LM");
        if (!task.isEmpty() && !task.equals("CAUSAL_LM") && !c.path("task_type").isNull()) {
            throw new Grpo4jException(file + ": task_type is '" + task + "'; expected CAUSAL_LM");
        }
        String bias = c.path("bias").asText("none");
        if (!bias.equals("none")) {
            throw new Grpo4jException(file + ": bias is '" + bias + "'; only 'none' is supported");
        }
        unsupported(file, c, "use_dora", "DoRA");
        unsupported(file, c, "fan_in_fan_out", "fan_in_fan_out");
        for (String key : List.of("modules_to_save", "layers_to_transform", "rank_pattern", "alpha_pattern")) {
            JsonNode v = c.get(key);
            if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                throw new Grpo4jException(file + ": " + key + " is set; grpo4j supports adapters without it");
            }
        }
        JsonNode r = c.get("r");
        if (r == null || !r.canConvertToInt()) {
            throw new Grpo4jException(file + ": r is missing or not an integer");
        }
        JsonNode tm = c.get("target_modules");
        List<String> targets = new ArrayList<>();
        if (tm != null && tm.isArray()) {
            tm.forEach(t -> targets.add(t.asText()));
        } else if (tm != null && tm.isTextual() && tm.asText().equals("all-linear")) {
            targets.add("all-linear");
        } else {
            throw new Grpo4jException(file + ": target_modules is " + tm + "; expected a list of module names"
                    + " (a regular expression is not supported)");
        }
        if (targets.isEmpty()) {
            throw new Grpo4jException(file + ": target_modules is empty");
        }
        double alpha = c.path("lora_alpha").asDouble(8);
        double dropout = c.path("lora_dropout").asDouble(0);
        return new LoraSection(r.asInt(), alpha, dropout, targets, c.path("use_rslora").asBoolean(false));
    }

    private static void unsupported(Path file, JsonNode c, String key, String what) {
        if (c.path(key).asBoolean(false)) {
            throw new Grpo4jException(file + ": " + key + " is true; " + what + " is not supported");
        }
    }

    /**
     * Reads the adapter in {@code dir} for a model with {@code config}, checking every tensor's shape.
     *
     * @param dropout     the dropout probability to train with (null: the file's)
     * @param dropoutSeed seeds the dropout masks when the file records no seed (an adapter not written by grpo4j)
     * @throws Grpo4jException when the files are missing or do not fit the model
     */
    public static LoraAdapters read(Path dir, ModelConfig config, Double dropout, long dropoutSeed) {
        LoraSection s = readSettings(dir);
        if (dropout != null) {
            s = new LoraSection(s.r(), s.loraAlpha(), dropout, s.targetModules(), s.useRslora());
        }
        Path file = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) {
            throw new Grpo4jException(dir + ": no " + WEIGHTS + " next to " + CONFIG);
        }
        Map<String, String> meta = Safetensors.readMetadata(file);
        long seed = meta.containsKey(SEED) ? Long.parseLong(meta.get(SEED)) : dropoutSeed;
        long draws = meta.containsKey(DRAWS) ? Long.parseLong(meta.get(DRAWS)) : 0;
        try {
            return LoraAdapters.of(config, s, Safetensors.read(file), file.toString(), seed, draws);
        } catch (Grpo4jException e) {
            if (e.getMessage().startsWith("model.lora.")) { // settings checks: say which file they came from
                throw new Grpo4jException(dir.resolve(CONFIG) + ": " + e.getMessage().substring("model.lora.".length()), e);
            }
            throw e;
        }
    }
}
