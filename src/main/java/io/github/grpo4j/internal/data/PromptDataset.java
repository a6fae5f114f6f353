package io.github.grpo4j.internal.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An in-memory list of prompts read from JSONL, JSON or CSV, or built from maps. Each row has a
 * plain-text prompt under {@code promptField} or a chat under {@code messagesField}, not both;
 * every other field is kept for the reward functions. A malformed row is a {@link Grpo4jException}
 * naming the file and line.
 *
 * <ul>
 *   <li>{@code .jsonl}: one JSON object per line; blank lines are skipped.</li>
 *   <li>{@code .json}: one JSON array of objects.</li>
 *   <li>{@code .csv}: a header row, then one record per row (RFC 4180 quoting, so a quoted cell
 *       may span lines). Every cell is a string; an empty cell counts as absent for the prompt and
 *       messages columns; a messages cell holds the chat as JSON text.</li>
 * </ul>
 */
public final class PromptDataset {
    /** Default field names, as TRL's standard and conversational formats. */
    public static final String PROMPT = "prompt";
    public static final String MESSAGES = "messages";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final String source;
    private final List<PromptRow> rows;

    private PromptDataset(String source, List<PromptRow> rows) {
        if (rows.isEmpty()) {
            throw new Grpo4jException(source + ": no rows; valid: at least one row with a prompt or messages");
        }
        this.source = source;
        this.rows = List.copyOf(rows);
    }

    /** Reads {@code file} with the default field names {@code prompt} and {@code messages}. */
    public static PromptDataset load(Path file) {
        return load(file, PROMPT, MESSAGES);
    }

    /**
     * Reads a JSONL, JSON or CSV file (by extension).
     *
     * @throws Grpo4jException naming file and line for a missing file, bad JSON/CSV, a row without a
     *                         prompt or messages or with both, values of the wrong type, or no rows
     */
    public static PromptDataset load(Path file, String promptField, String messagesField) {
        String name = file.toString();
        String lower = name.toLowerCase(Locale.ROOT);
        RowReader reader = new RowReader(name, promptField, messagesField);
        try {
            if (lower.endsWith(".jsonl")) {
                return new PromptDataset(name, readJsonl(file, reader));
            } else if (lower.endsWith(".json")) {
                return new PromptDataset(name, readJsonArray(file, reader));
            } else if (lower.endsWith(".csv")) {
                return new PromptDataset(name, readCsv(file, reader));
            }
        } catch (NoSuchFileException e) {
            throw new Grpo4jException("data file not found: " + file.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new Grpo4jException("cannot read data file " + name + ": " + IoErrors.reason(e), e);
        }
        throw new Grpo4jException(name + ": unknown data format; valid: a file ending in .jsonl, .json or .csv");
    }

    /**
     * A dataset from in-memory rows (for library users): each map is one row, checked like a JSONL
     * line; {@code line} in errors and rows is the 1-based position.
     */
    public static PromptDataset fromMaps(String source, Iterable<? extends Map<String, ?>> rows,
            String promptField, String messagesField) {
        RowReader reader = new RowReader(source, promptField, messagesField);
        List<PromptRow> out = new ArrayList<>();
        int position = 0;
        for (Map<String, ?> row : rows) {
            position++;
            if (row == null) {
                throw new Grpo4jException(source + ":" + position + ": row is null; valid: a map of fields");
            }
            out.add(reader.row(position, new LinkedHashMap<>(row), false));
        }
        return new PromptDataset(source, out);
    }

    /** {@link #fromMaps(String, Iterable, String, String)} with source "memory" and default field names. */
    public static PromptDataset fromMaps(Iterable<? extends Map<String, ?>> rows) {
        return fromMaps("memory", rows, PROMPT, MESSAGES);
    }

    /** A dataset of ready-made rows (e.g. from a built-in task). */
    public static PromptDataset of(String source, List<PromptRow> rows) {
        return new PromptDataset(source, rows);
    }

    /** File name (or source name) used in messages. */
    public String source() {
        return source;
    }

    public int size() {
        return rows.size();
    }

    /** Row {@code index} (0-based, file order). */
    public PromptRow row(int index) {
        return rows.get(index);
    }

    /** All rows in file order (unmodifiable). */
    public List<PromptRow> rows() {
        return rows;
    }

    /**
     * Checks that every row has field {@code name} with a non-null value (e.g. the {@code answer} a
     * reward compares against, or SFT's {@code completion}).
     *
     * @param usedBy who needs the field, for the message (e.g. "reward 'correct'")
     * @throws Grpo4jException naming the first row that lacks it
     */
    public void requireField(String name, String usedBy) {
        for (PromptRow r : rows) {
            if (r.field(name) == null) {
                throw new Grpo4jException(source + ":" + r.line() + ": row has no '" + name + "' field, which "
                        + usedBy + " needs; valid: every row has a non-null '" + name + "'; fields present: "
                        + String.join(", ", r.fields().keySet()));
            }
        }
    }

    // ---- readers

    private static List<PromptRow> readJsonl(Path file, RowReader reader) throws IOException {
        List<PromptRow> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new Grpo4jException(reader.source + ":" + line + ": not valid JSON: "
                            + e.getOriginalMessage().lines().findFirst().orElse("")
                            + "; valid: one JSON object per line");
                }
                if (!node.isObject()) {
                    throw new Grpo4jException(reader.source + ":" + line + ": expected a JSON object, got "
                            + kind(node) + "; valid: one JSON object per line, e.g. {\"prompt\": \"...\"}");
                }
                rows.add(reader.row(line, toMap(node), false));
            }
        }
        return rows;
    }

    private static List<PromptRow> readJsonArray(Path file, RowReader reader) throws IOException {
        List<PromptRow> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser p = JSON.createParser(in)) {
            try {
                JsonToken first = p.nextToken();
                if (first == null) {
                    return rows;
                }
                if (first != JsonToken.START_ARRAY) {
                    throw new Grpo4jException(reader.source + ":" + line(p) + ": expected a JSON array of "
                            + "objects; valid: [{\"prompt\": \"...\"}, ...] (or use .jsonl)");
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int line = line(p);
                    JsonNode node = JSON.readTree(p);
                    if (node == null || !node.isObject()) {
                        throw new Grpo4jException(reader.source + ":" + line + ": expected a JSON object, got "
                                + kind(node) + "; valid: an array of objects");
                    }
                    rows.add(reader.row(line, toMap(node), false));
                }
            } catch (JsonProcessingException e) {
                JsonLocation loc = e.getLocation();
                throw new Grpo4jException(reader.source + ":" + (loc == null ? "?" : loc.getLineNr())
                        + ": not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
        }
        return rows;
    }

    private static List<PromptRow> readCsv(Path file, RowReader reader) throws IOException {
        List<PromptRow> rows = new ArrayList<>();
        CsvMapper csv = new CsvMapper();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CsvParser p = csv.getFactory().createParser(in)) {
            p.setSchema(CsvSchema.emptySchema()); // read raw rows; the header is handled here
            p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            try {
                if (p.nextToken() == null) { // START_ARRAY of the whole file
                    return rows;
                }
                List<String> header = null;
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    int line = -1; // the row's first cell's line (START_ARRAY sits at the previous row's end)
                    List<String> cells = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (cells.isEmpty()) {
                            line = line(p);
                        }
                        cells.add(p.getText());
                    }
                    if (header == null) {
                        header = headerOf(cells, line, reader);
                        continue;
                    }
                    if (cells.size() == 1 && cells.get(0).isEmpty()) {
                        continue; // blank line
                    }
                    if (cells.size() != header.size()) {
                        throw new Grpo4jException(reader.source + ":" + line + ": row has " + cells.size()
                                + " columns, the header has " + header.size() + " (" + String.join(", ", header)
                                + "); valid: one cell per header column (quote cells that contain commas)");
                    }
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < header.size(); i++) {
                        map.put(header.get(i), cells.get(i));
                    }
                    rows.add(reader.row(line, map, true));
                }
            } catch (JsonProcessingException e) {
                JsonLocation loc = e.getLocation();
                throw new Grpo4jException(reader.source + ":" + (loc == null ? "?" : loc.getLineNr())
                        + ": not valid CSV: " + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
        }
        return rows;
    }

    private static List<String> headerOf(List<String> cells, int line, RowReader reader) {
        List<String> header = new ArrayList<>();
        for (String c : cells) {
            String name = (header.isEmpty() && c.startsWith("\uFEFF") ? c.substring(1) : c).trim(); // Excel's BOM
            if (header.contains(name)) {
                throw new Grpo4jException(reader.source + ":" + line + ": duplicate column '" + name
                        + "' in the header; valid: distinct column names");
            }
            header.add(name);
        }
        if (!header.contains(reader.promptField) && !header.contains(reader.messagesField)) {
            throw new Grpo4jException(reader.source + ":" + line + ": no '" + reader.promptField + "' or '"
                    + reader.messagesField + "' column; columns: " + String.join(", ", header)
                    + "; valid: a header row naming a prompt column (data.prompt_field) or a messages column "
                    + "(data.messages_field)");
        }
        return header;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static Map<String, Object> toMap(JsonNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(node, LinkedHashMap.class);
        return map;
    }

    static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonNode n) {
            return n.isNull() ? "null" : n.isArray() ? "an array" : n.isObject() ? "an object"
                    : n.isTextual() ? "a string" : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : "a value";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number (" + value + ")";
        }
        if (value instanceof Boolean) {
            return "a boolean (" + value + ")";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Map) {
            return "an object";
        }
        return value.getClass().getSimpleName();
    }

    /** Turns one parsed row (a map of fields) into a {@link PromptRow}, checking it. */
    private static final class RowReader {
        final String source;
        final String promptField;
        final String messagesField;

        RowReader(String source, String promptField, String messagesField) {
            this.source = source;
            this.promptField = promptField;
            this.messagesField = messagesField;
        }

        PromptRow row(int line, Map<String, Object> map, boolean csv) {
            String where = source + ":" + line;
            Object prompt = map.remove(promptField);
            Object messages = map.remove(messagesField);
            if (csv) {
                // Both columns may exist; a row uses one and leaves the other cell empty.
                prompt = "".equals(prompt) ? null : prompt;
                messages = "".equals(messages) ? null : messages;
            }
            if (prompt == null && messages == null) {
                throw new Grpo4jException(where + ": row has neither '" + promptField + "' nor '" + messagesField
                        + "'; valid: a plain-text prompt under '" + promptField + "' or a chat under '"
                        + messagesField + "'; fields present: " + String.join(", ", map.keySet()));
            }
            if (prompt != null && messages != null) {
                throw new Grpo4jException(where + ": row has both '" + promptField + "' and '" + messagesField
                        + "'; valid: only one of them");
            }
            if (prompt != null) {
                if (!(prompt instanceof String s)) {
                    throw new Grpo4jException(where + ": '" + promptField + "' must be a string, got " + kind(prompt)
                            + "; for a chat use '" + messagesField + "'");
                }
                if (s.isEmpty()) {
                    throw new Grpo4jException(where + ": '" + promptField + "' is empty; valid: a non-empty string");
                }
                return new PromptRow(line, s, null, map);
            }
            if (csv && messages instanceof String text) {
                try {
                    messages = JSON.readValue(text, Object.class);
                } catch (JsonProcessingException e) {
                    throw new Grpo4jException(where + ": '" + messagesField + "' is not valid JSON ("
                            + e.getOriginalMessage().lines().findFirst().orElse("")
                            + "); valid: a JSON list of {\"role\": ..., \"content\": ...} in the cell");
                }
            }
            return new PromptRow(line, null, checkMessages(where, messages), map);
        }

        private List<Map<String, Object>> checkMessages(String where, Object messages) {
            String valid = "; valid: a non-empty list of {\"role\": \"system\"|\"user\"|\"assistant\"|..., \"content\": \"text\"}";
            if (!(messages instanceof List<?> list)) {
                throw new Grpo4jException(where + ": '" + messagesField + "' must be a list, got " + kind(messages) + valid);
            }
            if (list.isEmpty()) {
                throw new Grpo4jException(where + ": '" + messagesField + "' is empty" + valid);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = where + ": " + messagesField + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    throw new Grpo4jException(at + " must be an object, got " + kind(list.get(i)) + valid);
                }
                if (!(m.get("role") instanceof String role) || role.isEmpty()) {
                    throw new Grpo4jException(at + ".role must be a non-empty string, got " + kind(m.get("role")) + valid);
                }
                if (!(m.get("content") instanceof String)) {
                    throw new Grpo4jException(at + ".content must be a string, got " + kind(m.get("content")) + valid);
                }
                Map<String, Object> copy = new LinkedHashMap<>();
                m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                out.add(Collections.unmodifiableMap(copy));
            }
            return out;
        }
    }
}
