package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import io.github.grpo4j.reward.RewardInput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs with {@code training.dynamic_sampling} and {@code training.steps_per_generation}: a run killed and
 * resumed equals the uninterrupted one (the data position after resampling is exact), and the metrics lines
 * count steps as TRL does.
 */
class DynamicSamplingRunTest {

    /** Digits are good, but only for half of the prompts: the other half's groups never have signal. */
    public static final class DigitsForHalfThePrompts implements io.github.grpo4j.reward.RewardFunction {
        @Override
        public String name() {
            return "half_digits";
        }

        @Override
        public List<Double> score(List<RewardInput> batch) {
            return batch.stream().map(in -> (in.prompt().hashCode() & 1) == 0 ? 0.0
                    : 0.1 * in.completion().chars().filter(Character::isDigit).count()).toList();
        }
    }

    static io.github.grpo4j.config.GrpoConfig config(Path out, String... overrides) {
        List<String> all = new ArrayList<>(List.of("training.max_steps=6", "training.steps_per_generation=2",
                "training.dynamic_sampling=true", "training.max_generation_batches=4",
                "rewards=[{name: half_digits, type: java, class_name: " + DigitsForHalfThePrompts.class.getName() + "}]"));
        all.addAll(List.of(overrides));
        return TrainingRunTest.config(out, all.toArray(String[]::new));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void aResampledRunKilledAndResumedEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight");
        new TrainingRun(config(straight), quiet()).progressBar(false).run(false);
        List<MetricRow> rows = RunFiles.readMetrics(straight.resolve("metrics.jsonl")).rows().stream()
                .filter(r -> r.values().containsKey("loss")).toList();
        // preconditions: one line per step, and resampling happened (some groups were dropped)
        assertThat(rows).extracting(MetricRow::step).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(rows).anySatisfy(r -> assertThat(r.values().get("dynamic_sampling/generation_batches"))
                .isGreaterThan(1.0));
        assertThat(rows).allSatisfy(r -> assertThat(r.values().get("dynamic_sampling/groups_kept")).isPositive());

        Path killed = tmp.resolve("killed");
        new TrainingRun(config(killed), quiet()).progressBar(false).stopAfter(4).run(false);
        // as if killed while checkpoint 4 was written: the resumed run redoes the round of steps 3 and 4
        Checkpoints.deleteTree(killed.resolve("checkpoint-4"));
        assertThat(killed.resolve("checkpoint-2")).isDirectory();
        new TrainingRun(config(killed), quiet()).progressBar(false).run(true);
        TrainingRunTest.assertSameRun(straight, killed);
        assertThat(Files.exists(killed.resolve("final"))).isTrue();
    }
}
