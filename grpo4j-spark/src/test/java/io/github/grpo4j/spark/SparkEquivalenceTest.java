package io.github.grpo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.train.RunFactory;
import io.github.grpo4j.internal.train.TrainingRun;
import io.github.grpo4j.policy.TransformerPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run on Spark {@code local[2]} equals the plain single-machine run of the same config
 * ({@code training.rollout_seeding: group}, which {@code --spark} implies): per-group quantities exactly, the
 * summed gradients and their consequences (loss terms, final weights) within float summation tolerance.
 */
class SparkEquivalenceTest {

    /** Metrics computed from each group on its own: equal to the last bit, however the groups are spread. */
    static final Set<String> PER_GROUP = Set.of("reward", "reward_std", "rewards/length/mean", "rewards/length/std",
            "frac_reward_zero_std", "completions/mean_length", "completions/min_length",
            "completions/max_length", "completions/clipped_ratio", "num_tokens", "learning_rate");

    /** A tiny model trained 2 steps with μ = 2, whole-batch reward scaling and KL, rewards that vary. */
    static GrpoConfig config(Path out, String... overrides) {
        return withRewards(out, "", overrides);
    }

    /** {@link #config} with {@code rewards} (YAML list entries, indented by 2) after the length reward. */
    static GrpoConfig withRewards(Path out, String rewards, String... overrides) {
        String yaml = """
                seed: 3
                output_dir: %s
                model:
                  config:
                    architectures: [Qwen2ForCausalLM]
                    model_type: qwen2
                    hidden_size: 32
                    num_hidden_layers: 1
                    num_attention_heads: 2
                    num_key_value_heads: 1
                    intermediate_size: 64
                    max_position_embeddings: 64
                    rms_norm_eps: 1.0e-6
                    rope_theta: 10000.0
                    hidden_act: silu
                    tie_word_embeddings: true
                data:
                  task: arithmetic
                  max_prompt_length: 16
                rewards:
                  - name: length
                    type: length
                    params: {coefficient: 1.0, target: 0, unit: chars}
                %s
                generation:
                  num_generations: 4
                  max_completion_length: 5
                  temperature: 1.0
                training:
                  max_steps: 2
                  per_step_prompts: 4
                  micro_batch_size: 2
                  num_iterations: 2
                  learning_rate: 1.0e-2
                  warmup_steps: 0
                  rollout_seeding: group
                loss:
                  beta: 0.04
                  scale_rewards: batch
                  loss_type: dapo
                checkpoint:
                  save_steps: 0
                logging:
                  logging_steps: 100
                  eval_steps: 0
                  eval_prompts: 1
                """.formatted(out.toAbsolutePath(), rewards.stripTrailing());
        return ConfigLoader.parse(GrpoConfig.class, "test.yaml", yaml, List.of(overrides));
    }

    static TrainingRun run(GrpoConfig config) {
        return new TrainingRun(config, new PrintStream(new ByteArrayOutputStream())).progressBar(false);
    }

    static JavaSparkContext localContext(int cores) {
        return new JavaSparkContext(new SparkConf().setMaster("local[" + cores + "]").setAppName("grpo4j-test")
                .set("spark.ui.enabled", "false"));
    }

    /** The plain single-machine run, each step's last applied gradient added to {@code gradients}. */
    static void plainRun(GrpoConfig config, List<Map<String, float[]>> gradients) {
        run(config).stepRunner(ObservedRunner.recordingGradients(RunFactory::localRunner, gradients)).run(false);
    }

    @Test
    void localTwoEqualsThePlainSingleMachineRun(@TempDir Path dir) throws IOException {
        List<Map<String, float[]>> one = new ArrayList<>(), spark = new ArrayList<>();
        plainRun(config(dir.resolve("one")), one);
        try (JavaSparkContext sc = localContext(2)) {
            run(config(dir.resolve("spark"))).stepRunner(ObservedRunner.recordingGradients(
                    DistributedStepRunner.factory((yaml, ref) -> new SparkShards(sc, false, yaml, ref)), spark))
                    .run(false);
        }
        assertSameGradients(one, spark);
        assertSameRun(dir.resolve("one"), dir.resolve("spark"));
    }

    /**
     * The gradient of each step's last update (step 1's and step 2's second, after clipping) within float
     * summation tolerance: the largest difference at most 1e-5 of the largest gradient entry. (The first
     * updates' gradients enter the compared grad_norm, loss and final weights.)
     */
    static void assertSameGradients(List<Map<String, float[]>> expected, List<Map<String, float[]>> actual) {
        assertThat(actual).hasSameSizeAs(expected).hasSize(2);
        for (int u = 0; u < expected.size(); u++) {
            Map<String, float[]> x = expected.get(u), y = actual.get(u);
            assertThat(y.keySet()).isEqualTo(x.keySet());
            double scale = 0, diff = 0;
            for (String k : x.keySet()) {
                for (int i = 0; i < x.get(k).length; i++) {
                    scale = Math.max(scale, Math.abs(x.get(k)[i]));
                    diff = Math.max(diff, Math.abs(x.get(k)[i] - y.get(k)[i]));
                }
            }
            assertThat(scale).as("step %d has a gradient", u + 1).isGreaterThan(1e-6);
            assertThat(diff).as("step %d: largest gradient difference", u + 1).isLessThanOrEqualTo(1e-5 * scale);
        }
    }

    /** Compares two run directories: metrics step by step, then the final weights. */
    static void assertSameRun(Path expected, Path actual) throws IOException {
        assertSameRun(expected, actual, 2);
    }

    /** As {@link #assertSameRun(Path, Path)}, over {@code steps} steps. */
    static void assertSameRun(Path expected, Path actual, int steps) throws IOException {
        List<Map<String, Double>> a = metrics(expected), b = metrics(actual);
        assertThat(b).hasSameSizeAs(a).hasSize(steps);
        for (int s = 0; s < a.size(); s++) {
            Map<String, Double> x = a.get(s), y = b.get(s);
            // preconditions: the step learned something, so equal numbers are not zeros
            assertThat(x.get("reward_std")).as("rewards vary").isGreaterThan(0);
            assertThat(x.get("grad_norm")).as("gradients are non-zero").isGreaterThan(0);
            // the distributed step reports every metric but the entropy by position (entropy/pos_*) and the throughputs
            assertThat(x.keySet()).containsAll(y.keySet());
            assertThat(x.keySet().stream().filter(k -> !y.containsKey(k)))
                    .allMatch(k -> k.startsWith("entropy/pos") || k.endsWith("tokens_per_s")
                            || k.startsWith("timing/"));
            for (String k : y.keySet()) {
                if (k.startsWith("timing/") || k.equals("step_time") || k.equals("step")) {
                    continue;
                }
                if (PER_GROUP.contains(k)) {
                    assertThat(y.get(k)).as("step %d %s", s + 1, k).isEqualTo(x.get(k));
                } else {
                    assertThat(y.get(k)).as("step %d %s", s + 1, k)
                            .isCloseTo(x.get(k), org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, Math.abs(x.get(k)))));
                }
            }
        }
        // final weights within 1e-5 of the largest weight. A key projection's bias is left out: softmax ignores
        // it, so its exact gradient is 0 and what each run computes is rounding noise, which AdamW (dividing by
        // √v) turns into steps of its own; a bound on it would test the rounding, not the runs
        Map<String, float[]> wa = weights(expected.resolve("final")), wb = weights(actual.resolve("final"));
        Map<String, float[]> w0 = initialWeights(expected);
        assertThat(wb.keySet()).isEqualTo(wa.keySet());
        double moved = 0, scale = 0, diff = 0;
        String worst = null;
        for (String k : wa.keySet()) {
            float[] x = wa.get(k), y = wb.get(k), z = w0.get(k);
            boolean noiseOnly = k.endsWith("self_attn.k_proj.bias");
            for (int i = 0; i < x.length; i++) {
                scale = Math.max(scale, Math.abs(x[i]));
                moved = Math.max(moved, Math.abs(x[i] - z[i]));
                if (!noiseOnly && Math.abs(x[i] - y[i]) > diff) {
                    diff = Math.abs(x[i] - y[i]);
                    worst = k + "[" + i + "]";
                }
            }
        }
        assertThat(moved).as("training moved the weights").isGreaterThan(1e-3);
        assertThat(diff).as("largest final weight difference (%s)", worst).isLessThanOrEqualTo(1e-5 * scale);
    }

    static List<Map<String, Double>> metrics(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Double>> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode row = json.readTree(line);
            if (!row.has("loss")) {
                continue; // not a training step's line
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : row.properties()) {
                if (e.getValue().isNumber()) {
                    m.put(e.getKey(), e.getValue().asDouble());
                }
            }
            out.add(m);
        }
        return out;
    }

    static Map<String, float[]> weights(Path modelDir) {
        try (TransformerPolicy p = io.github.grpo4j.policy.TransformerPolicies.load(modelDir)) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : p.parameters().entrySet()) {
                out.put(e.getKey(), e.getValue().toFloatArray());
            }
            return out;
        }
    }

    /** The weights the run started from (built from the config's seed). */
    static Map<String, float[]> initialWeights(Path run) {
        GrpoConfig c = config(run);
        try (TransformerPolicy p = io.github.grpo4j.internal.train.RunParts.policy(c.model(),
                io.github.grpo4j.internal.train.RunParts.tokenizer(c.model(),
                        io.github.grpo4j.internal.train.RunParts.task(c.data().task(), c.data().taskOptions())),
                c.seed())) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : p.parameters().entrySet()) {
                out.put(e.getKey(), e.getValue().toFloatArray());
            }
            return out;
        }
    }
}
