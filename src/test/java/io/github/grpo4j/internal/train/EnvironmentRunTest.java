package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run against an environment configured by {@code environment: {type: java, ...}}, scored by the
 * {@code environment} reward type: it trains, logs the environment's metrics, and resumed in the middle
 * equals the uninterrupted run.
 */
class EnvironmentRunTest {

    /**
     * Guess the first digit of the prompt: a turn that contains it wins 1 and ends the episode; any other
     * turn is told the digit (feedback) and costs 0.1.
     */
    public static final class GuessTheDigit implements Environment {
        private String secret;

        @Override
        public List<Map<String, Object>> reset(Map<String, Object> row) {
            String prompt = String.valueOf(row.get("prompt"));
            secret = prompt.chars().filter(Character::isDigit).mapToObj(Character::toString).findFirst().orElse("7");
            return List.of();
        }

        @Override
        public Step step(String message) {
            return message.contains(secret) ? Step.done(1.0) : Step.reply(secret, -0.1);
        }
    }

    static TrainingRun run(GrpoConfig config) {
        // turns end at each "1" (the test parser, no tool calls), so episodes have several turns
        return new TrainingRun(new RunFactory(config).toolCallParser(MultiTurnResumeTest.TURN_ENDS_AT_ONE),
                new PrintStream(new ByteArrayOutputStream())).progressBar(false);
    }

    static GrpoConfig config(Path out, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("generation.max_completion_length=24",
                "environment.type=java", "environment.class_name=" + GuessTheDigit.class.getName(),
                "environment.max_turns=3",
                // an episode whose first turn used the whole budget gets no environment reward: digits scores it
                "rewards=[{name: env, type: environment}, {name: digits, type: java, class_name: "
                        + TrainingRunTest.DigitsAreGood.class.getName() + "}]"));
        all.addAll(List.of(more));
        return TrainingRunTest.config(out, all.toArray(String[]::new));
    }

    @Test
    void aRunAgainstAnEnvironmentTrainsOnItsRewardAndResumesExactly(@TempDir Path tmp) {
        Path straight = tmp.resolve("straight");
        run(config(straight)).run(false);
        List<MetricRow> rows = RunFiles.readMetrics(straight.resolve("metrics.jsonl")).rows();
        assertThat(rows).as("episodes of several turns, rewarded by the environment (precondition)")
                .anyMatch(r -> r.values().getOrDefault("turns/max", 0.0) >= 2.0)
                .anyMatch(r -> r.values().containsKey("environment/reward"))
                .anyMatch(r -> r.values().containsKey("rewards/env/mean"));
        assertThat(rows).filteredOn(r -> r.values().containsKey("environment/failure_frequency"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.values().get("environment/failure_frequency")).isZero());

        Path killed = tmp.resolve("killed");
        run(config(killed, "checkpoint.save_steps=2")).stopAfter(3).run(false);
        run(config(killed)).run(true);
        TrainingRunTest.assertSameRun(straight, killed);
    }
}
