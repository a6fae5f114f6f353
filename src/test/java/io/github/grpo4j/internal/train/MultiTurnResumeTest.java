package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import io.github.grpo4j.internal.tools.ToolCall;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.tools.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A multi-turn run with tools, stopped in the middle and resumed, equals the uninterrupted run. */
class MultiTurnResumeTest {

    /** A turn that writes a 1 calls echo (so a tiny random model calls tools often). */
    static final ToolCallParser ONE_CALLS_ECHO = new ToolCallParser() {
        @Override
        public List<String> stopStrings() {
            return List.of("1");
        }

        @Override
        public List<ToolCall> parseCalls(String turn) {
            return turn.contains("1") ? List.of(ToolCall.of("echo", Map.of())) : List.of();
        }
    };

    /** Ends a turn at each 1 and reads no call (for runs against an environment). */
    static final ToolCallParser TURN_ENDS_AT_ONE = new ToolCallParser() {
        @Override
        public List<String> stopStrings() {
            return List.of("1");
        }

        @Override
        public List<ToolCall> parseCalls(String turn) {
            return List.of();
        }
    };

    static TrainingRun run(GrpoConfig config) {
        RunFactory parts = new RunFactory(config).tools(List.of(Tool.of("echo", "repeats 22", Map.of(), args -> "22")))
                .toolCallParser(ONE_CALLS_ECHO);
        return new TrainingRun(parts, new PrintStream(new ByteArrayOutputStream())).progressBar(false);
    }

    @Test
    void aMultiTurnRunStoppedAfterThreeStepsAndResumedEqualsTheUninterruptedRun(@TempDir Path tmp) {
        String[] settings = {"generation.max_completion_length=40", "tools.max_turns=2"};
        Path straight = tmp.resolve("straight");
        run(TrainingRunTest.varying(straight, settings)).run(false);
        List<MetricRow> rows = RunFiles.readMetrics(straight.resolve("metrics.jsonl")).rows();
        assertThat(rows).as("steps that ran tools (precondition)")
                .anyMatch(r -> r.values().getOrDefault("tools/call_frequency", 0.0) > 0.2)
                .anyMatch(r -> r.values().getOrDefault("turns/max", 0.0) >= 2.0);

        Path killed = tmp.resolve("killed");
        String[] withSave = {"generation.max_completion_length=40", "tools.max_turns=2", "checkpoint.save_steps=2"};
        run(TrainingRunTest.varying(killed, withSave)).stopAfter(3).run(false);
        run(TrainingRunTest.varying(killed, settings)).run(true);
        TrainingRunTest.assertSameRun(straight, killed);
    }
}
