package io.github.grpo4j.internal.reward;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.process.ChildProcess;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * exit at end of input) and after 5 s it is killed. It is started as a {@link ChildProcess}, so it is
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
    private static final Object EOF = new Object();
    private static final int STDERR_TAIL = 2000;
    private static final int REPLY_SHOWN = 300;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExternalReward.class);

    private final String name;
    private final List<String> command;
    private final Duration timeout;
    private final Path cwd;
    private final Map<String, String> env;

    private ChildProcess child;
    private Process process;
    private OutputStream stdin;
    private BlockingQueue<Object> replies;
    private StringBuilder stderrTail;
    private Thread stderrReader;
    private int starts;

    /**
     * @param name    the function's name
     * @param command program and arguments
     * @param timeout how long to wait for one reply
     * @param cwd     working directory, or null for the current one
     * @param env     extra environment variables (may be empty)
     */
    public ExternalReward(String name, List<String> command, Duration timeout, Path cwd, Map<String, String> env) {
        this.name = RewardSet.checkName(name);
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new Grpo4jException("reward '" + name + "' (external): 'command' is required: the program to run, then its arguments");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new Grpo4jException("reward '" + name + "' (external): timeout must be > 0, got " + timeout);
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.cwd = cwd;
        this.env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** Builds it from config parameters. */
    public static ExternalReward create(String name, Params p) {
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
        double t = p.number("timeout_s", 60);
        if (t <= 0) {
            throw p.invalid("timeout_s", "must be > 0, got " + t);
        }
        String cwd = p.string("cwd", null);
        return new ExternalReward(name, cmd, Duration.ofMillis((long) Math.ceil(t * 1000)),
                cwd == null ? null : Path.of(cwd), p.stringMap("env"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized List<Double> score(List<RewardInput> batch) {
        ensureStarted();
        String request = request(batch);
        try {
            stdin.write(request.getBytes(StandardCharsets.UTF_8));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw died("while sending a request (" + e.getMessage() + ")");
        }
        Object line;
        try {
            line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new Grpo4jException("reward '" + name + "' (external): interrupted while waiting for a reply", e);
        }
        if (line == null) {
            String tail = tail();
            kill();
            throw new Grpo4jException("reward '" + name + "' (external " + command + "): no reply within "
                    + seconds(timeout) + " s for a batch of " + batch.size() + " completions; the process was killed"
                    + " (raise 'timeout_s' if scoring is slow)" + stderrNote(tail));
        }
        if (line == EOF) {
            throw died("before replying to a batch of " + batch.size() + " completions");
        }
        return parse((String) line, batch.size());
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

    private Grpo4jException died(String when) {
        Process p = process;
        String code = "?";
        try {
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                code = Integer.toString(p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String tail = tail();
        kill();
        return new Grpo4jException("reward '" + name + "' (external " + command + "): the process exited (code "
                + code + ") " + when + stderrNote(tail));
    }

    private void ensureStarted() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (process != null) {
            kill();
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().putAll(env);
        Process p;
        try {
            child = ChildProcess.start(pb);
            p = child.process();
        } catch (IOException e) {
            throw new Grpo4jException("reward '" + name + "': could not start external command " + command
                    + (cwd == null ? "" : " in " + cwd) + ": " + e.getMessage(), e);
        }
        starts++;
        if (starts > 1) {
            LOG.warn("reward '{}': restarted external command {} (start #{})", name, command, starts);
        }
        process = p;
        stdin = p.getOutputStream();
        replies = new LinkedBlockingQueue<>();
        stderrTail = new StringBuilder();
        BlockingQueue<Object> q = replies;
        StringBuilder err = stderrTail;
        daemon("reward-" + name + "-stdout", () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    q.add(l);
                }
            } catch (IOException ignored) {
                // the process was killed; EOF below
            }
            q.add(EOF);
        });
        stderrReader = daemon("reward-" + name + "-stderr", () -> drain(p.getErrorStream(), err));
    }

    private static void drain(InputStream in, StringBuilder tail) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[1024];
            int k;
            while ((k = r.read(buf)) >= 0) {
                synchronized (tail) {
                    tail.append(buf, 0, k);
                    if (tail.length() > 2 * STDERR_TAIL) {
                        tail.delete(0, tail.length() - STDERR_TAIL);
                    }
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    private String tail() {
        if (stderrTail == null) {
            return "";
        }
        try {
            if (process != null && !process.isAlive()) {
                stderrReader.join(2000); // a dead process's stderr ends: read its last words
            } else {
                Thread.sleep(50); // still running (timeout): take what has arrived
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (stderrTail) {
            String s = stderrTail.toString();
            return s.length() > STDERR_TAIL ? s.substring(s.length() - STDERR_TAIL) : s;
        }
    }

    private static String stderrNote(String tail) {
        return tail.isBlank() ? "; stderr was empty" : "; stderr ends with:\n" + tail.stripTrailing();
    }

    private static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void kill() {
        if (child != null) {
            child.kill(); // with its descendants and process group: a wrapper may have started the real scorer
        }
    }

    /** Whether the process is running now (for tests and diagnostics). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Closes stdin so the process can exit, waits up to 5 s, then kills it. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        child.close(); // kills it if it is still running
    }
}
