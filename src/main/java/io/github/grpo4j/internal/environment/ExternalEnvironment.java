package io.github.grpo4j.internal.environment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.process.LineProcess;
import io.github.grpo4j.internal.reward.ExternalReward;
import io.github.grpo4j.internal.reward.Params;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code environment.type: external}: episodes served by one long-lived process in any language, over
 * JSON lines. Each episode has an id, unique within the run. grpo4j writes one line per call and reads
 * one line back:
 * <pre>
 * {"episode": 3, "reset": {...the dataset row...}}   →  {"messages": [{"role": "user", "content": "..."}]}
 * {"episode": 3, "step": "the model's turn"}          →  {"messages": [...], "reward": 0.5, "done": false}
 * </pre>
 * {@code messages} may be left out (none), {@code reward} too (none), {@code done} defaults to false;
 * {@code {"error": "..."}} fails the call. No reply within {@code timeout_s}, a process that exits, and a
 * malformed reply fail the call (the process is killed; the next call starts a fresh one), as for
 * external tools and rewards. A failed call ends its episode.
 *
 * <p>Parameters: {@code command}, {@code args}, {@code timeout_s} (30), {@code cwd}, {@code env}.
 */
public final class ExternalEnvironment implements Supplier<Environment>, AutoCloseable {
    static final List<String> PARAMS = List.of("command", "args", "timeout_s", "cwd", "env");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LineProcess process;
    private final AtomicLong ids = new AtomicLong();

    /** @param process the process serving the episodes */
    public ExternalEnvironment(LineProcess process) {
        this.process = process;
    }

    /** Builds it from config parameters. */
    public static ExternalEnvironment create(Params p) {
        String cwd = p.string("cwd", null);
        return new ExternalEnvironment(new LineProcess("environment", ExternalReward.command(p),
                ExternalReward.timeout(p, 30), cwd == null ? null : Path.of(cwd), p.stringMap("env")));
    }

    /** {@return a new episode, with the next id} */
    @Override
    public Environment get() {
        long id = ids.getAndIncrement();
        return new Environment() {
            @Override
            public List<Map<String, Object>> reset(Map<String, Object> row) {
                return request(id, "reset", row).messages();
            }

            @Override
            public Step step(String message) {
                return request(id, "step", message);
            }
        };
    }

    private Environment.Step request(long id, String op, Object value) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("episode", id);
        req.put(op, value);
        LineProcess.JsonReply r = process.requestJson(req, "environment", op, "raise 'timeout_s' if it is slow");
        JsonNode reply = r.json();
        String problem = reply == null || !reply.isObject() ? "not a JSON object" : problem(reply);
        if (problem != null) {
            process.kill(); // the stream may be out of step with our calls
            throw new Grpo4jException("environment (external " + process.command() + "): malformed reply to a " + op
                    + " '" + r.shown() + "': " + problem + "; expected one JSON object per line, {\"messages\": [...], "
                    + "\"reward\": ..., \"done\": ...} or {\"error\": ...} (print logs to stderr, not stdout)");
        }
        List<Map<String, Object>> messages = reply.has("messages")
                ? JSON.convertValue(reply.get("messages"), new TypeReference<List<Map<String, Object>>>() {})
                : List.of();
        JsonNode reward = reply.get("reward");
        return new Environment.Step(messages, reward == null || reward.isNull() ? null : reward.asDouble(),
                reply.has("done") && reply.get("done").asBoolean());
    }

    /** What is wrong with a reply object, or null. */
    private static String problem(JsonNode reply) {
        JsonNode m = reply.get("messages");
        if (m != null && !m.isNull()) {
            if (!m.isArray()) {
                return "'messages' is not a list";
            }
            for (JsonNode msg : m) {
                if (!msg.isObject() || !msg.has("role") || !msg.has("content")) {
                    return "a message is not an object with 'role' and 'content'";
                }
            }
        }
        JsonNode r = reply.get("reward");
        if (r != null && !r.isNull() && !r.isNumber()) {
            return "'reward' is not a number";
        }
        JsonNode d = reply.get("done");
        if (d != null && !d.isBoolean()) {
            return "'done' is not true or false";
        }
        return null;
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
