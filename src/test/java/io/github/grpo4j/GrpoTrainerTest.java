package io.github.grpo4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.config.ConfigException;
import io.github.grpo4j.config.ConfigFiles;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicies;
import io.github.grpo4j.policy.TransformerPolicy;
import io.github.grpo4j.reward.RewardOnError;
import io.github.grpo4j.tools.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public library API, used only through public types, as a library user would. */
class GrpoTrainerTest {

    static final String QUESTION = "What is the capital of France?";
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    static final Map<String, Object> TINY = Map.of("model_type", "qwen2", "hidden_size", 16, "intermediate_size", 32,
            "num_hidden_layers", 2, "num_attention_heads", 2, "num_key_value_heads", 1, "max_position_embeddings", 64,
            "tie_word_embeddings", true);

    static TransformerPolicy tinyPolicy() {
        return TransformerPolicies.fromConfig(new ModelSection(null, TINY, "char:" + QUESTION + "PLBMdn", null), 61);
    }

    static GrpoTrainer.Builder capitals(TransformerPolicy policy, Path out) {
        return GrpoTrainer.builder()
                .policy(policy)
                .prompts(List.of(Map.of("prompt", QUESTION, "answer", "Paris")))
                .reward("paris", (prompt, completion, row) -> completion.contains((String) row.get("answer")) ? 1.0
                        : completion.contains("P") ? 0.5 : 0.0)
                .set("training.max_steps=3", "training.per_step_prompts=1", "generation.num_generations=4",
                        "generation.max_completion_length=6", "training.learning_rate=1e-2", "output_dir=" + out)
                .console(QUIET);
    }

    @Test
    void theSeedsQuestionTrainsFromCodeWithALambdaRewardAndAStepListener(@TempDir Path tmp) {
        List<StepResult> seen = new ArrayList<>();
        try (TransformerPolicy policy = tinyPolicy();
                GrpoTrainer trainer = capitals(policy, tmp.resolve("run")).onStep(seen::add).build()) {
            assertThat(trainer.policy()).isSameAs(policy);
            assertThat(trainer.config().generation().numGenerations()).isEqualTo(4);
            float[] before = policy.parameters().get("model.embed_tokens.weight").toFloatArray();

            TrainResult r = trainer.train();

            assertThat(r.steps()).isEqualTo(3);
            assertThat(r.outputDir()).isEqualTo(tmp.resolve("run"));
            assertThat(seen).extracting(StepResult::step).containsExactly(1, 2, 3);
            assertThat(seen).allSatisfy(s -> {
                assertThat(s.metrics()).containsKeys("reward", "rewards/paris/mean", "kl", "loss", "entropy");
                assertThat(s.samples()).hasSize(4).allSatisfy(x -> assertThat(x.prompt()).isEqualTo(QUESTION));
                assertThat(s.advantages()).hasSize(4);
                // the reward metric is the mean of what the lambda returned for the step's completions
                double mean = s.samples().stream().mapToDouble(Sample::reward).average().orElseThrow();
                assertThat(s.metric("reward")).isCloseTo(mean, within(1e-9));
                for (Sample x : s.samples()) {
                    double expected = x.completion().contains("Paris") ? 1.0 : x.completion().contains("P") ? 0.5 : 0.0;
                    assertThat(x.reward()).isEqualTo(expected);
                }
            });
            assertThat(seen.get(0).metric("no/such/metric")).isNaN();
            assertThat(r.lastMetrics()).isEqualTo(seen.get(2).metrics());
            assertThat(policy.parameters().get("model.embed_tokens.weight").toFloatArray()).isNotEqualTo(before);

            trainer.save(tmp.resolve("saved"));
            assertThat(tmp.resolve("saved").resolve("config.json")).exists();
            try (TransformerPolicy reloaded = TransformerPolicies.load(tmp.resolve("saved"))) {
                assertThat(reloaded.parameters().get("model.embed_tokens.weight").toFloatArray())
                        .containsExactly(policy.parameters().get("model.embed_tokens.weight").toFloatArray());
                SamplingParams greedy = SamplingParams.greedy(6);
                assertThat(reloaded.complete(QUESTION, 2, greedy, 1)).isEqualTo(policy.complete(QUESTION, 2, greedy, 1));
            }
            assertThatThrownBy(trainer::train).isInstanceOf(IllegalStateException.class).hasMessageContaining("once");
        }
    }

    @Test
    void aToolGivenToTheBuilderMakesEveryRolloutAnEpisodeAndIsClosed(@TempDir Path tmp) {
        List<StepResult> seen = new ArrayList<>();
        boolean[] closed = {false};
        Tool tool = new Tool() {
            private final Tool echo = Tool.of("echo", "repeats Paris", Map.of(), args -> "Paris");

            @Override
            public String name() {
                return echo.name();
            }

            @Override
            public String description() {
                return echo.description();
            }

            @Override
            public Map<String, Object> parameters() {
                return echo.parameters();
            }

            @Override
            public String call(Map<String, Object> arguments) throws Exception {
                return echo.call(arguments);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try (TransformerPolicy policy = tinyPolicy();
                GrpoTrainer trainer = capitals(policy, tmp.resolve("run")).tool(tool).set("training.max_steps=1")
                        .onStep(seen::add).build()) {
            trainer.train();
        }
        // the tool metrics are reported only for multi-turn rollouts
        assertThat(seen).singleElement().satisfies(s -> assertThat(s.metrics()).containsKeys("tools/call_frequency",
                "turns/mean"));
        assertThat(closed[0]).isTrue();
    }

    @Test
    void theSameSeedAndConfigGiveBitIdenticalMetricsAndWeightsThroughThePublicApi(@TempDir Path tmp) {
        List<List<Map<String, Double>>> metrics = new ArrayList<>();
        List<Map<String, float[]>> weights = new ArrayList<>();
        for (String run : List.of("a", "b")) {
            List<Map<String, Double>> seen = new ArrayList<>();
            try (TransformerPolicy policy = tinyPolicy();
                    GrpoTrainer trainer = capitals(policy, tmp.resolve(run)).set("generation.temperature=1.0")
                            .onStep(s -> seen.add(s.metrics())).build()) {
                trainer.train();
                Map<String, float[]> w = new java.util.TreeMap<>();
                policy.parameters().forEach((name, array) -> w.put(name, array.toFloatArray()));
                weights.add(w);
            }
            metrics.add(seen);
        }
        assertThat(metrics.get(0)).hasSize(3);
        // timing metrics differ between runs; every other metric is bit-identical
        for (int step = 0; step < 3; step++) {
            Map<String, Double> a = new java.util.TreeMap<>(metrics.get(0).get(step));
            Map<String, Double> b = new java.util.TreeMap<>(metrics.get(1).get(step));
            a.keySet().removeIf(GrpoTrainerTest::isTiming);
            b.keySet().removeIf(GrpoTrainerTest::isTiming);
            assertThat(a).isEqualTo(b);
        }
        assertThat(weights.get(0).keySet()).isEqualTo(weights.get(1).keySet());
        weights.get(0).forEach((name, w) -> assertThat(weights.get(1).get(name)).as(name).isEqualTo(w));
    }

    private static boolean isTiming(String metric) {
        return metric.equals("step_time") || metric.endsWith("_per_s") || metric.startsWith("timing/");
    }

    @Test
    void aConfigRecordAloneDescribesARunAndTheTrainerOwnsItsPolicy(@TempDir Path tmp) {
        GrpoConfig config = ConfigFiles.load(null, "model.config.hidden_size=16", "model.config.intermediate_size=32",
                "model.config.num_hidden_layers=1", "model.config.num_attention_heads=2",
                "model.config.num_key_value_heads=1", "model.config.model_type=qwen2", "data.task=arithmetic",
                "training.max_steps=2", "training.per_step_prompts=2", "generation.num_generations=2",
                "logging.eval_steps=0", "output_dir=" + tmp.resolve("run"));
        List<Double> rewards = new ArrayList<>();
        GrpoTrainer trainer = GrpoTrainer.fromConfig(config);
        trainer.close();
        assertThatThrownBy(trainer::train).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        try (GrpoTrainer run = GrpoTrainer.builder().config(config).onStep(s -> rewards.add(s.metric("reward")))
                .console(QUIET).build()) {
            TrainResult r = run.train();
            assertThat(r.steps()).isEqualTo(2);
        }
        assertThat(rewards).hasSize(2);
        assertThat(tmp.resolve("run").resolve("final").resolve("config.json")).exists();
    }

    /** What a run left: its metric lines without timing, its sample lines, and the policy's weights. */
    record RunRecord(List<com.fasterxml.jackson.databind.JsonNode> metrics, List<String> samples,
            Map<String, float[]> weights) {}

    static RunRecord record(Path out, TransformerPolicy policy) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> metrics = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(line);
            List<String> timing = new ArrayList<>();
            node.fieldNames().forEachRemaining(k -> {
                if (isTiming(k)) {
                    timing.add(k);
                }
            });
            node.remove(timing);
            metrics.add(node);
        }
        Map<String, float[]> w = new java.util.TreeMap<>();
        policy.parameters().forEach((name, array) -> w.put(name, array.toFloatArray()));
        return new RunRecord(metrics, Files.readAllLines(out.resolve("samples.jsonl")), w);
    }

    /** The capitals run plus a reward that varies between any two completions, so every step trains. */
    static GrpoTrainer.Builder varying(TransformerPolicy policy, Path out) {
        return capitals(policy, out).set("checkpoint.save_steps=1", "logging.num_sample_rows=4")
                .reward("vowels", (prompt, completion, row) -> 0.1 * completion.chars().filter(c -> "aeiou".indexOf(c) >= 0).count());
    }

    @Test
    void aRunStoppedAndResumedEqualsTheUninterruptedRunMetricsSamplesAndWeights(@TempDir Path tmp) throws Exception {
        RunRecord straight;
        try (TransformerPolicy policy = tinyPolicy(); GrpoTrainer trainer = varying(policy, tmp.resolve("straight")).build()) {
            trainer.train();
            straight = record(tmp.resolve("straight"), policy);
        }
        // precondition: the run trained, so a resume that restores the wrong state cannot match it
        List<com.fasterxml.jackson.databind.JsonNode> steps = straight.metrics().stream().filter(m -> m.has("loss")).toList();
        assertThat(steps).hasSize(3).allSatisfy(m -> {
            assertThat(m.get("grad_norm").asDouble()).isGreaterThan(0);
            assertThat(m.get("frac_reward_zero_std").asDouble()).isLessThan(1);
        });

        Path out = tmp.resolve("run");
        try (TransformerPolicy policy = tinyPolicy(); GrpoTrainer first = varying(policy, out).onStep(s -> {
            if (s.step() == 3) {
                throw new IllegalStateException("stopped at step 3, before its checkpoint");
            }
        }).build()) {
            assertThatThrownBy(first::train).hasMessageContaining("stopped");
        }
        List<Integer> resumedSteps = new ArrayList<>();
        RunRecord resumed;
        try (TransformerPolicy policy = tinyPolicy();
                GrpoTrainer second = varying(policy, out).resume(true).onStep(s -> resumedSteps.add(s.step())).build()) {
            assertThat(second.train().steps()).isEqualTo(3);
            resumed = record(out, policy);
        }
        assertThat(resumedSteps).containsExactly(3);
        assertThat(resumed.metrics()).isEqualTo(straight.metrics());
        assertThat(resumed.samples()).hasSize(12).isEqualTo(straight.samples());
        assertThat(resumed.weights().keySet()).isEqualTo(straight.weights().keySet());
        straight.weights().forEach((name, w) -> assertThat(resumed.weights().get(name)).as(name).containsExactly(w));

        try (TransformerPolicy policy = tinyPolicy()) {
            // a changed config is refused, naming the key; without resume, a directory holding a run is refused
            try (GrpoTrainer changed = varying(policy, out).set("training.max_steps=4").resume(true).build()) {
                assertThatThrownBy(changed::train).isInstanceOf(Grpo4jException.class)
                        .hasMessageContaining("training.max_steps 3 -> 4");
            }
            try (GrpoTrainer again = varying(policy, out).build()) {
                assertThatThrownBy(again::train).isInstanceOf(Grpo4jException.class).hasMessageContaining("--resume");
            }
            try (GrpoTrainer longer = varying(policy, out).set("training.max_steps=4").resume(true)
                    .allowConfigChange(true).build()) {
                assertThat(longer.train().steps()).isEqualTo(4);
            }
        }
        assertThat(out.resolve("config-1.yaml")).exists();
        assertThat(Files.readString(out.resolve("config.yaml"))).contains("max_steps: 4");
    }

    @Test
    void aListenerThatThrowsStopsTheRunAndResumeReplaysFromTheLastCheckpoint(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        try (TransformerPolicy policy = tinyPolicy();
                GrpoTrainer trainer = capitals(policy, out).set("checkpoint.save_steps=1").onStep(s -> {
                    if (s.step() == 2) {
                        throw new IllegalStateException("listener gave up at step 2");
                    }
                }).build()) {
            assertThatThrownBy(trainer::train).isInstanceOf(IllegalStateException.class)
                    .hasMessage("listener gave up at step 2");
        }
        assertThat(out.resolve("checkpoint-1")).isDirectory();
        assertThat(out.resolve("checkpoint-2")).doesNotExist();
        List<Integer> steps = new ArrayList<>();
        try (TransformerPolicy policy = tinyPolicy();
                GrpoTrainer trainer = capitals(policy, out).resume(true).onStep(s -> steps.add(s.step())).build()) {
            trainer.train();
        }
        assertThat(steps).containsExactly(2, 3);
        // metrics.jsonl holds each step once: the line of the interrupted step 2 was replaced
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .filter(l -> l.startsWith("{\"step\"")).toList();
        assertThat(lines).hasSize(3);
    }

    @Test
    void missingPartsAndBadOptionsAreClearErrors(@TempDir Path tmp) throws Exception {
        try (TransformerPolicy policy = tinyPolicy()) {
            List<Map<String, String>> rows = List.of(Map.of("prompt", QUESTION));
            assertThatThrownBy(() -> GrpoTrainer.builder().prompts(rows).reward("r", (p, c, row) -> 1.0).build())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("model");
            assertThatThrownBy(() -> GrpoTrainer.builder().policy(policy).reward("r", (p, c, row) -> 1.0).build())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("prompts");
            assertThatThrownBy(() -> GrpoTrainer.builder().policy(policy).prompts(rows).build())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("reward");
            assertThatThrownBy(() -> GrpoTrainer.builder().policy(policy).prompts(rows).reward("r", (p, c, row) -> 1.0)
                    .set("training.learnig_rate=1").build())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("learning_rate");
            List<Map<String, String>> questions = List.of(Map.of("question", QUESTION));
            assertThatThrownBy(() -> GrpoTrainer.builder().policy(policy).prompts(questions)
                    .reward("r", (p, c, row) -> 1.0).build())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("prompts:1").hasMessageContaining("prompt");
            assertThatThrownBy(() -> GrpoTrainer.builder().policy(policy).prompts(List.<Map<String, String>>of())
                    .reward("r", (p, c, row) -> 1.0).build())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("no rows");
            // the row's field names are the config's
            try (GrpoTrainer t = GrpoTrainer.builder().policy(policy).prompts(questions).reward("r", (p, c, row) -> 1.0)
                    .set("data.prompt_field=question").build()) {
                assertThat(t.config().data().promptField()).isEqualTo("question");
            }

            Path yaml = tmp.resolve("run.yaml");
            Files.writeString(yaml, "training:\n  max_steps: 3\n  learnig_rate: 0.1\n");
            assertThatThrownBy(() -> GrpoTrainer.builder().config(yaml).policy(policy).prompts(rows)
                    .reward("r", (p, c, row) -> 1.0).build())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("run.yaml:3")
                    .hasMessageContaining("learning_rate");
            assertThatThrownBy(() -> GrpoTrainer.builder().config(tmp.resolve("missing.yaml")).build())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("not found");
        }
    }

    @Test
    void aThrowingRewardStopsTheRunOrScoresZeroAsChosen(@TempDir Path tmp) {
        try (TransformerPolicy policy = tinyPolicy()) {
            GrpoTrainer raising = GrpoTrainer.builder().policy(policy).prompts(List.of(Map.of("prompt", QUESTION)))
                    .reward("broken", (p, c, row) -> {
                        throw new IllegalStateException("boom");
                    })
                    .set("training.max_steps=1", "generation.num_generations=2", "training.per_step_prompts=1",
                            "generation.max_completion_length=4", "output_dir=" + tmp.resolve("a"))
                    .console(QUIET).build();
            assertThatThrownBy(raising::train).isInstanceOf(Grpo4jException.class).hasMessageContaining("broken");

            List<Double> rewards = new ArrayList<>();
            GrpoTrainer zero = GrpoTrainer.builder().policy(policy).prompts(List.of(Map.of("prompt", QUESTION)))
                    .reward("broken", (p, c, row) -> {
                        throw new IllegalStateException("boom");
                    })
                    .rewardOnError(RewardOnError.ZERO)
                    .set("training.max_steps=1", "generation.num_generations=2", "training.per_step_prompts=1",
                            "generation.max_completion_length=4", "output_dir=" + tmp.resolve("b"))
                    .onStep(s -> rewards.add(s.metric("reward")))
                    .console(QUIET).build();
            zero.train();
            assertThat(rewards).containsExactly(0.0);
        }
    }
}
