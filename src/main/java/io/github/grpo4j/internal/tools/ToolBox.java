package io.github.grpo4j.internal.tools;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.tools.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tools of a run, by name, and the one place calls are run. Every way a call can go wrong (an
 * unreadable call, an unknown name, a tool that throws, one that runs past the time limit, an external
 * process that dies) becomes a failed {@link Outcome} whose content, {@code error: ...}, is what the
 * model sees; nothing is thrown, so a bad call never stops the run.
 *
 * <p>Each call runs on a daemon thread and is given up after the time limit: a Java tool cannot be
 * killed, so a hung one keeps its thread, but the rollout moves on.
 */
public final class ToolBox implements AutoCloseable {
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final Duration timeLimit;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "grpo4j-tool-call");
        t.setDaemon(true);
        return t;
    });

    /**
     * The result of one call.
     *
     * @param name    the tool's name as the model wrote it (null when unreadable)
     * @param content what the model is shown: the tool's result, or {@code error: <why>}
     * @param failed  whether the call failed
     */
    public record Outcome(String name, String content, boolean failed) {}

    /**
     * @param tools     the tools; names must be unique
     * @param timeLimit how long one call may take
     */
    public ToolBox(List<? extends Tool> tools, Duration timeLimit) {
        for (Tool t : tools) {
            if (t.name() == null || t.name().isBlank()) {
                throw new Grpo4jException("a tool has no name; every tool needs a unique name");
            }
            if (this.tools.put(t.name(), t) != null) {
                throw new Grpo4jException("two tools are named '" + t.name() + "'; tool names must be unique");
            }
        }
        this.timeLimit = timeLimit;
    }

    /** {@return the tools' names, in order} */
    public List<String> names() {
        return List.copyOf(tools.keySet());
    }

    /** {@return each tool's schema, as the chat template's {@code tools} variable takes them} */
    public List<Map<String, Object>> schemas() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Tool t : tools.values()) {
            out.add(t.schema());
        }
        return out;
    }

    /** Runs a call; never throws. */
    public Outcome run(ToolCall call) {
        if (call.error() != null) {
            return failed(call.name(), call.error());
        }
        Tool tool = tools.get(call.name());
        if (tool == null) {
            return failed(call.name(), "unknown tool '" + call.name() + "'; available: " + String.join(", ", names()));
        }
        Future<String> result = calls.submit(() -> tool.call(call.arguments()));
        try {
            String content = result.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
            return new Outcome(call.name(), content == null ? "" : content, false);
        } catch (TimeoutException e) {
            result.cancel(true);
            return failed(call.name(), "tool '" + call.name() + "' took longer than " + timeLimit.toMillis() / 1000.0
                    + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return failed(call.name(), why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            return failed(call.name(), "interrupted");
        }
    }

    private static Outcome failed(String name, String why) {
        return new Outcome(name, "error: " + why, true);
    }

    /** Closes every tool (external processes end). */
    @Override
    public void close() {
        calls.shutdownNow();
        for (Tool t : tools.values()) {
            try {
                t.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(ToolBox.class).warn("closing tool '{}': {}", t.name(), e.toString());
            }
        }
    }
}
