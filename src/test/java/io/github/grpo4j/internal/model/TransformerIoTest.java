package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random init, save / load, deep copy, and the errors a bad model directory gives. */
class TransformerIoTest {
    @TempDir
    Path dir;

    private static NDArray logits(Transformer model, NDManager m) {
        NDArray ids = TinyModels.longs(m, new long[][] {{3, 14, 15, 9, 2, 6}});
        NDArray pos = m.arange(0L, 6L).reshape(1, 6);
        NDArray mask = m.ones(new Shape(1, 6), ai.djl.ndarray.types.DataType.INT64);
        return model.forward(ids, pos, mask, null);
    }

    @Test
    void randomInitIsSeededAndFollowsTransformersInitialisation() {
        ModelConfig c = TinyModels.config("qwen2");
        try (Transformer a = Transformer.random(c, 42); Transformer b = Transformer.random(c, 42);
                Transformer other = Transformer.random(c, 43)) {
            assertThat(a.parameters().keySet()).containsExactlyElementsOf(Transformer.expectedShapes(c).keySet());
            for (String name : a.parameters().keySet()) {
                float[] x = a.parameters().get(name).toFloatArray();
                assertThat(x).as(name).containsExactly(b.parameters().get(name).toFloatArray());
                if (name.endsWith("norm.weight")) {
                    assertThat(x).as(name).containsOnly(1f);
                } else if (name.endsWith(".bias")) {
                    assertThat(x).as(name).containsOnly(0f);
                } else {
                    assertThat(x).as(name).isNotEqualTo(other.parameters().get(name).toFloatArray());
                }
            }
            float[] embed = a.parameters().get("model.embed_tokens.weight").toFloatArray();
            double sum = 0;
            double sq = 0;
            for (float v : embed) {
                sum += v;
                sq += v * v;
            }
            double mean = sum / embed.length;
            double std = Math.sqrt(sq / embed.length - mean * mean);
            assertThat(std).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.02)); // initializer_range 0.2
            assertThat(a.parameters().values()).allMatch(p -> p.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32);
        }
    }

    @Test
    void savedModelLoadsBackBitExactWithTheSameLogits() throws Exception {
        for (String type : TinyModels.TYPES) {
            Path out = dir.resolve(type);
            try (Transformer model = TinyModels.model(type, 9); NDManager m = NDManager.newBaseManager()) {
                model.parameters().values().forEach(p -> p.setRequiresGradient(true)); // as during training
                model.save(out);
                assertThat(Files.exists(out.resolve("config.json"))).isTrue();
                assertThat(Safetensors.readMetadata(out.resolve("model.safetensors"))).containsEntry("format", "pt");
                try (Transformer back = Transformer.load(out)) {
                    assertThat(back.config()).isEqualTo(model.config());
                    assertThat(back.parameters().keySet()).containsExactlyElementsOf(model.parameters().keySet());
                    for (String name : model.parameters().keySet()) {
                        assertThat(back.parameters().get(name).toFloatArray()).as(name)
                                .containsExactly(model.parameters().get(name).toFloatArray());
                    }
                    assertThat(logits(back, m).toFloatArray()).containsExactly(logits(model, m).toFloatArray());
                }
            }
        }
    }

    @Test
    void tiedModelSavesNoLmHead() {
        try (Transformer model = TinyModels.model("qwen2", 1)) {
            model.save(dir);
            assertThat(Safetensors.read(dir.resolve("model.safetensors"))).doesNotContainKey("lm_head.weight")
                    .containsKey("model.layers.1.self_attn.v_proj.bias");
        }
    }

    @Test
    void copyIsDeepAndFrozen() {
        try (Transformer model = TinyModels.model("qwen3", 3); NDManager m = NDManager.newBaseManager()) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            try (Transformer copy = model.copy()) {
                float[] before = logits(copy, m).toFloatArray();
                assertThat(before).containsExactly(logits(model, m).toFloatArray());
                NDArray embed = model.parameters().get("model.embed_tokens.weight");
                embed.set(new float[(int) embed.size()]); // overwrite the original in place
                assertThat(logits(copy, m).toFloatArray()).containsExactly(before);
                assertThat(copy.parameters().values()).noneMatch(NDArray::hasGradient);
                assertThat(copy.parameters().get("model.embed_tokens.weight").toFloatArray()).isNotEqualTo(embed.toFloatArray());
            }
        }
    }

    private Path savedWith(Map<String, Safetensors.Tensor> change) {
        try (Transformer model = TinyModels.model("llama", 2)) {
            model.save(dir);
        }
        Path file = dir.resolve("model.safetensors");
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>(Safetensors.read(file));
        change.forEach((k, v) -> {
            if (v == null) {
                tensors.remove(k);
            } else {
                tensors.put(k, v);
            }
        });
        Map<String, Safetensors.Tensor> copied = new LinkedHashMap<>();
        tensors.forEach((k, t) -> copied.put(k, Safetensors.Tensor.ofFloats(Safetensors.toFloatArray(k, t), t.shape())));
        Safetensors.write(file, copied, Map.of("format", "pt"));
        return dir;
    }

    @Test
    void missingTensorIsNamedWithItsExpectedShape() {
        Map<String, Safetensors.Tensor> change = new LinkedHashMap<>();
        change.put("model.layers.1.mlp.up_proj.weight", null);
        Path d = savedWith(change);
        assertThatThrownBy(() -> Transformer.load(d)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'model.layers.1.mlp.up_proj.weight' is missing")
                .hasMessageContaining("(64, 32)");
    }

    @Test
    void misShapedTensorNamesExpectedAndFoundShapes() {
        Path d = savedWith(Map.of("model.layers.0.self_attn.k_proj.weight",
                Safetensors.Tensor.ofFloats(new float[8 * 32], 8, 32)));
        assertThatThrownBy(() -> Transformer.load(d)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'model.layers.0.self_attn.k_proj.weight'")
                .hasMessageContaining("has shape (8, 32)")
                .hasMessageContaining("expected (16, 32)");
    }

    @Test
    void weightsTheConfigDoesNotDescribeAreAnErrorNamingThem() throws Exception {
        Path d = savedWith(Map.of());
        Path config = d.resolve("config.json");
        String json = Files.readString(config);
        int layers;
        try (Transformer model = Transformer.load(d)) {
            layers = model.config().numHiddenLayers();
        }
        assertThat(layers).as("precondition: more than one layer to drop").isGreaterThan(1);
        Files.writeString(config, json.replaceFirst("\"num_hidden_layers\"\\s*:\\s*" + layers,
                "\"num_hidden_layers\": " + (layers - 1)));
        assertThat(Files.readString(config)).isNotEqualTo(json);
        assertThatThrownBy(() -> Transformer.load(d)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("would not be used")
                .hasMessageContaining("model.layers." + (layers - 1) + ".self_attn.q_proj.weight")
                .hasMessageContaining("config.json does not match the weights");
    }

    @Test
    void rotaryInvFreqBuffersOfOlderCheckpointsAreIgnored() {
        Path d = savedWith(Map.of("model.layers.0.self_attn.rotary_emb.inv_freq",
                Safetensors.Tensor.ofFloats(new float[4], 4)));
        assertThat(Safetensors.read(d.resolve("model.safetensors"))).containsKey("model.layers.0.self_attn.rotary_emb.inv_freq");
        try (Transformer model = Transformer.load(d)) {
            assertThat(model.parameters()).doesNotContainKey("model.layers.0.self_attn.rotary_emb.inv_freq");
        }
    }

    @Test
    void corruptWeightsFileAndEmptyDirectoryAreClearErrors() throws Exception {
        try (Transformer model = TinyModels.model("llama", 2)) {
            model.save(dir);
        }
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        bytes[12] = '#'; // inside the JSON header
        Files.write(file, bytes);
        assertThatThrownBy(() -> Transformer.load(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("corrupt safetensors file").hasMessageContaining("model.safetensors");

        Files.delete(file);
        assertThatThrownBy(() -> Transformer.load(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("no model.safetensors or model.safetensors.index.json");
    }
}
