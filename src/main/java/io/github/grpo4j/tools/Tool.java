package io.github.grpo4j.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A function the policy can call in the middle of an episode.
 *
 * <p>{@link #call} receives the arguments the model wrote (a JSON object, as a map) and returns the
 * result text the model will see. Throwing is how a tool reports an error: the run catches it, counts
 * a failure ({@code tools/failure_frequency}) and shows the model {@code error: <message>} as the
 * tool's result, so a bad call never stops training. Tools that hold resources release them in
 * {@link #close()}.
 */
public interface Tool extends AutoCloseable {

    /** {@return the name the model calls the tool by; unique within a run} */
    String name();

    /** {@return what the tool does, for the model (shown by the chat template)} */
    String description();

    /**
     * {@return the JSON schema of the arguments object, e.g.
     * {@code {"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}}}
     */
    Map<String, Object> parameters();

    /**
     * Runs the tool.
     *
     * @param arguments the arguments object the model wrote; never null, may be empty
     * @return the result text given back to the model
     * @throws Exception for any error; its message is shown to the model and the call counts as failed
     */
    String call(Map<String, Object> arguments) throws Exception;

    /** Releases resources (a child process, say). The default does nothing. */
    @Override
    default void close() {}

    /**
     * {@return the tool as transformers hands it to a chat template:
     * {@code {"type": "function", "function": {"name", "description", "parameters"}}}}
     */
    default Map<String, Object> schema() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name());
        function.put("description", description());
        function.put("parameters", parameters());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "function");
        out.put("function", function);
        return out;
    }

    /**
     * A tool from a lambda.
     *
     * @param name        the name the model calls it by
     * @param description what it does
     * @param parameters  the JSON schema of its arguments (give a {@code LinkedHashMap} for a fixed key order in
     *                    prompts)
     * @param fn          arguments to result text; throwing reports an error to the model
     * @return the tool
     */
    static Tool of(String name, String description, Map<String, Object> parameters,
            Function<Map<String, Object>, String> fn) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fn, "fn");
        // kept in its order (a LinkedHashMap stays one): the template writes it into prompts in that order
        Map<String, Object> schema = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        return new Tool() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description == null ? "" : description;
            }

            @Override
            public Map<String, Object> parameters() {
                return schema;
            }

            @Override
            public String call(Map<String, Object> arguments) {
                return fn.apply(arguments);
            }
        };
    }
}
