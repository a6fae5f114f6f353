package io.github.grpo4j.internal.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything a report shows about one run directory, read once.
 *
 * @param runDir      the run directory
 * @param series      metric name → (step → value), finite values only, names in {@link MetricKeys#ORDER};
 *                    when a step appears twice (a resumed run that was not truncated) the later line wins
 * @param samples     the sample completions in file order
 * @param configYaml  the text of {@code config.yaml}, or null when there is none
 * @param summary     the entries of {@code summary.json} as JSON text, or empty when there is none
 * @param metricLines how many lines {@code metrics.jsonl} had (training and evaluation)
 * @param notes       things a reader should know: skipped cut-off lines, metrics with no finite value
 */
public record RunData(Path runDir, Map<String, NavigableMap<Integer, Double>> series, List<SampleRow> samples,
        String configYaml, Map<String, String> summary, int metricLines, List<String> notes) {

    public RunData {
        series = Collections.unmodifiableMap(new LinkedHashMap<>(series));
        samples = List.copyOf(samples);
        summary = Collections.unmodifiableMap(new LinkedHashMap<>(summary));
        notes = List.copyOf(notes);
    }

    /**
     * Reads a run directory; works on a run in progress.
     *
     * @throws Grpo4jException when the directory or its {@code metrics.jsonl} is missing, or a line
     *                         other than the last is not a JSON object with an integer step
     */
    public static RunData load(Path runDir) {
        if (!Files.exists(runDir)) {
            throw new Grpo4jException("run directory " + runDir + " does not exist (give the directory a"
                    + " grpo4j training run writes, the one holding " + RunFiles.METRICS + ")");
        }
        if (!Files.isDirectory(runDir)) {
            throw new Grpo4jException(runDir + " is not a directory (give the run directory that holds "
                    + RunFiles.METRICS + ", not a file in it)");
        }
        Path metricsFile = runDir.resolve(RunFiles.METRICS);
        if (!Files.isRegularFile(metricsFile)) {
            throw new Grpo4jException("no " + RunFiles.METRICS + " in " + runDir + " (a run directory holds "
                    + RunFiles.METRICS + ", " + RunFiles.SAMPLES + " and " + RunFiles.CONFIG
                    + "; did the run write its first step yet?)");
        }
        List<String> notes = new ArrayList<>();
        RunFiles.Read<MetricRow> metrics = RunFiles.readMetrics(metricsFile);
        notes.addAll(metrics.notes());
        RunFiles.Read<SampleRow> samples = RunFiles.readSamples(runDir.resolve(RunFiles.SAMPLES));
        notes.addAll(samples.notes());

        Map<String, NavigableMap<Integer, Double>> byKey = new TreeMap<>(MetricKeys.ORDER);
        for (MetricRow row : metrics.rows()) {
            row.values().forEach((key, v) -> {
                NavigableMap<Integer, Double> s = byKey.computeIfAbsent(key, k -> new TreeMap<>());
                if (Double.isFinite(v)) {
                    s.put(row.step(), v);
                } else {
                    s.remove(row.step()); // a later NaN replaces an earlier value of the same step
                }
            });
        }
        Map<String, NavigableMap<Integer, Double>> series = new LinkedHashMap<>();
        byKey.forEach((key, s) -> {
            if (s.isEmpty()) {
                notes.add("metric " + key + " has no finite value (only NaN/null)");
            } else {
                series.put(key, Collections.unmodifiableNavigableMap(s));
            }
        });
        return new RunData(runDir, series, samples.rows(), RunFiles.readTextOrNull(runDir.resolve(RunFiles.CONFIG)),
                readSummary(runDir.resolve(RunFiles.SUMMARY), notes), metrics.rows().size(), notes);
    }

    private static Map<String, String> readSummary(Path file, List<String> notes) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            JsonNode node = RunFiles.JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                notes.add(RunFiles.SUMMARY + " is not a JSON object; not shown");
                return out;
            }
            node.fields().forEachRemaining(e -> out.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
        } catch (IOException e) {
            // optional file: a broken one must not stop the report of an otherwise good run
            notes.add(RunFiles.SUMMARY + " could not be read: " + IoErrors.reason(e));
        }
        return out;
    }
}
