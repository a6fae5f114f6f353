package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.internal.OptionNames;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.model.Safetensors;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The real GRPO and SFT steps against an independent float64 PyTorch implementation
 * ({@code tools/grpo_step_reference.py}, written from the algorithm with TRL's semantics and PyTorch's own
 * AdamW, norm clipping and transformers' warm-up schedule). The fixtures hold a small Qwen2-shaped model, a
 * reference model, a fixed batch (3 prompts × 4 completions of different lengths, some ending in EOS, some
 * truncated, one group whose rewards are all equal) and, per case and for two consecutive steps, the metrics,
 * AdamW's moments and the weights after the step.
 *
 * <p>Only the step's public surface is used: the policy is the real {@link LanguageModelPolicy} behind a test
 * double whose {@code generate} returns the fixed completions; rewards come from a lookup; gradients are read
 * back from AdamW's first moment (after the first update of a fresh optimizer, m = (1 − β1)·g, g the clipped
 * gradient).
 *
 * <p>Tolerances. grpo4j computes in float32, the reference in float64, so every comparison is relative to the
 * size of what is compared: a tensor as ‖java − ref‖ / ‖ref‖ per parameter, a scalar as |java − ref| / |ref|,
 * both at most {@link #REL} (1e-5). Two exceptions, each stated where it is used: the loss is compared with
 * the size of its terms ({@code loss_scale}: |ℓ| aggregated like ℓ), because with centred advantages the loss
 * of a μ = 1 step is a sum of terms that cancel to ~0; and clip fractions are counts of tokens, compared
 * exactly (the fixture checks that no ratio lies within 1e-3 of a clip boundary). The KL metric is compared
 * the same way as the loss (with the mean |KL| of its tokens): k1's terms have both signs.
 *
 * <p>Measured here (float32, 2 threads): at most 4e-6 relative on AdamW's moments, 2e-6 on gradients and
 * weights, 1e-6 on grad_norm and ratio/mean.
 */
class CrossImplementationStepTest {
    static final double REL = 1e-5;

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path fixtures() {
        try {
            return Path.of(CrossImplementationStepTest.class.getResource("/step").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String file) {
        try {
            return JSON.readTree(fixtures().resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final JsonNode BATCH = json("batch.json");
    static final JsonNode EXPECTED = json("expected.json");

    static Stream<String> cases() {
        List<String> names = new ArrayList<>();
        EXPECTED.get("grpo").forEach(c -> names.add(c.get("name").asText()));
        return names.stream();
    }

    private static JsonNode grpoCase(String name) {
        for (JsonNode c : EXPECTED.get("grpo")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void grpoStepsEqualTheIndependentImplementation(String name) {
        JsonNode c = grpoCase(name);
        Map<String, float[]> expected = tensors(name);
        boolean withReference = c.get("beta").asDouble() > 0;
        boolean gdpo = c.get("multi_objective_aggregation").asText().equals("normalize_then_sum");
        int spg = c.get("spg").asInt();
        try (LanguageModelPolicy real = load("policy");
                FixedRollout policy = new FixedRollout(real);
                RewardSet rewards = gdpo ? gdpoRewards() : fixedRewards();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, withReference ? load("reference") : null,
                        options(c), rewards)) {
            assertThat(trainer.reference() != null).isEqualTo(withReference);
            assertThat(c.get("min_clip_margin").asDouble()).as("no ratio within 1e-3 of a clip boundary")
                    .isGreaterThan(1e-3);
            List<Prompt> prompts = prompts();
            assertThat(c.get("steps")).as("one metrics line per optimizer step").hasSize(2 * spg);
            for (int s = 1; s <= 2; s++) {
                // one generation of the fixed batch; with steps_per_generation 2 it feeds two optimizer steps
                List<StepResult> lines = spg == 1 ? List.of(trainer.step(s, prompts))
                        : trainer.round(2 * s - 1, 2, spgPrompts(prompts));
                assertThat(lines).hasSize(spg);
                for (int k = 0; k < spg; k++) {
                    assertLine(c, name + " generation " + s + " step " + lines.get(k).step() + ": ",
                            c.get("steps").get((s - 1) * spg + k), lines.get(k).metrics(), s, withReference);
                }
                if (spg > 1 && c.get("mu").asInt() == 1 && s == 2) {
                    // precondition: the second step's ratios are against the generating policy, not the current
                    // one (in the second generation: the first update's learning rate is 0 in the warm-up)
                    assertThat(lines.get(1).metrics().get("ratio/mean")).as("ratio of step 2").isNotCloseTo(1.0,
                            within(1e-3));
                }
                String at = name + " generation " + s + ": ";
                Map<String, float[]> state = floats(trainer.optimizer().state());
                for (String p : real.parameters().keySet()) {
                    assertTensor(at + "AdamW m of " + p, state.get("m." + p), expected.get("m" + s + "." + p));
                    assertTensor(at + "AdamW v of " + p, state.get("v." + p), expected.get("v" + s + "." + p));
                    assertTensor(at + "weights " + p, real.parameters().get(p).toFloatArray(),
                            expected.get("w" + s + "." + p));
                }
                if (s == 1 && c.get("mu").asInt() == 1 && spg == 1) {
                    assertGradientFromFirstMoment(at, state, expected, real.parameters().keySet());
                }
            }
        }
    }

    /** One metrics line against the reference's. */
    private static void assertLine(JsonNode c, String at, JsonNode want, Map<String, Double> got, int s,
            boolean withReference) {
        // preconditions: clipping is exercised, and (μ = 2, second step) ratios left 1
        assertThat(want.get("grad_norm").asDouble()).as(at + "gradient clipped")
                .isGreaterThan(BATCH.get("max_grad_norm").asDouble());
        if (c.get("mu").asInt() == 2 && s == 2) {
            assertThat(want.get("clip_ratio/region_mean").asDouble()).as(at + "some ratios clipped").isPositive();
        }
        // the loss: its terms cancel (centred advantages), so compared with their size
        assertThat(Math.abs(got.get("loss") - want.get("loss").asDouble()))
                .as(at + "loss " + got.get("loss") + " vs " + want.get("loss").asDouble())
                .isLessThanOrEqualTo(REL * want.get("loss_scale").asDouble());
        for (String key : List.of("grad_norm", "learning_rate", "entropy", "ratio/mean")) {
            assertScalar(at + key, got.get(key), want.get(key).asDouble());
        }
        if (withReference) {
            // k1's per-token terms have both signs and cancel: compared with the mean of their sizes
            assertThat(got.get("kl")).as(at + "kl").isNotNull();
            assertThat(Math.abs(got.get("kl") - want.get("kl").asDouble()))
                    .as(at + "kl " + got.get("kl") + " vs " + want.get("kl").asDouble())
                    .isLessThanOrEqualTo(REL * want.get("kl_scale").asDouble());
        } else {
            assertThat(got).as(at + "no kl without a reference").doesNotContainKey("kl");
        }
        // token counts over the same token total: exact up to float rounding of the division
        for (String key : List.of("clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean")) {
            assertThat(got.get(key)).as(at + key).isCloseTo(want.get(key).asDouble(),
                    within(1e-12));
        }
    }

    /** The fixed batch's prompts as two steps' worth (the fixture's {@code spg_steps}), one per call. */
    private static java.util.function.Supplier<List<Prompt>> spgPrompts(List<Prompt> prompts) {
        java.util.Iterator<JsonNode> steps = BATCH.get("spg_steps").iterator();
        return () -> {
            List<Prompt> out = new ArrayList<>();
            steps.next().forEach(i -> out.add(prompts.get(i.asInt())));
            return out;
        };
    }

    @Test
    void sftStepsEqualTheIndependentImplementation() {
        JsonNode sft = EXPECTED.get("sft");
        Map<String, float[]> expected = tensors("sft");
        List<int[]> prompts = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (JsonNode row : sft.get("rows")) {
            prompts.add(ints(BATCH.get("prompts").get(row.get(0).asInt())));
            targets.add(ints(BATCH.get("completions").get(row.get(1).asInt())));
        }
        var options = new SftTrainer.Options(sft.get("micro_batch_size").asInt(), schedule(), adam(),
                BATCH.get("max_grad_norm").asDouble());
        try (LanguageModelPolicy policy = load("policy"); SftTrainer trainer = new SftTrainer(policy, options)) {
            for (int s = 1; s <= 2; s++) {
                JsonNode want = sft.get("steps").get(s - 1);
                Map<String, Double> got = trainer.step(prompts, targets);
                String at = "sft step " + s + ": ";
                assertThat(want.get("grad_norm").asDouble()).as(at + "gradient clipped")
                        .isGreaterThan(BATCH.get("max_grad_norm").asDouble());
                for (String key : List.of("loss", "grad_norm", "learning_rate", "num_tokens")) {
                    assertScalar(at + key, got.get(key), want.get(key).asDouble());
                }
                Map<String, float[]> state = floats(trainer.optimizer().state());
                for (String p : policy.parameters().keySet()) {
                    assertTensor(at + "AdamW m of " + p, state.get("m." + p), expected.get("m" + s + "." + p));
                    assertTensor(at + "AdamW v of " + p, state.get("v." + p), expected.get("v" + s + "." + p));
                    assertTensor(at + "weights " + p, policy.parameters().get(p).toFloatArray(),
                            expected.get("w" + s + "." + p));
                }
                if (s == 1) {
                    assertGradientFromFirstMoment(at, state, expected, policy.parameters().keySet());
                }
            }
        }
    }

    /** After the first update of a fresh AdamW, m = (1 − β1)·g with g the clipped gradient. */
    private static void assertGradientFromFirstMoment(String at, Map<String, float[]> state,
            Map<String, float[]> expected, Iterable<String> names) {
        double oneMinusBeta1 = 1 - BATCH.get("adam_beta1").asDouble();
        for (String p : names) {
            float[] m = state.get("m." + p);
            float[] g = new float[m.length];
            for (int i = 0; i < m.length; i++) {
                g[i] = (float) (m[i] / oneMinusBeta1);
            }
            assertTensor(at + "gradient of " + p, g, expected.get("grad1." + p));
        }
    }

    // ------------------------------------------------------------------ the step's inputs

    private static GrpoStepTrainer.Options options(JsonNode c) {
        var sampling = new SamplingParams(BATCH.get("temperature").asDouble(), 0, 1.0, 0.0, 1.0,
                BATCH.get("max_completion_length").asInt(), List.of());
        var advantage = new AdvantageOptions(ScaleRewards.GROUP, OptionNames.parse(StdKind.class, "std", c.get("std").asText()),
                c.get("std_eps").asDouble(), AdvantageEstimator.GRPO,
                OptionNames.parse(MultiObjectiveAggregation.class, "multi_objective_aggregation",
                        c.get("multi_objective_aggregation").asText()));
        var loss = new LossOptions(BATCH.get("epsilon").asDouble(), c.get("epsilon_high").asDouble(),
                c.get("dual_clip").asDouble(), OptionNames.parse(ImportanceSamplingLevel.class, "importance_sampling_level", c.get("importance_sampling_level").asText()),
                c.get("beta").asDouble(), OptionNames.parse(KlEstimator.class, "kl_estimator", c.get("kl_estimator").asText()),
                OptionNames.parse(LossType.class, "loss_type", c.get("loss_type").asText()),
                c.get("entropy_coeff").asDouble(), 1.0);
        return GrpoStepTrainer.Options.defaults()
                .toBuilder().batch(BATCH.get("num_generations").asInt(), BATCH.get("micro_batch_size").asInt(), c.get("mu").asInt())
                .sampling(sampling)
                .objective(advantage, loss)
                .filters(c.get("mask_truncated_completions").asBoolean(), c.get("filter_zero_std_groups").asBoolean())
                .optimizer(schedule(), adam(), BATCH.get("max_grad_norm").asDouble())
                .seed(0).build();
    }

    private static LrSchedule schedule() {
        return new LrSchedule(OptionNames.parse(LrSchedulerType.class, "lr_scheduler_type", BATCH.get("lr_scheduler_type").asText()),
                BATCH.get("learning_rate").asDouble(), BATCH.get("warmup_updates").asInt(),
                BATCH.get("total_updates").asInt());
    }

    private static AdamW.Options adam() {
        return new AdamW.Options(BATCH.get("adam_beta1").asDouble(), BATCH.get("adam_beta2").asDouble(),
                BATCH.get("adam_epsilon").asDouble(), BATCH.get("weight_decay").asDouble());
    }

    private static LanguageModelPolicy load(String dir) {
        return new LanguageModelPolicy(Transformer.load(fixtures().resolve(dir)),
                CharTokenizer.of(BATCH.get("alphabet").asText()));
    }

    private static List<Prompt> prompts() {
        List<Prompt> out = new ArrayList<>();
        JsonNode p = BATCH.get("prompts");
        for (int i = 0; i < p.size(); i++) {
            out.add(new Prompt("p" + i, ints(p.get(i)), Map.of()));
        }
        return out;
    }

    /** The fixture's reward of each (prompt, completion); the double decodes a completion to its ids. */
    private static RewardSet fixedRewards() {
        Map<String, Double> byRow = new HashMap<>();
        int g = BATCH.get("num_generations").asInt();
        JsonNode completions = BATCH.get("completions");
        for (int r = 0; r < completions.size(); r++) {
            String key = "p" + r / g + "|" + Arrays.toString(ints(completions.get(r)));
            assertThat(byRow.put(key, BATCH.get("rewards").get(r).asDouble())).as("completions of a group differ").isNull();
        }
        return RewardSet.of(RewardFunction.of("fixed", (prompt, completion, row) -> byRow.get(prompt + "|" + completion)));
    }

    /** GDPO's case: the fixture's two reward functions ({@code rewards}, {@code rewards2}) with their weights. */
    private static RewardSet gdpoRewards() {
        List<RewardFunction> functions = new ArrayList<>();
        for (String key : List.of("rewards", "rewards2")) {
            Map<String, Double> byRow = new HashMap<>();
            int g = BATCH.get("num_generations").asInt();
            JsonNode completions = BATCH.get("completions");
            for (int r = 0; r < completions.size(); r++) {
                byRow.put("p" + r / g + "|" + Arrays.toString(ints(completions.get(r))), BATCH.get(key).get(r).asDouble());
            }
            functions.add(RewardFunction.of(key, (prompt, completion, row) -> byRow.get(prompt + "|" + completion)));
        }
        List<Double> weights = new ArrayList<>();
        BATCH.get("gdpo_weights").forEach(w -> weights.add(w.asDouble()));
        return new RewardSet(functions, weights, io.github.grpo4j.reward.RewardOnError.RAISE);
    }

    /**
     * The real policy, except that sampling returns the fixture's completions (in order, G per prompt); their
     * sampling log-probs are the real policy's scores at the sampling temperature, as a sampler records them.
     */
    static final class FixedRollout implements Policy {
        private final LanguageModelPolicy real;

        FixedRollout(LanguageModelPolicy real) {
            this.real = real;
        }

        @Override
        public Completions generate(List<int[]> prompts, int numPerPrompt, SamplingParams params, long seed) {
            JsonNode completions = BATCH.get("completions");
            assertThat(prompts).hasSize(BATCH.get("prompts").size());
            assertThat(numPerPrompt).isEqualTo(BATCH.get("num_generations").asInt());
            int n = completions.size();
            int[][] tokens = new int[n][];
            boolean[] truncated = new boolean[n];
            int[] promptIndex = new int[n];
            List<int[]> rowPrompts = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                tokens[r] = ints(completions.get(r));
                truncated[r] = BATCH.get("truncated").get(r).asBoolean();
                promptIndex[r] = r / numPerPrompt;
                rowPrompts.add(prompts.get(promptIndex[r]));
            }
            float[][] logProbs = new float[n][];
            try (NDManager m = NDManager.newBaseManager()) {
                float[] all = real.score(m, rowPrompts, Arrays.asList(tokens), params.temperature()).logProbs()
                        .stopGradient().toFloatArray();
                int width = all.length / n;
                for (int r = 0; r < n; r++) {
                    logProbs[r] = Arrays.copyOfRange(all, r * width, r * width + tokens[r].length);
                }
            }
            return new Completions(tokens, logProbs, truncated, promptIndex);
        }

        @Override
        public TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature) {
            return real.score(manager, prompts, completions, temperature);
        }

        @Override
        public TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature,
                boolean entropyGradient) {
            return real.score(manager, prompts, completions, temperature, entropyGradient);
        }

        @Override
        public String decode(int[] completion) {
            return Arrays.toString(completion);
        }

        @Override
        public Map<String, NDArray> parameters() {
            return real.parameters();
        }

        @Override
        public Policy copy() {
            return real.copy();
        }

        @Override
        public void mixFrom(Policy source, double alpha) {
            real.mixFrom(source, alpha);
        }

        @Override
        public void save(Path directory) {
            real.save(directory);
        }

        @Override
        public void close() {
            // the test closes the real policy
        }
    }

    // ------------------------------------------------------------------ comparisons

    static void assertScalar(String what, Double got, double want) {
        assertThat(got).as(what + " missing").isNotNull();
        assertThat(Math.abs(got - want)).as(what + ": " + got + " vs " + want)
                .isLessThanOrEqualTo(REL * Math.abs(want));
    }

    /** ‖got − want‖ / ‖want‖ ≤ 1e-5 (want non-zero: a test of zeros would prove nothing). */
    static void assertTensor(String what, float[] got, float[] want) {
        assertThat(want).as(what + " in the fixture").isNotNull();
        assertThat(got).as(what).hasSize(want.length);
        double diff = 0, norm = 0;
        for (int i = 0; i < want.length; i++) {
            diff += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
            norm += (double) want[i] * want[i];
        }
        assertThat(norm).as(what + " is not all zero").isPositive();
        assertThat(Math.sqrt(diff / norm)).as(what + ": relative error").isLessThanOrEqualTo(REL);
    }

    private static Map<String, float[]> tensors(String name) {
        Map<String, float[]> out = new LinkedHashMap<>();
        Safetensors.read(fixtures().resolve("cases").resolve(name + ".safetensors"))
                .forEach((k, t) -> out.put(k, Safetensors.toFloatArray(k, t)));
        return out;
    }

    private static Map<String, float[]> floats(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, a) -> out.put(k, a.toFloatArray()));
        return out;
    }

    static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }
}
