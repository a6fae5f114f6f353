package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.train.UpdateScores;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chunked log-probs and the hand-made chunked / layer-by-layer backward give the values and gradients of
 * one plain differentiable forward over the whole batch.
 */
class ChunkedScoringTest {
    static final List<int[]> PROMPTS = List.of(new int[] {2, 3, 4}, new int[] {9, 8, 7, 6, 5}, new int[] {11});
    static final List<int[]> COMPLETIONS = List.of(new int[] {5, 6, 1, 7}, new int[] {2}, new int[] {3, 4, 10, 10, 1});
    static final double TEMPERATURE = 0.7;
    static final int TOKENS = 3 * 5; // rows x longest completion

    static LanguageModelPolicy policy(String type) {
        return new LanguageModelPolicy(TinyModels.model(type, 5), CharTokenizer.of("abcdefghijklmnopqrst"));
    }

    /** Per-token loss weights: a loss whose gradient differs at every token. */
    static float[] weights() {
        Random r = new Random(3);
        float[] w = new float[TOKENS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    /** Log-probs, entropies and every parameter's gradient of loss = Σ w·logp + Σ logp² / 2. */
    static Map<String, float[]> run(LanguageModelPolicy policy, MemorySettings settings, boolean expectChunked) {
        return run(policy, settings, expectChunked, false);
    }

    /** As {@link #run(LanguageModelPolicy, MemorySettings, boolean)}; with an entropy bonus, loss + Σ entropy. */
    static Map<String, float[]> run(LanguageModelPolicy policy, MemorySettings settings, boolean expectChunked,
            boolean entropyBonus) {
        policy.memory(settings);
        Map<String, NDArray> params = policy.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            for (NDArray p : params.values()) {
                try (NDArray g = p.getGradient()) {
                    g.subi(g);
                }
            }
            UpdateScores s = policy.scoreForUpdate(scope, PROMPTS, COMPLETIONS, TEMPERATURE, entropyBonus);
            // the chunked path hands out a leaf; the plain one an array with a graph behind it
            assertThat(s.logProbs().getShape()).isEqualTo(new Shape(3, 5));
            assertThat(s.chunked()).isEqualTo(expectChunked);
            NDArray w = OwnedArrays.of(scope, weights(), new Shape(3, 5));
            NDArray loss = s.logProbs().mul(w).sum().add(s.logProbs().square().sum().div(
                    OwnedArrays.of(scope, new float[] {2f}, new Shape())));
            if (entropyBonus) {
                loss = loss.add(s.entropy().sum());
            }
            out.put("logp", s.logProbs().stopGradient().toFloatArray());
            out.put("entropy", s.entropy().toFloatArray());
            s.backward(collector, loss);
            for (var e : params.entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                }
            }
        }
        return out;
    }

    /**
     * Log-probs and entropies equal to 1e-6; gradients to 1e-5 of the tensor's largest magnitude (at least
     * 1). Why not 1e-6 for gradients, as for values: a gradient entry is a float32 sum over every token (and
     * every head, for qwen3's q/k norms; over two paths for a tied head and embedding); chunking and
     * layer-by-layer recomputation add the same terms in another order, and float32 rounding (1.2e-7 per
     * addition) moves a sum whose terms cancel by more than 1e-6 of the tensor's scale. Measured on these
     * models (410 gradient tensors over the settings below): worst entry 1.7e-6 of its tensor's largest
     * entry, worst whole tensor 1.2e-6 of its norm (both qwen3's q_norm, a 64-entry sum over every token and
     * head), all others below 1e-6. PyTorch's own float32 {@code assert_close} allows 1e-5 absolute plus
     * 1.3e-6 relative for the same reason. A wrong backward (a chunk or the mask missed, a layer skipped) is
     * off by far more.
     */
    static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String k : expected.keySet()) {
            float[] e = expected.get(k);
            float[] a = actual.get(k);
            double scale = 1;
            for (float v : e) {
                scale = Math.max(scale, Math.abs(v));
            }
            double tolerance = k.equals("logp") || k.equals("entropy") ? 1e-6 : 1e-5 * scale;
            for (int i = 0; i < e.length; i++) {
                assertThat((double) a[i]).as("%s[%d]", k, i)
                        .isCloseTo(e[i], org.assertj.core.data.Offset.offset(tolerance));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void chunksAndCheckpointingGiveThePlainValuesAndGradients(String type) {
        try (LanguageModelPolicy policy = policy(type)) {
            Map<String, float[]> plain = run(policy, new MemorySettings(0, false), false);
            // preconditions: real gradients on every parameter, log-probs and entropies of every token
            for (var e : plain.entrySet()) {
                double norm = 0;
                for (float v : e.getValue()) {
                    norm += v * v;
                }
                assertThat(norm).as(e.getKey()).isPositive();
            }
            assertClose(plain, run(policy, new MemorySettings(4, false), true));  // 4 chunks, the last short
            assertClose(plain, run(policy, new MemorySettings(1, false), true));  // one token per chunk
            assertClose(plain, run(policy, new MemorySettings(0, true), true));   // checkpointing alone
            assertClose(plain, run(policy, new MemorySettings(7, true), true));   // both
        }
    }

    /**
     * The chunked backward carries the log-probs' gradient only: with a differentiable entropy (an entropy
     * bonus) the update scores unchunked whatever the memory settings, so the bonus's gradient still reaches
     * every parameter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen3"})
    void anEntropyGradientScoresUnchunkedAndReachesTheParameters(String type) {
        try (LanguageModelPolicy policy = policy(type)) {
            Map<String, float[]> without = run(policy, new MemorySettings(0, false), false, false);
            Map<String, float[]> plain = run(policy, new MemorySettings(0, false), false, true);
            // precondition: the bonus's gradient is there (parameters' gradients differ from the loss without it)
            assertThat(without.keySet().stream().filter(k -> !k.equals("logp") && !k.equals("entropy"))
                    .anyMatch(k -> !java.util.Arrays.equals(without.get(k), plain.get(k)))).isTrue();
            assertClose(plain, run(policy, new MemorySettings(4, false), false, true));
            assertClose(plain, run(policy, new MemorySettings(7, true), false, true));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen3"})
    void valuesWithoutGradientAreChunkedAndEqualThePlainOnes(String type) {
        try (LanguageModelPolicy policy = policy(type); NDManager m = NDManager.newBaseManager()) {
            Policy.TokenScores plain;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                plain = policy.memory(new MemorySettings(0, false)).score(m, PROMPTS, COMPLETIONS, TEMPERATURE);
            }
            Policy.TokenScores chunked = policy.memory(new MemorySettings(2, false)).score(m, PROMPTS, COMPLETIONS,
                    TEMPERATURE);
            float[] e = plain.logProbs().stopGradient().toFloatArray();
            float[] a = chunked.logProbs().toFloatArray();
            float[] eh = plain.entropy().toFloatArray();
            float[] ah = chunked.entropy().toFloatArray();
            assertThat(e[0]).isNegative();
            for (int i = 0; i < e.length; i++) {
                assertThat((double) a[i]).isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) ah[i]).isCloseTo(eh[i], org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(a[5 + 1]).isZero(); // past the end of row 1's completion
        }
    }

    /**
     * A LoRA run's reference, the base view of the policy, is scored through the chunked values path with the
     * adapters off: it equals the base model's plain differentiable forward, not the adapted one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void theLoraReferenceIsScoredInChunksWithTheAdaptersOff(String type) {
        try (LanguageModelPolicy base = policy(type); LanguageModelPolicy adapted = policy(type);
                NDManager m = NDManager.newBaseManager()) {
            Transformer model = (Transformer) adapted.model();
            model.attachAdapters(LoraAdapters.init(model.config(), LoraAdaptersTest.allLinear(4), 3));
            LoraAdaptersTest.randomB(model.adapters(), 4);
            float[] expected;
            float[] on;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                expected = base.memory(new MemorySettings(0, false)).score(m, PROMPTS, COMPLETIONS, TEMPERATURE)
                        .logProbs().stopGradient().toFloatArray();
                on = adapted.memory(new MemorySettings(0, false)).score(m, PROMPTS, COMPLETIONS, TEMPERATURE)
                        .logProbs().stopGradient().toFloatArray();
            }
            double moved = 0;
            for (int i = 0; i < on.length; i++) {
                moved = Math.max(moved, Math.abs(on[i] - expected[i]));
            }
            assertThat(moved).as("the adapters change the log-probs").isGreaterThan(1e-2);
            LanguageModelPolicy reference = adapted.memory(new MemorySettings(2, false)).withoutAdapter();
            float[] actual = reference.score(m, PROMPTS, COMPLETIONS, TEMPERATURE).logProbs().toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).as("logp[%d]", i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    /**
     * With LoRA adapters (a frozen base, embedding included) chunking and checkpointing give the plain
     * gradients of the adapters.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void withLoraChunksAndCheckpointingGiveThePlainAdapterGradients(String type) {
        try (LanguageModelPolicy policy = policy(type)) {
            Transformer model = (Transformer) policy.model();
            model.attachAdapters(LoraAdapters.init(model.config(), LoraAdaptersTest.allLinear(4), 3));
            LoraAdaptersTest.randomB(model.adapters(), 4);
            Map<String, float[]> plain = run(policy, new MemorySettings(0, false), false);
            assertThat(plain.keySet()).anyMatch(k -> k.endsWith("lora_A.weight"));
            for (var e : plain.entrySet()) {
                double norm = 0;
                for (float v : e.getValue()) {
                    norm += v * v;
                }
                assertThat(norm).as(e.getKey()).isPositive();
            }
            assertClose(plain, run(policy, new MemorySettings(4, false), true));
            assertClose(plain, run(policy, new MemorySettings(0, true), true));
            assertClose(plain, run(policy, new MemorySettings(7, true), true));
        }
    }
}
