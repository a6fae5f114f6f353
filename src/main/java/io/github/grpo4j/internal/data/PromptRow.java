package io.github.grpo4j.internal.data;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One prompt of a dataset: either plain text ({@code prompt}) or a chat ({@code messages}, a list of
 * {@code {role, content}} maps rendered later with the tokenizer's chat template), plus every other
 * field of the row (e.g. {@code answer}) for the reward functions.
 *
 * @param line     1-based line of the row in its file (for CSV, the line the record starts on); for
 *                 rows not read from a file, the 1-based position in the source
 * @param prompt   plain-text prompt, or null for a chat row
 * @param messages chat messages, or null for a plain-text row
 * @param fields   the row's other fields, in file order (JSON values: String, Integer, Long, Double,
 *                 Boolean, null, List, Map; CSV values: String)
 */
public record PromptRow(int line, String prompt, List<Map<String, Object>> messages, Map<String, Object> fields) {

    public PromptRow {
        if ((prompt == null) == (messages == null)) {
            throw new Grpo4jException("row " + line + ": exactly one of prompt and messages must be set");
        }
        messages = messages == null ? null : messages.stream().map(PromptRow::copy).toList();
        fields = copy(fields);
    }

    /** A plain-text row with no other fields (tests, examples). */
    public static PromptRow of(String prompt) {
        return new PromptRow(1, prompt, null, Map.of());
    }

    /** A plain-text row with extra fields (e.g. a built-in task's {@code answer}); line 1. */
    public static PromptRow of(String prompt, Map<String, Object> fields) {
        return new PromptRow(1, prompt, null, fields);
    }

    /** Whether this is a chat row ({@link #messages()} set). */
    public boolean isChat() {
        return messages != null;
    }

    /** The value of field {@code name} (null when absent or null; see {@link #hasField}). */
    public Object field(String name) {
        return fields.get(name);
    }

    /** Whether the row has a field {@code name} (its value may be null). */
    public boolean hasField(String name) {
        return fields.containsKey(name);
    }

    /**
     * The text the model is prompted with: the plain prompt, or the messages rendered by the
     * tokenizer's chat template with the generation prompt added (TRL's conversational format).
     */
    public String render(Tokenizer tokenizer) {
        return isChat() ? tokenizer.applyChatTemplate(messages, true) : prompt;
    }

    /** A one-line description for logs and samples: the prompt, or the last message's content. */
    public String summary() {
        return isChat() ? String.valueOf(messages.get(messages.size() - 1).get("content")) : prompt;
    }

    private static Map<String, Object> copy(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
