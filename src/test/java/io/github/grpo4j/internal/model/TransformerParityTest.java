package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with an independent implementation: fixtures made by tools/make_model_fixtures.py (a float64
 * PyTorch re-implementation of transformers' Llama / Qwen2 / Qwen3 code) hold weights, inputs (one row
 * left-padded) and the logits they must produce.
 */
class TransformerParityTest {
    private static final double TOL = 1e-4;

    static Path fixture(String type) {
        try {
            return Path.of(TransformerParityTest.class.getResource("/model/" + type).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Inputs(long[][] ids, long[][] positions, long[][] mask) {}

    private static Inputs inputs(Path dir) throws Exception {
        JsonNode n = new ObjectMapper().readTree(dir.resolve("inputs.json").toFile());
        return new Inputs(matrix(n.get("input_ids")), matrix(n.get("position_ids")), matrix(n.get("attention_mask")));
    }

    private static long[][] matrix(JsonNode n) {
        long[][] out = new long[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            out[i] = new long[n.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = n.get(i).get(j).asLong();
            }
        }
        return out;
    }

    private static float[] expected(Path dir, String name) {
        return Safetensors.toFloatArray(name, Safetensors.read(dir.resolve("expected.safetensors")).get(name));
    }

    /** Compares [B, S, V] logits at the positions where mask is 1. */
    private static void assertClose(float[] actual, float[] expected, long[][] mask, int vocab) {
        int s = mask[0].length;
        for (int b = 0; b < mask.length; b++) {
            for (int t = 0; t < s; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                for (int v = 0; v < vocab; v++) {
                    int i = (b * s + t) * vocab + v;
                    assertThat((double) actual[i]).as("logit [%d, %d, %d]", b, t, v)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(TOL));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void fullForwardLogitsMatchIndependentFloat64Reference(String type) throws Exception {
        Path dir = fixture(type);
        Inputs in = inputs(dir);
        try (Transformer model = Transformer.load(dir); NDManager m = NDManager.newBaseManager()) {
            NDArray logits = model.forward(TinyModels.longs(m, in.ids()), TinyModels.longs(m, in.positions()),
                    TinyModels.longs(m, in.mask()), null);
            assertClose(logits.toFloatArray(), expected(dir, "logits"), in.mask(), model.vocabSize());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void cachedDecodingLogitsMatchIndependentReference(String type) throws Exception {
        Path dir = fixture(type);
        Inputs in = inputs(dir);
        int s = in.ids()[0].length;
        int prefill = 3;
        try (Transformer model = Transformer.load(dir); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = TinyModels.longs(m, in.ids());
            NDArray pos = TinyModels.longs(m, in.positions());
            NDArray mask = TinyModels.longs(m, in.mask());
            try (KvCache cache = model.newCache(m, 2, s)) {
                NDArray first = model.forward(ids.get(":, :{}", prefill), pos.get(":, :{}", prefill),
                        mask.get(":, :{}", prefill), cache);
                NDArray all = first;
                for (int t = prefill; t < s; t++) {
                    NDArray step = model.forward(ids.get(new NDIndex(":, {}:{}", t, t + 1)),
                            pos.get(new NDIndex(":, {}:{}", t, t + 1)), mask.get(":, :{}", t + 1), cache);
                    all = all.concat(step, 1);
                }
                assertThat(cache.length()).isEqualTo(s);
                assertClose(all.toFloatArray(), expected(dir, "logits"), in.mask(), model.vocabSize());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void storedBf16F16AndF32WeightsLoadAsExactFloat32(String type) {
        Path dir = fixture(type);
        try (Transformer model = Transformer.load(dir)) {
            float[] loaded = model.parameters().get("model.embed_tokens.weight").toFloatArray();
            float[] torchF32 = expected(dir, "embed_f32");
            assertThat(loaded).hasSameSizeAs(torchF32);
            for (int i = 0; i < loaded.length; i++) {
                assertThat(Float.floatToRawIntBits(loaded[i])).as("element %d", i)
                        .isEqualTo(Float.floatToRawIntBits(torchF32[i]));
            }
        }
    }

    /**
     * An adapter laid out as PEFT writes it (BF16 tensors, PEFT's config keys, target modules in another
     * order than the model's) on the Qwen2 fixture: the adapted forward and the merged weights match a
     * float64 reference of W + (lora_alpha / r) · B A (tools/make_lora_fixture.py).
     */
    @org.junit.jupiter.api.Test
    void peftAdapterForwardAndMergeMatchIndependentFloat64Reference() throws Exception {
        Path base = fixture("qwen2");
        Path adapter = fixture("qwen2-lora");
        Inputs in = inputs(base);
        try (Transformer model = Transformer.load(base); NDManager m = NDManager.newBaseManager()) {
            model.attachAdapters(PeftAdapter.read(adapter, model.config(), null, 0));
            assertThat(model.adapters().settings().loraDropout()).isEqualTo(0.05);
            NDArray[] ids = {TinyModels.longs(m, in.ids()), TinyModels.longs(m, in.positions()),
                    TinyModels.longs(m, in.mask())};
            float[] adapted = model.forward(ids[0], ids[1], ids[2], null).toFloatArray();
            assertClose(adapted, expected(adapter, "logits"), in.mask(), model.vocabSize());
            model.mergeAdapters();
            for (String name : Safetensors.read(adapter.resolve("expected.safetensors")).keySet()) {
                if (name.startsWith("merged.")) {
                    float[] want = expected(adapter, name);
                    float[] got = model.parameters().get(name.substring("merged.".length())).toFloatArray();
                    for (int i = 0; i < want.length; i++) {
                        assertThat((double) got[i]).as(name).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5));
                    }
                }
            }
            assertClose(model.forward(ids[0], ids[1], ids[2], null).toFloatArray(), expected(adapter, "logits"),
                    in.mask(), model.vocabSize());
        }
    }
}
