package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.model.Safetensors;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    static final String TINY = TinyModels.RUN_YAML_HEAD + """
            data:
              task: sort
              max_prompt_length: 32
            generation:
              num_generations: 4
              max_completion_length: 6
            training:
              max_steps: 4
              per_step_prompts: 2
              micro_batch_size: 3
              num_iterations: 2
              learning_rate: 1.0e-2
            loss:
              beta: 0.04
            checkpoint:
              save_steps: 2
              save_total_limit: 2
            logging:
              eval_steps: 2
              eval_prompts: 4
              num_sample_rows: 2
            """;

    static GrpoConfig config(Path out, String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of(overrides));
        all.add("output_dir=" + out);
        return ConfigLoader.parse(GrpoConfig.class, "tiny.yaml", TINY, all);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static Map<String, float[]> weights(Path modelDir) {
        Map<String, float[]> out = new java.util.TreeMap<>();
        for (var e : Safetensors.read(modelDir.resolve("model.safetensors")).entrySet()) {
            out.put(e.getKey(), Safetensors.toFloatArray(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** A reward that varies between completions from the first step on, so the weights move. */
    public static final class DigitsAreGood implements io.github.grpo4j.reward.RewardFunction {
        @Override
        public String name() {
            return "digits";
        }

        @Override
        public List<Double> score(List<io.github.grpo4j.reward.RewardInput> batch) {
            return batch.stream().map(in -> 0.1 * in.completion().chars().filter(Character::isDigit).count()).toList();
        }
    }

    /** The tiny run, scored by {@link DigitsAreGood}. */
    static GrpoConfig varying(Path out, String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of(overrides));
        all.add("rewards=[{name: digits, type: java, class_name: " + DigitsAreGood.class.getName() + "}]");
        return config(out, all.toArray(String[]::new));
    }

    static boolean isTiming(String key) {
        return key.equals("step_time") || key.endsWith("_per_s") || key.startsWith("timing/");
    }

    /**
     * Asserts that a resumed run equals the uninterrupted one: the same metric lines (each step once, every
     * metric but timing bit-identical), the same sampled prompts and completions, the same final weights.
     * Precondition: the run really trained (rewards varied within groups, gradients were non-zero), so a
     * resume that restores the wrong state cannot pass.
     */
    static void assertSameRun(Path straight, Path resumed) {
        List<MetricRow> ma = RunFiles.readMetrics(straight.resolve("metrics.jsonl")).rows();
        List<MetricRow> mb = RunFiles.readMetrics(resumed.resolve("metrics.jsonl")).rows();
        var stepRows = ma.stream().filter(r -> r.values().containsKey("loss")).toList();
        assertThat(stepRows).isNotEmpty().allSatisfy(r -> {
            assertThat(r.values().get("grad_norm")).as("step %d grad_norm", r.step()).isGreaterThan(0.0);
            assertThat(r.values().get("frac_reward_zero_std")).as("step %d", r.step()).isLessThan(1.0);
        });
        assertThat(mb.stream().map(MetricRow::step).toList()).isEqualTo(ma.stream().map(MetricRow::step).toList());
        for (int i = 0; i < ma.size(); i++) {
            Map<String, Double> a = new java.util.TreeMap<>(ma.get(i).values());
            Map<String, Double> b = new java.util.TreeMap<>(mb.get(i).values());
            a.keySet().removeIf(TrainingRunTest::isTiming);
            b.keySet().removeIf(TrainingRunTest::isTiming);
            assertThat(b).as("metrics of step %d", ma.get(i).step()).isEqualTo(a);
        }
        assertThat(RunFiles.readSamples(resumed.resolve("samples.jsonl")).rows()).isNotEmpty()
                .isEqualTo(RunFiles.readSamples(straight.resolve("samples.jsonl")).rows());
        Map<String, float[]> wa = weights(straight.resolve("final"));
        Map<String, float[]> wb = weights(resumed.resolve("final"));
        assertThat(wb.keySet()).isEqualTo(wa.keySet());
        wa.forEach((k, w) -> assertThat(wb.get(k)).as(k).containsExactly(w));
    }

    @Test
    void aRunKilledAfterTwoStepsAndResumedEqualsAnUninterruptedRunOfFour(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight");
        new TrainingRun(varying(straight), quiet()).progressBar(false).run(false);

        Path killed = tmp.resolve("killed");
        // stopped after step 3: step 3's lines are logged, but its checkpoint (save_steps 2) is not written
        new TrainingRun(varying(killed, "checkpoint.save_steps=2"), quiet()).progressBar(false).stopAfter(3).run(false);
        assertThat(killed.resolve("final")).doesNotExist();
        assertThat(RunFiles.readMetrics(killed.resolve("metrics.jsonl")).rows()).anyMatch(r -> r.step() == 3);
        // a half-written later checkpoint must not be picked up
        assertThat(killed.resolve("checkpoint-3.tmp").toFile().mkdirs()).isTrue();
        // the run's time so far, as the checkpoint recorded it (made large so the sum is unmistakable)
        Path state = killed.resolve("checkpoint-2").resolve("trainer_state.json");
        Files.writeString(state, Files.readString(state).replaceAll("\"seconds\" : [0-9.E-]+", "\"seconds\" : 1000.0"));
        new TrainingRun(varying(killed), quiet()).progressBar(false).run(true);

        assertSameRun(straight, killed);
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(killed.resolve("summary.json").toFile());
        var straightSummary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(straight.resolve("summary.json").toFile());
        assertThat(summary.get("accuracy_before").asDouble()).isEqualTo(straightSummary.get("accuracy_before").asDouble());
        assertThat(summary.get("accuracy_after").asDouble()).isEqualTo(straightSummary.get("accuracy_after").asDouble());
        assertThat(summary.get("seconds").asDouble()).as("seconds of both processes").isGreaterThan(1000.0);
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStartsOverOnResumeAndLogsEachStepOnce(@TempDir Path tmp) {
        Path straight = tmp.resolve("straight");
        new TrainingRun(varying(straight), quiet()).progressBar(false).run(false);

        Path killed = tmp.resolve("killed");
        new TrainingRun(varying(killed), quiet()).progressBar(false).stopAfter(1).run(false);
        assertThat(new Checkpoints(killed, 0).list()).isEmpty();
        new TrainingRun(varying(killed), quiet()).progressBar(false).run(true);

        assertSameRun(straight, killed);
        assertThat(RunFiles.readMetrics(killed.resolve("metrics.jsonl")).rows())
                .filteredOn(r -> r.step() == 0).as("one evaluation before GRPO").hasSize(1);
    }

    @Test
    void resumingWithAChangedConfigIsRefusedUnlessAllowedAndThenTheHistoryIsKept(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        new TrainingRun(config(out), quiet()).progressBar(false).stopAfter(2).run(false);
        String first = Files.readString(out.resolve("config.yaml"));
        assertThatThrownBy(() -> new TrainingRun(config(out, "training.learning_rate=0.02"), quiet()).run(true))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("training.learning_rate 0.01 -> 0.02");
        assertThat(Files.readString(out.resolve("config.yaml"))).isEqualTo(first);

        new TrainingRun(config(out, "training.learning_rate=0.02"), quiet()).progressBar(false).allowConfigChange(true)
                .run(true);
        assertThat(Files.readString(out.resolve("config-1.yaml"))).isEqualTo(first);
        assertThat(Files.readString(out.resolve("config.yaml"))).contains("learning_rate: 0.02");
    }

    @Test
    void theSameSeedAndConfigGiveBitIdenticalMetricsAndWeights(@TempDir Path tmp) {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        new TrainingRun(config(a, "training.max_steps=3"), quiet()).progressBar(false).run(false);
        new TrainingRun(config(b, "training.max_steps=3"), quiet()).progressBar(false).run(false);
        Map<String, float[]> wa = weights(a.resolve("final"));
        Map<String, float[]> wb = weights(b.resolve("final"));
        for (String k : wa.keySet()) {
            assertThat(wb.get(k)).as(k).containsExactly(wa.get(k));
        }
        List<MetricRow> ma = RunFiles.readMetrics(a.resolve("metrics.jsonl")).rows();
        List<MetricRow> mb = RunFiles.readMetrics(b.resolve("metrics.jsonl")).rows();
        assertThat(mb).hasSameSizeAs(ma);
        for (int i = 0; i < ma.size(); i++) {
            for (var e : ma.get(i).values().entrySet()) {
                String key = e.getKey();
                boolean timing = key.equals("step_time") || key.endsWith("_per_s") || key.startsWith("timing/");
                if (!timing) {
                    assertThat(mb.get(i).values().get(key)).as("step %d %s", ma.get(i).step(), key).isEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    void aRunWritesMetricsSamplesConfigCheckpointsFinalModelAndReport(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        var result = new TrainingRun(config(out), quiet()).progressBar(false).run(false);
        assertThat(result.steps()).isEqualTo(4);
        assertThat(out.resolve("config.yaml")).exists();
        assertThat(out.resolve("samples.jsonl")).exists();
        assertThat(out.resolve("report.html")).exists();
        assertThat(out.resolve("final").resolve("config.json")).exists();
        assertThat(out.resolve("final").resolve("tokenizer.json")).exists();
        // save_total_limit 2 keeps the last two of checkpoints 2 and 4
        assertThat(new Checkpoints(out, 2).list()).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-2", "checkpoint-4");
        List<MetricRow> rows = RunFiles.readMetrics(out.resolve("metrics.jsonl")).rows();
        var stepRows = rows.stream().filter(r -> r.values().containsKey("loss")).toList();
        assertThat(stepRows).hasSize(4);
        assertThat(stepRows.get(0).values()).containsKeys("loss", "grad_norm", "learning_rate", "reward", "reward_std",
                "frac_reward_zero_std", "kl", "entropy", "completions/mean_length", "completions/min_length",
                "completions/max_length", "completions/clipped_ratio", "clip_ratio/low_mean", "clip_ratio/high_mean",
                "clip_ratio/region_mean", "num_tokens", "step_time", "gen_tokens_per_s", "train_tokens_per_s");
        assertThat(rows.stream().filter(r -> r.values().containsKey("eval/accuracy"))).hasSize(3); // before, 2, 4
        assertThat(Files.readString(out.resolve("summary.json"))).contains("accuracy_before", "accuracy_after");
    }

    @Test
    void startingOverAnExistingRunWithoutResumeIsRefused(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        new TrainingRun(config(out, "training.max_steps=1"), quiet()).progressBar(false).run(false);
        assertThatThrownBy(() -> new TrainingRun(config(out, "training.max_steps=1"), quiet()).run(false))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("--resume");
    }

    @Test
    void resumingWithAnotherSeedIsRefused(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        new TrainingRun(config(out), quiet()).progressBar(false).stopAfter(2).run(false);
        assertThatThrownBy(() -> new TrainingRun(config(out, "seed=4"), quiet()).allowConfigChange(true).run(true))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("seed");
    }

    @Test
    void badConfigFailsBeforeAnyWorkNamingLineAndKey(@TempDir Path tmp) {
        String bad = TINY.replace("  learning_rate: 1.0e-2", "  learnig_rate: 1.0e-2");
        assertThatThrownBy(() -> ConfigLoader.parse(GrpoConfig.class, "bad.yaml", bad, List.of()))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("bad.yaml:")
                .hasMessageContaining("learnig_rate")
                .hasMessageContaining("learning_rate");
        assertThat(tmp.resolve("run")).doesNotExist();
    }

    @Test
    void theRunReportsOneStepLinePerStepOnTheConsole(@TempDir Path tmp) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TrainingRun(config(tmp.resolve("run"), "training.max_steps=2"), new PrintStream(bytes)).progressBar(false)
                .run(false);
        String text = bytes.toString();
        assertThat(text).contains("step 1/2 | loss").contains("step 2/2 | loss").contains("| reward ")
                .contains("held-out accuracy").containsPattern("reward curve \\(mean of each tenth of the run\\): \\d\\.\\d{3} \\d\\.\\d{3}\n");
    }

    /** A user's reward class, named in the config as {@code type: java}. */
    public static final class ShortIsGood implements io.github.grpo4j.reward.RewardFunction {
        @Override
        public String name() {
            return "short";
        }

        @Override
        public List<Double> score(List<io.github.grpo4j.reward.RewardInput> batch) {
            return batch.stream().map(in -> -0.1 * in.completionTokens()).toList();
        }
    }

    @Test
    void aJavaRewardClassNamedInTheConfigScoresTheCompletions(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        new TrainingRun(config(out, "training.max_steps=1", "rewards=[{name: short, type: java, class_name: "
                + ShortIsGood.class.getName() + "}]"), quiet()).progressBar(false).run(false);
        var row = RunFiles.readMetrics(out.resolve("metrics.jsonl")).rows().stream()
                .filter(r -> r.values().containsKey("loss")).findFirst().orElseThrow();
        assertThat(row.values().get("rewards/short/mean"))
                .isCloseTo(-0.1 * row.values().get("completions/mean_length"), within(1e-9));
    }

    @Test
    void aRewardClassThatIsNotARewardFunctionIsAClearError(@TempDir Path tmp) {
        assertThatThrownBy(() -> new TrainingRun(config(tmp.resolve("run"), "rewards=[{name: x, type: java, class_name: "
                + "java.lang.StringBuilder}]"), quiet()).progressBar(false).run(false))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("java.lang.StringBuilder")
                .hasMessageContaining("RewardFunction");
        assertThat(tmp.resolve("run")).as("a run that fails to start leaves no directory").doesNotExist();
    }

    @Test
    void learningRateFollowsTheScheduleAcrossOptimizerUpdates(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        new TrainingRun(config(out, "training.lr_scheduler_type=linear", "training.warmup_steps=1",
                "training.num_iterations=1"), quiet()).progressBar(false).run(false);
        var lrs = RunFiles.readMetrics(out.resolve("metrics.jsonl")).rows().stream()
                .filter(r -> r.values().containsKey("learning_rate"))
                .map(r -> r.values().get("learning_rate")).toList();
        // warmup 1 update, then linear decay to 0 over 4 updates
        assertThat(lrs.get(0)).isEqualTo(0.0);
        assertThat(lrs.get(1)).isCloseTo(1e-2, within(1e-12));
        assertThat(lrs.get(2)).isCloseTo(1e-2 * 2 / 3, within(1e-12));
    }
}
