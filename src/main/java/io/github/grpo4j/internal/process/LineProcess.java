package io.github.grpo4j.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-lived {@link ChildProcess} that answers one line on stdout for each line written to its stdin
 * (the JSON-lines protocol of external rewards and external tools).
 *
 * <p>The process starts at the first request. A request that gets no reply within the timeout, or finds
 * the process dead, kills it and throws a {@link Grpo4jException} that starts with the label (e.g.
 * {@code reward 'judge' (external [python3, judge.py])}) and ends with the last lines of its stderr;
 * the next request starts a fresh process (logged as a restart). A caller that finds a reply malformed
 * calls {@link #kill()}: the stream may be out of step. {@link #close()} closes stdin, waits up to 5 s,
 * then kills.
 */
public final class LineProcess implements AutoCloseable {
    private static final Object EOF = new Object();
    private static final int STDERR_TAIL = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(LineProcess.class);

    private final String label;
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
     * @param label   how errors name the process, e.g. {@code reward 'judge'}
     * @param command program and arguments
     * @param timeout how long to wait for one reply
     * @param cwd     working directory, or null for the current one
     * @param env     extra environment variables
     */
    public LineProcess(String label, List<String> command, Duration timeout, Path cwd, Map<String, String> env) {
        this.label = label;
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.cwd = cwd;
        this.env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** {@return the command} */
    public List<String> command() {
        return command;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REPLY_SHOWN = 300;

    /**
     * A reply of {@link #requestJson}.
     *
     * @param line the reply line as read
     * @param json the line parsed, or null when it is not JSON
     */
    public record JsonReply(String line, JsonNode json) {
        /** {@return the reply line for a message, cut after 300 characters} */
        public String shown() {
            return line.length() > REPLY_SHOWN ? line.substring(0, REPLY_SHOWN) + "..." : line;
        }
    }

    /**
     * One JSON-lines exchange (external tools and environments): sends {@code request} as one JSON object and
     * parses the reply line; a reply {@code {"error": ...}} is thrown as its message. What else a reply must
     * hold is the caller's to check.
     *
     * @param request the request object
     * @param owner   who asks, for messages ("tool 'calculator'", "environment")
     * @param op      what the request is ("call", "reset")
     * @param hint    what a timeout suggests
     * @return the reply, parsed when it is JSON
     * @throws Grpo4jException on an error reply, or when the process cannot start, dies or does not reply in time
     */
    public JsonReply requestJson(Map<String, Object> request, String owner, String op, String hint) {
        String line;
        try {
            line = request(JSON.writeValueAsString(request), "a " + op, hint);
        } catch (IOException e) {
            throw new Grpo4jException(owner + ": could not write the " + op + " as JSON: " + e.getMessage(), e);
        }
        JsonNode reply;
        try {
            reply = JSON.readTree(line);
        } catch (IOException e) {
            reply = null;
        }
        if (reply != null && reply.isObject() && reply.has("error")) {
            JsonNode err = reply.get("error");
            throw new Grpo4jException(err.isTextual() ? err.asText() : err.toString());
        }
        return new JsonReply(line, reply);
    }

    /**
     * Sends one request line and waits for the reply line.
     *
     * @param line   the request, without newline (it must not contain one)
     * @param what   what the request is, for messages ("a batch of 8 completions")
     * @param hint   what a timeout suggests, e.g. "raise 'timeout_s' if scoring is slow"
     * @return the reply line
     * @throws Grpo4jException when the process cannot start, dies or does not reply in time
     */
    public synchronized String request(String line, String what, String hint) {
        ensureStarted();
        try {
            stdin.write(line.getBytes(StandardCharsets.UTF_8));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw died("while sending a request (" + e.getMessage() + ")");
        }
        Object reply;
        try {
            reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new Grpo4jException(label + " (external): interrupted while waiting for a reply", e);
        }
        if (reply == null) {
            String tail = tail();
            kill();
            throw new Grpo4jException(label + " (external " + command + "): no reply within "
                    + seconds(timeout) + " s for " + what + "; the process was killed (" + hint + ")"
                    + stderrNote(tail));
        }
        if (reply == EOF) {
            throw died("before replying to " + what);
        }
        return (String) reply;
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
        return new Grpo4jException(label + " (external " + command + "): the process exited (code "
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
            throw new Grpo4jException(label + ": could not start external command " + command
                    + (cwd == null ? "" : " in " + cwd) + ": " + e.getMessage(), e);
        }
        starts++;
        if (starts > 1) {
            LOG.warn("{}: restarted external command {} (start #{})", label, command, starts);
        }
        process = p;
        stdin = p.getOutputStream();
        replies = new LinkedBlockingQueue<>();
        stderrTail = new StringBuilder();
        BlockingQueue<Object> q = replies;
        StringBuilder err = stderrTail;
        daemon(label + "-stdout", () -> {
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
        stderrReader = daemon(label + "-stderr", () -> drain(p.getErrorStream(), err));
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

    /** Kills the process with its descendants and process group (a wrapper may have started the real one). */
    public synchronized void kill() {
        if (child != null) {
            child.kill();
        }
    }

    /** Whether the process is running now. */
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
