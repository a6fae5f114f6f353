package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import io.github.grpo4j.internal.report.RunReport;
import io.github.grpo4j.internal.report.SampleRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path dir;

    private List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void writesStepFirstThenMetricsInCanonicalOrderWhateverTheMapOrder() throws IOException {
        MetricsLog log = MetricsLog.open(dir.resolve("run"));
        Map<String, Double> m = new HashMap<>();
        m.put("zz_custom", 1.5);
        m.put("eval/accuracy", 0.25);
        m.put("step_time", 2.5);
        m.put("rewards/b/mean", 0.5);
        m.put("kl", 0.001);
        m.put("rewards/a/std", 0.125);
        m.put("loss", -0.5);
        m.put("reward", 0.75);
        m.put("rewards/a/mean", 1.0);
        m.put("num_tokens", 1234.0);
        log.append(3, m);
        assertThat(lines(log.metricsFile())).containsExactly("{\"step\":3,\"loss\":-0.5,\"reward\":0.75,"
                + "\"rewards/a/mean\":1,\"rewards/a/std\":0.125,\"rewards/b/mean\":0.5,\"kl\":0.001,"
                + "\"num_tokens\":1234,\"step_time\":2.5,\"eval/accuracy\":0.25,\"zz_custom\":1.5}");
    }

    @Test
    void nanAndInfinityAreWrittenAsNullAndReadBackAsNaN() throws IOException {
        MetricsLog log = MetricsLog.open(dir);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("kl", Double.NaN);
        m.put("grad_norm", Double.POSITIVE_INFINITY);
        m.put("loss", 0.125);
        m.put("entropy", null); // left out
        log.append(1, m);
        assertThat(lines(log.metricsFile())).containsExactly("{\"step\":1,\"loss\":0.125,\"grad_norm\":null,\"kl\":null}");
        MetricRow row = log.metrics().get(0);
        assertThat(row.step()).isEqualTo(1);
        assertThat(row.values()).containsEntry("loss", 0.125).containsEntry("kl", Double.NaN)
                .containsEntry("grad_norm", Double.NaN).doesNotContainKey("entropy");
    }

    @Test
    void eachAppendIsInTheFileWhenItReturns() throws IOException {
        MetricsLog log = MetricsLog.open(dir);
        for (int s = 1; s <= 3; s++) {
            log.append(s, Map.of("reward", 0.1 * s));
            // another reader (the report) sees the line at once: nothing buffered in this process
            assertThat(RunFiles.readMetrics(dir.resolve(RunFiles.METRICS)).rows()).hasSize(s);
        }
        assertThat(log.lastStep()).isEqualTo(3);
    }

    @Test
    void samplesRoundTripWithUnicodeNewlinesAndNaNReward() {
        MetricsLog log = MetricsLog.open(dir);
        Map<String, Double> rewards = new LinkedHashMap<>();
        rewards.put("format", 1.0);
        rewards.put("correct", 0.0);
        SampleRow a = new SampleRow(2, "Solve: 2+2 ≠ 5?\n", "<think>ok</think>\n4 \"quoted\" 😀", 0.5, rewards);
        SampleRow b = new SampleRow(2, "p", "c", Double.NaN, Map.of());
        log.appendSamples(List.of(a, b));
        List<SampleRow> back = log.samples();
        assertThat(back).hasSize(2);
        assertThat(back.get(0)).isEqualTo(a);
        assertThat(back.get(0).rewards().keySet()).containsExactly("format", "correct");
        assertThat(back.get(1).reward()).isNaN();
        assertThat(back.get(1).conversation()).as("a single-turn completion has none").isNull();
    }

    @Test
    void aMultiTurnSampleKeepsItsConversationAsStructuredMessages() throws IOException {
        MetricsLog log = MetricsLog.open(dir);
        Map<String, Object> call = Map.of("type", "function",
                "function", Map.of("name", "calculator", "arguments", Map.of("expression", "2*3")));
        List<Map<String, Object>> conversation = List.of(
                Map.of("role", "assistant", "content", "<tool_call>...</tool_call>", "tool_calls", List.of(call)),
                Map.of("role", "tool", "name", "calculator", "content", "6"),
                Map.of("role", "assistant", "content", "6"));
        SampleRow a = new SampleRow(3, "2*3=", "<tool_call>...</tool_call><tool_response>6</tool_response>6", 1.0,
                Map.of("correct", 1.0), conversation);
        log.appendSamples(List.of(a));
        assertThat(log.samples()).containsExactly(a);
        // on disk: the messages as JSON objects, not a string
        var line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines(log.samplesFile()).get(0));
        assertThat(line.get("conversation").isArray()).isTrue();
        assertThat(line.get("conversation").get(0).get("tool_calls").get(0).get("function").get("arguments")
                .get("expression").asText()).isEqualTo("2*3");
        assertThat(line.get("conversation").get(1).get("role").asText()).isEqualTo("tool");
    }

    @Test
    void reopeningAfterAKillMidLineDropsTheCutOffLineSoTheNextAppendStartsCleanly() throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"lo");
        Files.writeString(dir.resolve(RunFiles.SAMPLES), "{\"step\":1,\"prompt\":\"p\",\"completion\":\"c\"}\n{\"st");
        MetricsLog log = MetricsLog.open(dir);
        log.append(2, Map.of("loss", 0.25));
        assertThat(lines(log.metricsFile())).containsExactly("{\"step\":1,\"loss\":0.5}", "{\"step\":2,\"loss\":0.25}");
        assertThat(lines(log.samplesFile())).hasSize(1);
    }

    @Test
    void reopeningKeepsAWholeLastLineThatOnlyLacksItsNewline() throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.5}");
        MetricsLog log = MetricsLog.open(dir);
        log.append(3, Map.of("loss", 0.25));
        assertThat(log.metrics()).extracting(MetricRow::step).containsExactly(1, 2, 3);
    }

    @Test
    void readerSkipsACutOffLastLineWithANote() throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"lo");
        RunFiles.Read<MetricRow> read = RunFiles.readMetrics(dir.resolve(RunFiles.METRICS));
        assertThat(read.rows()).extracting(MetricRow::step).containsExactly(1);
        assertThat(read.notes()).containsExactly(
                "metrics.jsonl:2: skipped a cut-off last line (run in progress or killed while writing)");
    }

    @Test
    void readerRejectsABadLineInTheMiddleOrAMissingStepNamingFileAndLine() throws IOException {
        Path f = dir.resolve(RunFiles.METRICS);
        Files.writeString(f, "{\"step\":1}\n{\"step\":2,\"lo\n{\"step\":3}\n");
        assertThatThrownBy(() -> RunFiles.readMetrics(f)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining(f + ":2: not a JSON object");
        Files.writeString(f, "{\"step\":1}\n{\"loss\":2}\n");
        assertThatThrownBy(() -> RunFiles.readMetrics(f)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining(f + ":2: field \"step\" is missing; it must be a non-negative integer");
        Files.writeString(f, "{\"step\":1.5}\n");
        assertThatThrownBy(() -> RunFiles.readMetrics(f)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining(":1: field \"step\" is 1.5");
    }

    @Test
    void truncateAfterDropsLaterStepsInBothFilesAndKeepsEvaluationsOfTheResumedStep() throws IOException {
        MetricsLog log = MetricsLog.open(dir);
        for (int s = 1; s <= 5; s++) {
            log.append(s, Map.of("loss", (double) s));
            log.appendSamples(List.of(new SampleRow(s, "p" + s, "c" + s, s, Map.of())));
            if (s % 2 == 0) {
                log.append(s, Map.of("eval/accuracy", 0.1 * s));
            }
        }
        log.truncateAfter(2);
        assertThat(lines(log.metricsFile())).containsExactly(
                "{\"step\":1,\"loss\":1}", "{\"step\":2,\"loss\":2}", "{\"step\":2,\"eval/accuracy\":0.2}");
        assertThat(log.samples()).extracting(SampleRow::step).containsExactly(1, 2);
        log.append(3, Map.of("loss", 30.0));
        assertThat(log.metrics()).extracting(MetricRow::step).containsExactly(1, 2, 2, 3);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    RunFiles.METRICS, RunFiles.SAMPLES); // no temporary file left behind
        }
    }

    @Test
    void resumeOpensAndTruncatesACutOffRunAtTheCheckpointStep() throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS),
                "{\"step\":1,\"loss\":1}\n{\"step\":2,\"loss\":2}\n{\"step\":3,\"loss\":3}\n{\"step\":4,\"lo");
        MetricsLog log = MetricsLog.resume(dir, 2);
        assertThat(lines(log.metricsFile())).containsExactly("{\"step\":1,\"loss\":1}", "{\"step\":2,\"loss\":2}");
        assertThat(MetricsLog.resume(dir, 0).metrics()).isEmpty();
    }

    @Test
    void writesConfigAndSummaryWholeAndReplacesThem() throws IOException {
        MetricsLog log = MetricsLog.open(dir.resolve("new/run"));
        log.writeConfig("beta: 0.04\n");
        log.writeConfig("beta: 0.0\n");
        assertThat(Files.readString(dir.resolve("new/run/config.yaml"))).isEqualTo("beta: 0.0\n");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("accuracy_before", 0.125);
        summary.put("accuracy_after", Double.NaN);
        summary.put("steps", 40);
        summary.put("model", "tiny");
        log.writeSummary(summary);
        String json = Files.readString(dir.resolve("new/run/summary.json"));
        assertThat(json.replaceAll("\\s", ""))
                .isEqualTo("{\"accuracy_before\":0.125,\"accuracy_after\":null,\"steps\":40,\"model\":\"tiny\"}");
    }

    @Test
    void rejectsProgrammingErrorsInArguments() {
        MetricsLog log = MetricsLog.open(dir);
        assertThatThrownBy(() -> log.append(-1, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.append(1, Map.of("step", 1.0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.truncateAfter(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunWrittenByMetricsLogCanBeReportedMidRunAfterAKillAndAfterResume() throws IOException {
        MetricsLog log = MetricsLog.open(dir);
        log.writeConfig("beta: 0.04\n");
        for (int s = 1; s <= 5; s++) {
            log.append(s, Map.of("reward", 0.1 * s, "kl", 0.01 * s));
            log.appendSamples(List.of(new SampleRow(s, "p", "c" + s, 0.1 * s, Map.of("fn", 1.0))));
        }
        Files.writeString(log.metricsFile(), "{\"step\":6,\"rew", StandardOpenOption.APPEND); // killed
        String page = Files.readString(RunReport.write(dir));
        assertThat(page).contains("<tr><td><code>reward</code></td><td>5</td>", "End of the run (step 5)",
                "metrics.jsonl:6: skipped a cut-off last line");
        MetricsLog.resume(dir, 3).append(4, Map.of("reward", 0.9));
        page = Files.readString(RunReport.write(dir));
        assertThat(page).contains("<tr><td><code>reward</code></td><td>4</td>", "<tr><td><code>kl</code></td><td>3</td>",
                "End of the run (step 3)", "None: every line of the run files was read.");
    }

    @Test
    void reportingWhileTheTrainerAppendsSeesOnlyWholeLines() throws Exception {
        MetricsLog log = MetricsLog.open(dir);
        log.append(1, Map.of("reward", 0.0, "kl", 0.0));
        Thread trainer = new Thread(() -> {
            for (int s = 2; s <= 400; s++) {
                log.append(s, Map.of("reward", s / 400.0, "kl", 0.001 * s, "loss", 0.5));
                try {
                    Thread.sleep(3); // ~1.2 s of training, so reports overlap it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        trainer.start();
        int reports = 0;
        int lastSeen = 0;
        int firstSeen = -1;
        while (trainer.isAlive() || reports == 0) {
            String page = Files.readString(RunReport.write(dir));
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("<tr><td><code>reward</code></td><td>(\\d+)</td>").matcher(page);
            assertThat(m.find()).isTrue();
            int seen = Integer.parseInt(m.group(1));
            assertThat(seen).isGreaterThanOrEqualTo(lastSeen); // a later report never shows fewer steps
            lastSeen = seen;
            firstSeen = firstSeen < 0 ? seen : firstSeen;
            reports++;
        }
        trainer.join();
        assertThat(firstSeen).as("the first report ran mid-run").isLessThan(400);
        assertThat(log.metrics()).hasSize(400);
        assertThat(Files.readString(RunReport.write(dir))).contains("<tr><td><code>reward</code></td><td>400</td>");
    }

    /** Whatever the values, a line reads back as written: finite values exactly, the rest as NaN. */
    @Property(tries = 60)
    void everyValueReadsBackExactlyOrAsNaN(@ForAll("metricMaps") Map<String, Double> metrics) throws IOException {
        Path run = Files.createTempDirectory("metricslog"); // jqwik has no @TempDir
        MetricRow row;
        try {
            MetricsLog log = MetricsLog.open(run);
            log.append(7, metrics);
            row = log.metrics().get(0);
        } finally {
            Files.deleteIfExists(run.resolve(RunFiles.METRICS));
            Files.delete(run);
        }
        assertThat(row.step()).isEqualTo(7);
        assertThat(row.values().keySet()).containsExactlyInAnyOrderElementsOf(metrics.keySet());
        metrics.forEach((k, v) -> assertThat(row.values().get(k)).as(k)
                .isEqualTo((Object) (Double.isFinite(v) ? v : Double.NaN))); // Double.equals: NaN equals NaN
    }

    @Provide
    Arbitrary<Map<String, Double>> metricMaps() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of("loss", "kl", "reward", "num_tokens", "eval/accuracy"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12).map(fn -> "rewards/" + fn + "/mean"));
        Arbitrary<Double> values = Arbitraries.oneOf(
                Arbitraries.doubles().between(-1e12, 1e12),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                        Double.MIN_VALUE, Double.MAX_VALUE, 9_007_199_254_740_993.0, 4.9e-324, 1e300),
                Arbitraries.longs().between(-(1L << 53), 1L << 53).map(Long::doubleValue));
        return Arbitraries.maps(keys, values).ofMaxSize(8);
    }
}
