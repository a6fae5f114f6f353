package io.github.grpo4j.internal.tools;

import java.util.Map;

/**
 * A tool call parsed from a model turn. A call the parser could not read ({@code error} set) still
 * counts as a call, and as a failed one.
 *
 * @param name      the tool's name, or null when unreadable
 * @param arguments the arguments object, empty when unreadable
 * @param error     why the call could not be read, or null
 */
public record ToolCall(String name, Map<String, Object> arguments, String error) {

    /** A well-formed call. */
    public static ToolCall of(String name, Map<String, Object> arguments) {
        return new ToolCall(name, Map.copyOf(arguments), null);
    }

    /** A call that could not be read. */
    public static ToolCall malformed(String error) {
        return new ToolCall(null, Map.of(), error);
    }
}
