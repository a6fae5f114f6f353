package io.github.grpo4j.internal.reward;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.process.LineProcess;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code external}: a reward computed by a long-lived process written in any language.
 *
 * <h2>Protocol (JSON lines over stdin/stdout, UTF-8)</h2>
 * For each batch grpo4j writes <em>one line</em> to the process's stdin:
 * <pre>{"prompts":["..",..],"completions":["..",..],"rows":[{..},..],"completion_tokens":[12,..],"truncated":[false,..]}</pre>
 * (all arrays of the same length N, entry i describing completion i; {@code rows} are the dataset rows
 * as JSON objects) and reads <em>one line</em> back from its stdout: a JSON array of N entries, each a
 * number or {@code null} ("not applicable"), e.g. {@code [1.0, 0, null]}; {@code NaN}, {@code Infinity} and
 * {@code -Infinity} (as Python's {@code json.dumps} writes them) are read as numbers, which {@link RewardSet}
 * skips with a warning. stdout carries replies only;
 * the process should log to stderr (its last lines are quoted in error messages). The process is
 * started on the first batch and kept for the run; on {@link #close()} its stdin is closed (it should
 * exit at end of input) and after 5 s it is killed. It is started as a {@link LineProcess}, so it is
 * killed too when the JVM ends in any other way, even by SIGKILL.
 *
 * <h2>Failures</h2>
 * Each is a {@link Grpo4jException} naming the function, so {@link RewardSet}'s {@code reward_on_error}
 * policy applies:
 * <ul>
 *   <li>no reply within {@code timeout_s} (default 60 s);
 *   <li>the process exited (its exit code and stderr tail are reported) or could not be started;
 *   <li>a malformed reply: not JSON, not an array, wrong length, or an entry that is neither a number
 *       nor null (the reply, shortened, is quoted).
 * </ul>
 * After any of these the process is killed, since its replies may be out of step with our requests.
 * The next batch starts a fresh process: under {@code reward_on_error: zero} a transient crash costs one
 * batch of zeros (each restart is logged); under {@code raise} the run has already stopped. We restart
 * at the next batch rather than retrying the same batch, because the batch may be what crashed it.
 *
 * <p>Parameters: {@code command} (a list: program then arguments; or a string split at spaces),
 * {@code args} (more arguments), {@code timeout_s}, {@code cwd} (working directory), {@code env}
 * (extra environment variables).
 */
public final class ExternalReward implements RewardFunction {
    static final List<String> PARAMS = List.of("command", "args", "timeout_s", "cwd", "env");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads replies: Python's json.dumps writes NaN, Infinity and -Infinity, which strict JSON lacks. */
    private static final ObjectMapper REPLY_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final int REPLY_SHOWN = 300;

    private final String name;
    private final List<String> command;

    private final LineProcess process;

    /**
     * @param name    the function's name
     * @param command program and arguments
     * @param timeout how long to wait for one reply
     * @param cwd     working directory, or null for the current one
     * @param env     extra environment variables (may be empty)
     */
    public ExternalReward(String name, List<String> command, Duration timeout, Path cwd, Map<String, String> env) {
        this.name = RewardFunction.checkName(name);
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new Grpo4jException("reward '" + name + "' (external): 'command' is required: the program to run, then its arguments");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new Grpo4jException("reward '" + name + "' (external): timeout must be > 0, got " + timeout);
        }
        this.command = List.copyOf(command);
        this.process = new LineProcess("reward '" + name + "'", command, timeout, cwd, env);
    }

    /** Builds it from config parameters. */
    public static ExternalReward create(String name, Params p) {
        String cwd = p.string("cwd", null);
        return new ExternalReward(name, command(p), timeout(p, 60), cwd == null ? null : Path.of(cwd),
                p.stringMap("env"));
    }

    /** The {@code command} parameter (a list, or a string split at spaces) followed by {@code args}. */
    public static List<String> command(Params p) {
        List<String> cmd = new ArrayList<>();
        List<String> given = p.stringList("command");
        if (!p.isList("command") && given.size() == 1) { // a string: split at spaces
            for (String part : given.get(0).trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    cmd.add(part);
                }
            }
        } else {
            cmd.addAll(given);
        }
        if (cmd.isEmpty()) {
            throw p.invalid("command", "is required: the program to run and its arguments, e.g. [python3, score.py]");
        }
        cmd.addAll(p.stringList("args"));
        return cmd;
    }

    /** The {@code timeout_s} parameter, {@code dflt} seconds when absent. */
    public static Duration timeout(Params p, double dflt) {
        double t = p.number("timeout_s", dflt);
        if (t <= 0) {
            throw p.invalid("timeout_s", "must be > 0, got " + t);
        }
        return Duration.ofMillis((long) Math.ceil(t * 1000));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized List<Double> score(List<RewardInput> batch) {
        String line = process.request(request(batch), "a batch of " + batch.size() + " completions",
                "raise 'timeout_s' if scoring is slow");
        return parse(line, batch.size());
    }

    private String request(List<RewardInput> batch) {
        ObjectNode req = JSON.createObjectNode();
        ArrayNode prompts = req.putArray("prompts");
        ArrayNode completions = req.putArray("completions");
        ArrayNode rows = req.putArray("rows");
        ArrayNode tokens = req.putArray("completion_tokens");
        ArrayNode truncated = req.putArray("truncated");
        for (RewardInput in : batch) {
            prompts.add(in.prompt());
            completions.add(in.completion());
            rows.add(JSON.valueToTree(in.row()));
            tokens.add(in.completionTokens());
            truncated.add(in.truncated());
        }
        try {
            return JSON.writeValueAsString(req); // one line: Jackson escapes newlines inside strings
        } catch (IOException e) {
            throw new Grpo4jException("reward '" + name + "' (external): could not write the request as JSON: " + e.getMessage(), e);
        }
    }

    private List<Double> parse(String line, int n) {
        JsonNode reply;
        try {
            reply = REPLY_JSON.readTree(line);
        } catch (IOException e) {
            throw malformed(line, "is not JSON");
        }
        if (reply == null || !reply.isArray()) {
            throw malformed(line, "is not a JSON array");
        }
        if (reply.size() != n) {
            throw malformed(line, "has " + reply.size() + " entries for " + n + " completions");
        }
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonNode v = reply.get(i);
            if (v.isNull()) {
                out.add(null);
            } else if (v.isNumber()) {
                out.add(v.doubleValue());
            } else {
                throw malformed(line, "has entry " + i + " = " + v + ", which is neither a number nor null");
            }
        }
        return out;
    }

    private Grpo4jException malformed(String line, String what) {
        kill(); // the stream may be out of step with our requests
        String shown = line.length() > REPLY_SHOWN ? line.substring(0, REPLY_SHOWN) + "..." : line;
        return new Grpo4jException("reward '" + name + "' (external " + command + "): malformed reply: the line '"
                + shown + "' " + what + "; expected one JSON array per line with one number or null per completion"
                + " (print logs to stderr, not stdout)");
    }

    private void kill() {
        process.kill();
    }

    /** Whether the process is running now (for tests and diagnostics). */
    public boolean isRunning() {
        return process.isRunning();
    }

    /** Closes stdin so the process can exit, waits up to 5 s, then kills it. */
    @Override
    public void close() {
        process.close();
    }
}
