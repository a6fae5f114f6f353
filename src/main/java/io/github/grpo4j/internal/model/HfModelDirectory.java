package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Transformer} in a Hugging Face model directory: {@code config.json} plus {@code
 * model.safetensors} (or shards listed in {@code model.safetensors.index.json}), with transformers'
 * tensor names. Loading widens F32 / BF16 / F16 to float32 and checks every tensor against the config;
 * saving writes float32.
 */
final class HfModelDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfModelDirectory() {}

    /**
     * Loads a Hugging Face model directory: {@code config.json} and {@code model.safetensors} or shards
     * listed in {@code model.safetensors.index.json}. F32, BF16 and F16 weights become float32.
     *
     * @throws Grpo4jException when a file is missing or corrupt, or a tensor is missing or mis-shaped
     */
    static Transformer load(Path dir) {
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        Map<String, Path> source = new LinkedHashMap<>();
        for (Path file : weightFiles(dir)) {
            for (Map.Entry<String, Safetensors.Tensor> e : Safetensors.read(file).entrySet()) {
                tensors.put(e.getKey(), e.getValue());
                source.put(e.getKey(), file);
            }
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            long largest = tensors.values().stream().mapToLong(Safetensors.Tensor::numel).max().orElse(0);
            ByteBuffer scratch = ByteBuffer.allocateDirect(Math.toIntExact(largest * 4)); // reused per tensor
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : Transformer.expectedShapes(config).entrySet()) {
                String name = e.getKey();
                Safetensors.Tensor t = tensors.get(name);
                if (t == null) {
                    throw new Grpo4jException(dir + ": tensor '" + name + "' is missing (expected shape "
                            + e.getValue() + " for a " + config.modelType() + " model with this config.json)");
                }
                Shape found = new Shape(t.shape());
                if (!found.equals(e.getValue())) {
                    throw new Grpo4jException(source.get(name) + ": tensor '" + name + "' has shape " + found
                            + ", expected " + e.getValue() + " from config.json");
                }
                ByteBuffer data = Safetensors.toFloat32(name, t, scratch);
                // a copy in memory PyTorch owns: create from a direct buffer aliases the buffer, which is reused
                NDArray p = OwnedArrays.owned(manager.create(data, e.getValue(), DataType.FLOAT32));
                p.setName(name);
                params.put(name, p);
            }
            return new Transformer(config, manager, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Set<Path> weightFiles(Path dir) {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        Set<Path> files = new LinkedHashSet<>();
        if (Files.isRegularFile(single)) {
            files.add(single);
        } else if (Files.isRegularFile(index)) {
            JsonNode map;
            try {
                map = JSON.readTree(index.toFile()).path("weight_map");
            } catch (IOException e) {
                throw new Grpo4jException("cannot read " + index + ": " + e.getMessage(), e);
            }
            if (!map.isObject() || map.isEmpty()) {
                throw new Grpo4jException(index + ": no \"weight_map\" object naming the shard of each tensor");
            }
            map.fields().forEachRemaining(e -> files.add(dir.resolve(e.getValue().asText())));
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new Grpo4jException(index + " names shard " + f.getFileName() + ", which does not exist");
                }
            }
        } else {
            throw new Grpo4jException(dir + ": no model.safetensors or model.safetensors.index.json (a Hugging Face"
                    + " model directory is expected)");
        }
        return files;
    }

    /**
     * Writes {@code model}'s {@code config.json} (torch_dtype float32) and a float32 {@code
     * model.safetensors} with Hugging Face names into {@code dir}, so the directory opens with {@link #load}
     * and with transformers.
     */
    static void save(Transformer model, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Grpo4jException("cannot create model directory " + dir + ": " + e.getMessage(), e);
        }
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.baseParameters().entrySet()) {
            float[] values = e.getValue().toFloatArray();
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            out.put(e.getKey(), new Safetensors.Tensor("F32", e.getValue().getShape().getShape(), b));
        }
        Safetensors.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
        model.config().withTorchDtype("float32").write(dir.resolve("config.json"));
    }
}
