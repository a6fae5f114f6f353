package io.github.grpo4j.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.config.CallFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model writes tool calls in its turns, and how to read them back.
 * <ul>
 *   <li>{@link #HERMES} (Qwen2.5, Qwen3, Hermes, and the built-in task):
 *       {@code <tool_call>{"name": "calculator", "arguments": {"expression": "2*3"}}</tool_call>}; a turn
 *       ends at the first completed call ({@code </tool_call>} is a stop string).</li>
 *   <li>{@link #LLAMA3} (Llama 3.1 / 3.2 JSON tool calling): the whole turn is one JSON object
 *       {@code {"name": "calculator", "parameters": {...}}} (optionally after {@code <|python_tag|>}); the
 *       turn ends at EOS as usual.</li>
 * </ul>
 * A call whose JSON does not parse, lacks a name, or has arguments that are not an object is returned
 * as a malformed {@link ToolCall}, never thrown.
 */
public enum ToolCallFormat implements ToolCallParser {
    /** {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}. */
    HERMES,
    /** A bare JSON object {@code {"name": ..., "parameters": ...}}. */
    LLAMA3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HERMES_CALL = Pattern.compile("<tool_call>(.*?)(</tool_call>|$)", Pattern.DOTALL);

    /**
     * The format the config names: {@code hermes}, {@code llama3}, or {@code auto} (from the chat template's
     * source: {@link #detect}).
     */
    public static ToolCallFormat of(CallFormat format, String chatTemplateSource) {
        return switch (format) {
            case AUTO -> detect(chatTemplateSource);
            case HERMES -> HERMES;
            case LLAMA3 -> LLAMA3;
        };
    }

    /**
     * The format a chat template teaches: Llama 3's when it mentions {@code <|python_tag|>} or the
     * {@code ipython} role, else Hermes (what Qwen's templates and a template-less model use).
     */
    public static ToolCallFormat detect(String chatTemplateSource) {
        if (chatTemplateSource != null && !chatTemplateSource.contains("<tool_call>")
                && (chatTemplateSource.contains("<|python_tag|>") || chatTemplateSource.contains("ipython"))) {
            return LLAMA3;
        }
        return HERMES;
    }

    @Override
    public List<String> stopStrings() {
        return this == HERMES ? List.of("</tool_call>") : List.of();
    }

    @Override
    public List<ToolCall> parseCalls(String turn) {
        return this == HERMES ? hermes(turn) : llama3(turn);
    }

    private static List<ToolCall> hermes(String turn) {
        List<ToolCall> out = new ArrayList<>();
        Matcher m = HERMES_CALL.matcher(turn);
        while (m.find()) {
            if (m.group(2).isEmpty()) {
                out.add(ToolCall.malformed("<tool_call> without </tool_call>"));
                break;
            }
            out.add(fromJson(m.group(1).strip(), "arguments"));
        }
        return out;
    }

    private static List<ToolCall> llama3(String turn) {
        String t = turn.strip();
        if (t.startsWith("<|python_tag|>")) {
            t = t.substring("<|python_tag|>".length()).strip();
        }
        if (!t.startsWith("{")) {
            return List.of();
        }
        return List.of(fromJson(t, "parameters"));
    }

    /** A call from its JSON object; {@code argumentsKey} is tried first, then the other usual key. */
    private static ToolCall fromJson(String json, String argumentsKey) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            return ToolCall.malformed("tool call is not valid JSON: " + shorten(json));
        }
        if (node == null || !node.isObject()) {
            return ToolCall.malformed("tool call is not a JSON object: " + shorten(json));
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            return ToolCall.malformed("tool call has no \"name\": " + shorten(json));
        }
        JsonNode args = node.has(argumentsKey) ? node.get(argumentsKey)
                : node.get(argumentsKey.equals("arguments") ? "parameters" : "arguments");
        if (args != null && args.isTextual()) { // some models write the arguments as a JSON string
            try {
                args = JSON.readTree(args.asText());
            } catch (IOException e) {
                return ToolCall.malformed("tool call arguments are not a JSON object: " + shorten(json));
            }
        }
        if (args == null || args.isNull()) {
            return ToolCall.of(name.asText(), Map.of());
        }
        if (!args.isObject()) {
            return ToolCall.malformed("tool call arguments are not a JSON object: " + shorten(json));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(args, Map.class);
        return ToolCall.of(name.asText(), map);
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
