package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LoRA adapters on a tiny model: initialisation, adapter off, gradients, PEFT files, merging, bad input. */
class LoraAdaptersTest {

    private static final long[][] IDS = {{5, 17, 3, 42, 8, 11}, {7, 29, 4, 1, 13, 22}};
    private static final long[][] POS = {{0, 1, 2, 3, 4, 5}, {0, 1, 2, 3, 4, 5}};
    private static final long[][] MASK = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};

    static LoraSection allLinear(int r) {
        return new LoraSection(r, 2.0 * r, 0.0, List.of("all-linear"), false);
    }

    /** Gives every B random values so the adapters change the output (B = 0 after init). */
    static void randomB(LoraAdapters lora, long seed) {
        Random rng = new Random(seed);
        for (var e : lora.parameters().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                float[] v = new float[(int) e.getValue().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.3 * rng.nextGaussian());
                }
                e.getValue().set(v);
            }
        }
    }

    private static float[] logits(Transformer model, boolean adapters) {
        try (NDManager m = NDManager.newBaseManager()) {
            return model.forward(TinyModels.longs(m, IDS), TinyModels.longs(m, POS), TinyModels.longs(m, MASK), null,
                    0, adapters).toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    @Test
    void targetsFollowPeftNamesAndShapesAndAllLinearLeavesOutTheHead() {
        ModelConfig c = TinyModels.config("qwen3");
        Map<String, ai.djl.ndarray.types.Shape> t = LoraAdapters.targets(c, allLinear(4));
        assertThat(t).hasSize(2 * 7);
        assertThat(t.keySet()).first().isEqualTo("model.layers.0.self_attn.q_proj");
        assertThat(t.keySet()).noneMatch(k -> k.contains("lm_head") || k.contains("embed"));
        try (LoraAdapters lora = LoraAdapters.init(c, allLinear(4), 1)) {
            // qwen3 tiny: 4 heads x head_dim 16 = 64 query features from hidden 32
            assertThat(lora.parameters().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
                    .getShape().getShape()).containsExactly(4, 32);
            assertThat(lora.parameters().get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight")
                    .getShape().getShape()).containsExactly(64, 4);
            assertThat(lora.parameters().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight")
                    .getShape().getShape()).containsExactly(4, 64);
        }
        assertThat(LoraAdapters.targets(c, new LoraSection(2, 2, 0, null, false)).keySet())
                .containsExactly("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                        "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj");
    }

    @Test
    void initialisationIsPeftsKaimingUniformAAndZeroB() {
        try (LoraAdapters lora = LoraAdapters.init(TinyModels.config("llama"), allLinear(8), 3)) {
            float[] a = lora.parameters().get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").toFloatArray();
            double bound = 1 / Math.sqrt(64); // fan_in of down_proj = intermediate 64
            double max = 0, sumSq = 0;
            for (float v : a) {
                max = Math.max(max, Math.abs(v));
                sumSq += v * v;
            }
            assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
            // U(-b, b) has variance b²/3
            assertThat(sumSq / a.length).isBetween(0.8 * bound * bound / 3, 1.2 * bound * bound / 3);
            for (var e : lora.parameters().entrySet()) {
                if (e.getKey().endsWith("lora_B.weight")) {
                    assertThat(e.getValue().toFloatArray()).containsOnly(0f);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void freshAdaptersGiveExactlyTheBaseAndAdaptersOffGiveExactlyTheBase(String type) {
        try (Transformer base = TinyModels.model(type, 4); Transformer adapted = TinyModels.model(type, 4)) {
            float[] expected = logits(base, true);
            adapted.attachAdapters(LoraAdapters.init(adapted.config(), allLinear(4), 5));
            assertThat(logits(adapted, true)).containsExactly(expected); // B = 0
            randomB(adapted.adapters(), 6);
            float[] on = logits(adapted, true);
            assertThat(maxDiff(on, expected)).as("adapters with B != 0 change the logits").isGreaterThan(1e-2);
            assertThat(logits(adapted, false)).containsExactly(expected);
            try (NDManager m = NDManager.newBaseManager()) {
                CausalLm view = adapted.baseView();
                float[] viaView = view.forward(TinyModels.longs(m, IDS), TinyModels.longs(m, POS),
                        TinyModels.longs(m, MASK), null).toFloatArray();
                assertThat(viaView).containsExactly(expected);
                assertThat(view.parameters()).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void mergingEqualsTheAdapterApplied(String type) {
        try (Transformer model = TinyModels.model(type, 7)) {
            model.attachAdapters(LoraAdapters.init(model.config(), allLinear(4), 8));
            randomB(model.adapters(), 9);
            float[] adapted = logits(model, true);
            float[] w = model.baseParameters().get("model.layers.1.mlp.up_proj.weight").toFloatArray();
            // W + scale * B A by hand for one module
            float[] a = model.parameters().get("base_model.model.model.layers.1.mlp.up_proj.lora_A.weight").toFloatArray();
            float[] b = model.parameters().get("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight").toFloatArray();
            double scale = 2.0; // alpha 8 / r 4
            int out = 64, in = 32, r = 4;
            model.mergeAdapters();
            assertThat(model.adapters()).isNull();
            float[] merged = model.parameters().get("model.layers.1.mlp.up_proj.weight").toFloatArray();
            double worst = 0;
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double d = 0;
                    for (int k = 0; k < r; k++) {
                        d += b[o * r + k] * a[k * in + i];
                    }
                    worst = Math.max(worst, Math.abs(merged[o * in + i] - (w[o * in + i] + scale * d)));
                }
            }
            assertThat(worst).isLessThan(1e-6);
            assertThat(maxDiff(logits(model, true), adapted)).isLessThan(1e-4);
        }
    }

    /**
     * Autograd's gradient of A and B against central finite differences of the same float32 forward. The
     * model has no float64 path, so the tolerance is that of float32 differences: with step 1e-2 on an
     * O(1) loss, rounding contributes ~1e-5 / 1e-2 = 1e-3 and curvature O(h²) = 1e-4; entries with the
     * largest gradients are compared to 2% of their size.
     */
    @Test
    void gradientsOfAAndBMatchFiniteDifferences() {
        try (Transformer model = TinyModels.model("qwen2", 10); NDManager m = NDManager.newBaseManager()) {
            model.attachAdapters(LoraAdapters.init(model.config(), allLinear(2), 11));
            randomB(model.adapters(), 12); // with B = 0 the gradient of A is 0
            NDArray ids = TinyModels.longs(m, IDS);
            NDArray pos = TinyModels.longs(m, POS);
            NDArray mask = TinyModels.longs(m, MASK);
            for (NDArray p : model.parameters().values()) {
                p.setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = lossOf(model, ids, pos, mask);
                gc.backward(loss);
            }
            int checked = 0;
            for (String name : List.of("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                    "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
                    "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
                    "base_model.model.model.layers.1.mlp.gate_proj.lora_A.weight")) {
                NDArray p = model.parameters().get(name);
                float[] grad = p.getGradient().toFloatArray();
                // the three largest entries
                Integer[] order = new Integer[grad.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (x, y) -> Float.compare(Math.abs(grad[y]), Math.abs(grad[x])));
                assertThat(Math.abs(grad[order[0]])).as("gradient of %s is not zero", name).isGreaterThan(1e-3f);
                for (int k = 0; k < 3; k++) {
                    int i = order[k];
                    double h = 1e-2;
                    float[] v = p.toFloatArray();
                    float original = v[i];
                    v[i] = (float) (original + h);
                    p.set(v);
                    double up = lossValue(model, ids, pos, mask);
                    v[i] = (float) (original - h);
                    p.set(v);
                    double down = lossValue(model, ids, pos, mask);
                    v[i] = original;
                    p.set(v);
                    double fd = (up - down) / (2 * h);
                    assertThat(fd).as("%s[%d]", name, i).isCloseTo(grad[i],
                            org.assertj.core.api.Assertions.within(0.02 * Math.abs(grad[i]) + 1e-3));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(12);
        }
    }

    /** Sum of log-softmax at fixed targets, a loss shaped like GRPO's. */
    private static NDArray lossOf(Transformer model, NDArray ids, NDArray pos, NDArray mask) {
        NDArray logits = model.forward(ids, pos, mask, null); // [2, 6, 50]
        NDArray logp = logits.logSoftmax(2);
        NDArray target = ids.getManager().create(new long[] {3, 9, 14, 20, 33, 41, 2, 8, 16, 25, 30, 47},
                new ai.djl.ndarray.types.Shape(2, 6, 1));
        return logp.gather(target, 2).sum();
    }

    private static double lossValue(Transformer model, NDArray ids, NDArray pos, NDArray mask) {
        try (NDManager scope = ids.getManager().newSubManager()) {
            NDArray loss = lossOf(model, ids, pos, mask);
            loss.attach(scope);
            return loss.getFloat();
        }
    }

    @Test
    void peftRoundTripGivesIdenticalLogits(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("adapter");
        float[] before;
        try (Transformer model = TinyModels.model("qwen3", 13)) {
            model.attachAdapters(LoraAdapters.init(model.config(), new LoraSection(4, 16, 0.1, List.of("q_proj",
                    "down_proj"), true), 14));
            randomB(model.adapters(), 15);
            before = logits(model, true);
            PeftAdapter.write(dir, model.adapters(), "some/base");
        }
        String json = Files.readString(dir.resolve("adapter_config.json"));
        assertThat(json).contains("\"peft_type\" : \"LORA\"", "\"task_type\" : \"CAUSAL_LM\"", "\"r\" : 4",
                "\"lora_alpha\" : 16.0", "\"lora_dropout\" : 0.1", "\"bias\" : \"none\"", "\"use_rslora\" : true",
                "\"base_model_name_or_path\" : \"some/base\"");
        assertThat(Safetensors.read(dir.resolve("adapter_model.safetensors")).keySet())
                .contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                        "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight")
                .hasSize(2 * 2 * 2);
        try (Transformer fresh = TinyModels.model("qwen3", 13)) {
            fresh.attachAdapters(PeftAdapter.read(dir, fresh.config(), null, 0));
            assertThat(fresh.adapters().settings().useRslora()).isTrue();
            assertThat(fresh.adapters().settings().scale()).isEqualTo(8.0); // 16 / sqrt(4)
            assertThat(logits(fresh, true)).containsExactly(before);
        }
    }

    @Test
    void badSettingsAndMismatchedAdaptersAreOneLineErrors(@TempDir Path tmp) {
        ModelConfig c = TinyModels.config("llama");
        assertThatThrownBy(() -> LoraAdapters.init(c, new LoraSection(2, 2, 0, List.of("qkv_proj"), false), 1))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("target_modules names 'qkv_proj'").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> LoraAdapters.init(c, new LoraSection(0, 2, 0, null, false), 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("r is 0");
        assertThatThrownBy(() -> LoraAdapters.init(c, new LoraSection(-3, 2, 0, null, false), 1))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("r is -3");

        // an adapter made for a model with another hidden size
        Path dir = tmp.resolve("wide");
        ModelConfig wide = ModelConfig.parse(c.toJson().replace("\"hidden_size\":32", "\"hidden_size\":48")
                .replace("\"hidden_size\" : 32", "\"hidden_size\" : 48"));
        assertThat(wide.hiddenSize()).isEqualTo(48);
        try (LoraAdapters other = LoraAdapters.init(wide, allLinear(2), 1)) {
            PeftAdapter.write(dir, other, null);
        }
        try (Transformer model = TinyModels.model("llama", 1)) {
            assertThatThrownBy(() -> model.attachAdapters(PeftAdapter.read(dir, model.config(), null, 0)))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("has shape (2, 48), expected (2, 32)")
                    .hasMessageNotContaining("\n");
            assertThat(model.adapters()).isNull();
        }
        assertThatThrownBy(() -> PeftAdapter.readSettings(tmp.resolve("missing")))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("no adapter_config.json");
    }
}
