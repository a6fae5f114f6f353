package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import io.github.grpo4j.internal.report.SampleRow;
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
        assertSamplesKeepTheirConversations(straight);

        Path killed = tmp.resolve("killed");
        String[] withSave = {"generation.max_completion_length=40", "tools.max_turns=2", "checkpoint.save_steps=2"};
        run(TrainingRunTest.varying(killed, withSave)).stopAfter(3).run(false);
        run(TrainingRunTest.varying(killed, settings)).run(true);
        TrainingRunTest.assertSameRun(straight, killed);
    }

    /**
     * Each line of samples.jsonl carries its episode as messages: assistant turns (with {@code tool_calls}
     * where they called echo) and tool results, which put together again give the rendered completion.
     */
    static void assertSamplesKeepTheirConversations(Path run) {
        List<SampleRow> samples = RunFiles.readSamples(run.resolve("samples.jsonl")).rows();
        assertThat(samples).as("samples were written (precondition)").isNotEmpty();
        int calls = 0;
        for (SampleRow s : samples) {
            assertThat(s.conversation()).as("step %d", s.step()).isNotNull().isNotEmpty();
            for (Map<String, Object> m : s.conversation()) {
                String content = (String) m.get("content");
                if (m.get("role").equals("assistant")) {
                    boolean called = content.contains("1");
                    if (called) {
                        calls++;
                        assertThat(m.get("tool_calls")).isEqualTo(
                                List.of(Map.of("type", "function", "function", Map.of("name", "echo", "arguments", Map.of()))));
                    } else {
                        assertThat(m).doesNotContainKey("tool_calls");
                    }
                } else {
                    assertThat(m).containsEntry("role", "tool").containsEntry("name", "echo").containsEntry("content", "22");
                }
            }
            // the completion also has the template's markup around each result: the messages' text in order
            // (results after the last turn were not shown when the episode's budget had no room for them)
            String completion = s.completion();
            int lastTurn = 0;
            for (int i = 0; i < s.conversation().size(); i++) {
                lastTurn = s.conversation().get(i).get("role").equals("assistant") ? i : lastTurn;
            }
            int at = 0;
            for (Map<String, Object> m : s.conversation().subList(0, lastTurn + 1)) {
                String content = (String) m.get("content");
                int found = completion.indexOf(content, at);
                assertThat(found).as("'%s' in order in '%s'", content, completion).isGreaterThanOrEqualTo(0);
                at = found + content.length();
            }
        }
        assertThat(calls).as("sampled turns called the tool (precondition)").isPositive();
    }
}
