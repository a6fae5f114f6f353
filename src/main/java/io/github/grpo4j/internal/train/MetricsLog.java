package io.github.grpo4j.internal.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import io.github.grpo4j.internal.report.MetricKeys;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import io.github.grpo4j.internal.report.SampleRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Append-only writer of a run directory's logs: {@code metrics.jsonl} (one JSON object per step,
 * {@code step} first, then the metrics in {@link MetricKeys#ORDER}), {@code samples.jsonl}, plus
 * {@code config.yaml} and {@code summary.json}.
 *
 * <p>Every line is written with one append and the file closed again, so a report made while the run
 * goes on sees every finished step, and a killed run loses at most the line being written. Opening a
 * run directory repairs such a cut-off last line, and {@link #truncateAfter(int)} drops the lines a
 * resumed run will write again. NaN and infinite values are written as JSON {@code null}.
 */
public final class MetricsLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Integral values below this are written without ".0" (counts such as num_tokens); 2^53. */
    private static final double EXACT_LONG_LIMIT = 9_007_199_254_740_992.0;

    private final Path runDir;
    private final Path metricsFile;
    private final Path samplesFile;
    private final List<BiConsumer<Integer, Map<String, Double>>> mirrors = new ArrayList<>();

    private MetricsLog(Path runDir) {
        this.runDir = runDir;
        this.metricsFile = runDir.resolve(RunFiles.METRICS);
        this.samplesFile = runDir.resolve(RunFiles.SAMPLES);
    }

    /**
     * Opens {@code runDir} for appending, creating it when missing. Existing lines are kept (use
     * {@link #resume} or {@link #truncateAfter} when continuing from a checkpoint); a last line cut off
     * by a kill is removed so the next line starts on a line of its own.
     */
    public static MetricsLog open(Path runDir) {
        Objects.requireNonNull(runDir, "runDir");
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new Grpo4jException("cannot create run directory " + runDir + ": " + IoErrors.reason(e), e);
        }
        MetricsLog log = new MetricsLog(runDir);
        log.repairTail(log.metricsFile);
        log.repairTail(log.samplesFile);
        return log;
    }

    /**
     * Opens {@code runDir} for a run resumed from the checkpoint of {@code step}: lines of later steps
     * (written after that checkpoint by the run that stopped) are dropped, as the resumed run redoes them.
     */
    public static MetricsLog resume(Path runDir, int step) {
        MetricsLog log = open(runDir);
        log.truncateAfter(step);
        return log;
    }

    /**
     * Also hands every metrics line to {@code sink} (step and the metrics in {@link MetricKeys#ORDER},
     * null values left out), after it is written to {@code metrics.jsonl}: e.g. a TensorBoard writer.
     */
    public synchronized MetricsLog mirrorTo(BiConsumer<Integer, Map<String, Double>> sink) {
        mirrors.add(Objects.requireNonNull(sink, "sink"));
        return this;
    }

    /**
     * Opens {@code runDir} for a run that starts at step 0: lines (and a {@code summary.json}) left by an
     * earlier attempt that stopped before its first checkpoint are removed, as the run redoes all of it.
     */
    public static MetricsLog startOver(Path runDir) {
        MetricsLog log = open(runDir);
        try {
            Files.deleteIfExists(log.metricsFile);
            Files.deleteIfExists(log.samplesFile);
            Files.deleteIfExists(runDir.resolve(RunFiles.SUMMARY));
        } catch (IOException e) {
            throw new Grpo4jException("cannot remove the logs of the earlier attempt in " + runDir + ": "
                    + e.getMessage(), e);
        }
        return log;
    }

    /** The run directory this log writes to. */
    public Path runDir() {
        return runDir;
    }

    /** The {@code metrics.jsonl} file. */
    public Path metricsFile() {
        return metricsFile;
    }

    /** The {@code samples.jsonl} file. */
    public Path samplesFile() {
        return samplesFile;
    }

    /**
     * Appends one line {@code {"step": step, ...metrics}}; keys in {@link MetricKeys#ORDER} whatever the
     * map's order, so lines of different steps read alike. Use keys starting with {@code eval/} for
     * evaluation lines. NaN / ±inf become {@code null}; a null map value is left out.
     *
     * @throws IllegalArgumentException for a negative step or a blank key or a key named "step"
     */
    public synchronized void append(int step, Map<String, Double> metrics) {
        requireStep(step);
        ObjectNode line = JSON.createObjectNode();
        line.put("step", step);
        Map<String, Double> ordered = new LinkedHashMap<>();
        metrics.keySet().stream().sorted(MetricKeys.ORDER).forEach(key -> {
            if (key == null || key.isBlank() || key.equals("step")) {
                throw new IllegalArgumentException("bad metric name: " + key);
            }
            Double v = metrics.get(key);
            if (v != null) {
                putNumber(line, key, v);
                ordered.put(key, v);
            }
        });
        appendLines(metricsFile, List.of(line));
        for (BiConsumer<Integer, Map<String, Double>> mirror : mirrors) {
            mirror.accept(step, ordered);
        }
    }

    /**
     * Appends sample completions, one line each: {@code {"step", "prompt", "completion", "reward", "rewards"}},
     * and for a multi-turn episode {@code "conversation"} (its messages).
     */
    public synchronized void appendSamples(Collection<SampleRow> samples) {
        List<ObjectNode> lines = new ArrayList<>(samples.size());
        for (SampleRow s : samples) {
            requireStep(s.step());
            ObjectNode line = JSON.createObjectNode();
            line.put("step", s.step());
            line.put("prompt", s.prompt());
            line.put("completion", s.completion());
            putNumber(line, "reward", s.reward());
            ObjectNode rewards = line.putObject("rewards");
            s.rewards().forEach((fn, r) -> putNumber(rewards, fn, r == null ? Double.NaN : r));
            if (s.conversation() != null) {
                line.set("conversation", JSON.valueToTree(s.conversation()));
            }
            lines.add(line);
        }
        appendLines(samplesFile, lines);
    }

    /**
     * Drops every line of {@code metrics.jsonl} and {@code samples.jsonl} whose step is greater than
     * {@code step} (and any cut-off line). The files are rewritten beside and moved into place, so a
     * crash here leaves either the old or the new file.
     */
    public synchronized void truncateAfter(int step) {
        requireStep(step);
        keepUpTo(metricsFile, step);
        keepUpTo(samplesFile, step);
    }

    /** The metric lines written so far (a cut-off last line skipped). */
    public List<MetricRow> metrics() {
        return RunFiles.readMetrics(metricsFile).rows();
    }

    /** The sample lines written so far (a cut-off last line skipped). */
    public List<SampleRow> samples() {
        return RunFiles.readSamples(samplesFile).rows();
    }

    /** The largest step in {@code metrics.jsonl}, or 0 when it has no lines. */
    public int lastStep() {
        return metrics().stream().mapToInt(MetricRow::step).max().orElse(0);
    }

    /** Writes the resolved configuration to {@code config.yaml}, replacing any earlier one. */
    public void writeConfig(String yaml) {
        writeAtomically(runDir.resolve(RunFiles.CONFIG), yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code summary.json} (e.g. accuracy_before, accuracy_after, seconds); NaN becomes null. */
    public void writeSummary(Map<String, ?> summary) {
        ObjectNode node = PRETTY.createObjectNode();
        summary.forEach((k, v) -> {
            if (v instanceof Number n && !(v instanceof Integer || v instanceof Long)) {
                putNumber(node, k, n.doubleValue());
            } else {
                node.set(k, PRETTY.valueToTree(v));
            }
        });
        try {
            writeAtomically(runDir.resolve(RunFiles.SUMMARY), PRETTY.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new Grpo4jException("cannot write " + runDir.resolve(RunFiles.SUMMARY) + ": " + IoErrors.reason(e), e);
        }
    }

    private static void requireStep(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }

    private static void putNumber(ObjectNode node, String key, double v) {
        if (!Double.isFinite(v)) {
            node.putNull(key); // JSON has no NaN; readers turn null back into NaN
        } else if (v == Math.rint(v) && Math.abs(v) < EXACT_LONG_LIMIT && !(v == 0 && 1 / v < 0)) {
            node.put(key, (long) v);
        } else {
            node.put(key, v);
        }
    }

    private static void appendLines(Path file, List<ObjectNode> lines) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        try {
            for (ObjectNode line : lines) {
                sb.append(JSON.writeValueAsString(line)).append('\n');
            }
            // one write in append mode, then close: the data is in the file when this returns
            Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new Grpo4jException("cannot append to " + file + ": " + IoErrors.reason(e), e);
        }
    }

    /** Ends the file at its last newline when what follows it is not a whole JSON line. */
    private void repairTail(Path file) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            byte[] all = Files.readAllBytes(file);
            if (all[all.length - 1] == '\n') {
                return;
            }
            int lastNewline = all.length - 1;
            while (lastNewline >= 0 && all[lastNewline] != '\n') {
                lastNewline--;
            }
            String tail = new String(all, lastNewline + 1, all.length - lastNewline - 1, StandardCharsets.UTF_8);
            if (RunFiles.stepOf(tail) >= 0) {
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size); // whole line, only its newline missing
            } else {
                ch.truncate(lastNewline + 1);
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot repair " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private static void keepUpTo(Path file, int step) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            StringBuilder kept = new StringBuilder();
            // decode leniently: a kill can cut a multi-byte character in half
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                int s = RunFiles.stepOf(line);
                if (s >= 0 && s <= step) {
                    kept.append(line).append('\n');
                }
            }
            writeAtomically(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Grpo4jException("cannot rewrite " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private static void writeAtomically(Path file, byte[] bytes) {
        Path tmp = RunFiles.tempSibling(file);
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // reporting the first failure matters more
            }
            throw new Grpo4jException("cannot write " + file + ": " + IoErrors.reason(e), e);
        }
    }
}
