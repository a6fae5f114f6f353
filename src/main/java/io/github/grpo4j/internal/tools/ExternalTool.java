package io.github.grpo4j.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.process.LineProcess;
import io.github.grpo4j.internal.reward.ExternalReward;
import io.github.grpo4j.internal.reward.Params;
import io.github.grpo4j.tools.Tool;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: external}: a tool served by a long-lived process in any language, over JSON lines.
 * For each call grpo4j writes {@code {"name": "...", "arguments": {...}}} on one line of its stdin and
 * reads one line back: {@code {"content": "..."}} (the result) or {@code {"error": "..."}} (a failed
 * call). No reply within {@code timeout_s}, a process that exits, and a malformed reply make the call
 * fail (the process is killed; the next call starts a fresh one), as for external rewards.
 *
 * <p>Parameters: {@code command}, {@code args}, {@code timeout_s} (30), {@code cwd}, {@code env} as for
 * external rewards; {@code description} and {@code parameters} (the JSON schema of the arguments) for the
 * chat template.
 */
public final class ExternalTool implements Tool {
    static final List<String> PARAMS = List.of("command", "args", "timeout_s", "cwd", "env", "description",
            "parameters");

    private final String name;
    private final String description;
    private final Map<String, Object> parameters;
    private final LineProcess process;

    /**
     * @param name        the tool's name
     * @param description what it does, for the model
     * @param parameters  JSON schema of its arguments
     * @param process     the process serving it
     */
    public ExternalTool(String name, String description, Map<String, Object> parameters, LineProcess process) {
        this.name = name;
        this.description = description;
        this.parameters = parameters;
        this.process = process;
    }

    /** Builds it from config parameters. */
    @SuppressWarnings("unchecked")
    public static ExternalTool create(String name, Params p) {
        String cwd = p.string("cwd", null);
        LineProcess process = new LineProcess("tool '" + name + "'", ExternalReward.command(p),
                ExternalReward.timeout(p, 30), cwd == null ? null : Path.of(cwd), p.stringMap("env"));
        Object schema = p.has("parameters") ? p.raw("parameters") : Map.of("type", "object", "properties", Map.of());
        if (!(schema instanceof Map)) {
            throw p.invalid("parameters", "must be a JSON schema object, e.g. {type: object, properties: {...}}");
        }
        return new ExternalTool(name, p.string("description", ""), (Map<String, Object>) schema, process);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    @Override
    public String call(Map<String, Object> arguments) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", name);
        req.put("arguments", arguments);
        LineProcess.JsonReply r = process.requestJson(req, "tool '" + name + "'", "call",
                "raise 'timeout_s' if the tool is slow");
        JsonNode reply = r.json();
        if (reply == null || !reply.isObject() || !reply.has("content")) {
            process.kill(); // the stream may be out of step with our calls
            throw new Grpo4jException("tool '" + name + "' (external " + process.command() + "): malformed reply '"
                    + r.shown() + "'; expected one JSON object per line, {\"content\": ...} or {\"error\": ...}"
                    + " (print logs to stderr, not stdout)");
        }
        JsonNode content = reply.get("content");
        return content.isTextual() ? content.asText() : content.toString();
    }

    /** Whether the process is running now (for tests). */
    public boolean isRunning() {
        return process.isRunning();
    }

    @Override
    public void close() {
        process.close();
    }
}
