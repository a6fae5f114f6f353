package io.github.grpo4j.internal.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a run directory and how to read them. The trainer writes them through
 * {@code train.MetricsLog}; the report and a resumed trainer read them here.
 *
 * <p>Reading tolerates what a run in progress or a killed run leaves behind: the last line may be
 * cut off (no newline, not valid JSON), and is then skipped with a note. A bad line anywhere else is
 * a {@link Grpo4jException} naming the file and line, since something other than a kill wrote it.
 */
public final class RunFiles {
    private RunFiles() {}

    /** One JSON object per line, one line per training step, plus evaluation lines. */
    public static final String METRICS = "metrics.jsonl";
    /** Sampled completions with their rewards, a few lines per step. */
    public static final String SAMPLES = "samples.jsonl";
    /** The resolved configuration of the run, as YAML text. */
    public static final String CONFIG = "config.yaml";
    /** Optional end-of-run summary, a JSON object (e.g. accuracy_before, accuracy_after, seconds). */
    public static final String SUMMARY = "summary.json";

    static final ObjectMapper JSON = new ObjectMapper();

    /** The lines of a metrics file and the notes reading it produced (e.g. a skipped cut-off line). */
    public record Read<T>(List<T> rows, List<String> notes) {
        public Read {
            rows = List.copyOf(rows);
            notes = List.copyOf(notes);
        }
    }

    /** Reads {@code metrics.jsonl}; a missing file reads as no rows. */
    public static Read<MetricRow> readMetrics(Path file) {
        List<MetricRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        forEachObject(file, notes, (line, obj) -> rows.add(metricRow(file, line, obj)));
        return new Read<>(rows, notes);
    }

    /** Reads {@code samples.jsonl}; a missing file reads as no rows. */
    public static Read<SampleRow> readSamples(Path file) {
        List<SampleRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        forEachObject(file, notes, (line, obj) -> rows.add(sampleRow(file, line, obj)));
        return new Read<>(rows, notes);
    }

    /**
     * The step of one line, or -1 when the line is not a JSON object with an integer {@code step}
     * (a cut-off line). Used by the writer to drop lines after a resumed step.
     */
    public static int stepOf(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() && n.path("step").canConvertToExactIntegral()
                    ? n.path("step").intValue() : -1;
        } catch (JsonProcessingException e) {
            return -1;
        }
    }

    private interface LineHandler {
        void accept(int lineNumber, JsonNode obj);
    }

    private static void forEachObject(Path file, List<String> notes, LineHandler handler) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        String text;
        try {
            // one read: a consistent snapshot even while the trainer appends
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        String[] lines = text.split("\n", -1);
        // split leaves "" after a final newline; a non-empty last piece is a line still being written
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean last = i == lines.length - 1;
            JsonNode obj;
            try {
                obj = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                obj = null;
            }
            if (obj == null || !obj.isObject()) {
                if (last) {
                    notes.add(file.getFileName() + ":" + (i + 1)
                            + ": skipped a cut-off last line (run in progress or killed while writing)");
                    continue;
                }
                throw new Grpo4jException(file + ":" + (i + 1) + ": not a JSON object: "
                        + abbreviate(line) + " (each line must be one JSON object such as {\"step\": 1, ...})");
            }
            handler.accept(i + 1, obj);
        }
    }

    private static int step(Path file, int line, JsonNode obj) {
        JsonNode s = obj.get("step");
        if (s == null || !s.canConvertToExactIntegral() || s.intValue() < 0) {
            throw new Grpo4jException(file + ":" + line + ": field \"step\" is "
                    + (s == null ? "missing" : s.toString()) + "; it must be a non-negative integer");
        }
        return s.intValue();
    }

    private static MetricRow metricRow(Path file, int line, JsonNode obj) {
        int step = step(file, line, obj);
        Map<String, Double> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("step")) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isNumber()) {
                values.put(e.getKey(), v.doubleValue());
            } else if (v.isNull()) {
                values.put(e.getKey(), Double.NaN); // the writer stores NaN and ±inf as null
            }
            // strings, booleans, objects: not metrics; ignored so other tools may add annotations
        }
        return new MetricRow(step, values);
    }

    private static SampleRow sampleRow(Path file, int line, JsonNode obj) {
        int step = step(file, line, obj);
        Map<String, Double> rewards = new LinkedHashMap<>();
        JsonNode rs = obj.path("rewards");
        if (rs.isObject()) {
            rs.fields().forEachRemaining(e -> rewards.put(e.getKey(), number(e.getValue())));
        }
        JsonNode conv = obj.get("conversation");
        List<Map<String, Object>> conversation = conv != null && conv.isArray()
                ? JSON.convertValue(conv, new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() {})
                : null;
        return new SampleRow(step, text(obj.get("prompt")), text(obj.get("completion")),
                number(obj.path("reward")), rewards, conversation);
    }

    private static double number(JsonNode n) {
        return n != null && n.isNumber() ? n.doubleValue() : Double.NaN;
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return "";
        }
        return n.isTextual() ? n.textValue() : n.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** Reads a whole text file, or returns null when it does not exist. */
    static String readTextOrNull(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            // lenient decoding: a stray byte in a config must not stop the report
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
    }

    /**
     * A temporary name beside {@code file}, unique to this process and thread, to write a file whole
     * and then move it into place (a report command and the trainer may write the same report at once).
     */
    public static Path tempSibling(Path file) {
        return file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
    }
}
