package io.github.grpo4j.internal.environment;

import io.github.grpo4j.environment.Environment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The environment of a run and the one place its calls are made: one instance per episode from the
 * factory, and every {@code reset} and {@code step} on a daemon thread with a time limit. Whatever goes
 * wrong (the factory or a call throws, a call runs past the limit, an external process dies or answers
 * garbage) becomes a failed {@link Outcome}; nothing is thrown, so a broken episode never stops the run.
 * A Java environment that hangs cannot be killed: its thread is left behind, and the episode ends.
 */
public final class EnvironmentPool implements AutoCloseable {
    private final Supplier<? extends Environment> factory;
    private final Duration timeLimit;
    private final AutoCloseable owned;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "grpo4j-environment");
        t.setDaemon(true);
        return t;
    });

    /**
     * What a call returned.
     *
     * @param messages messages to show the model next (none when done or failed)
     * @param reward   the call's reward, or null
     * @param done     whether the episode is over (always for a failed call)
     * @param error    why the call failed, or null
     */
    public record Outcome(List<Map<String, Object>> messages, Double reward, boolean done, String error) {
        /** {@return whether the call failed} */
        public boolean failed() {
            return error != null;
        }

        static Outcome failure(String why) {
            return new Outcome(List.of(), null, true, why);
        }
    }

    /**
     * @param factory   makes one environment per episode
     * @param timeLimit how long one call may take
     * @param owned     closed with the pool (an external environment's process), or null
     */
    public EnvironmentPool(Supplier<? extends Environment> factory, Duration timeLimit, AutoCloseable owned) {
        this.factory = factory;
        this.timeLimit = timeLimit;
        this.owned = owned;
    }

    /**
     * A new episode's environment, reset with its row.
     *
     * @param row the episode's dataset row
     * @return the environment (null when it could not be made) and the reset's outcome
     */
    public Started start(Map<String, Object> row) {
        Environment env;
        try {
            env = factory.get();
        } catch (RuntimeException e) {
            return new Started(null, Outcome.failure("creating the environment failed: " + why(e)));
        }
        if (env == null) {
            return new Started(null, Outcome.failure("the environment factory returned null"));
        }
        Outcome o = call("reset", () -> new Environment.Step(env.reset(row), null, false));
        return new Started(env, o);
    }

    /**
     * An episode's environment and what its reset returned.
     *
     * @param environment the environment, null when it could not be made
     * @param reset       the reset's outcome
     */
    public record Started(Environment environment, Outcome reset) {}

    /** Answers one model turn; never throws. */
    public Outcome step(Environment env, String message) {
        return call("step", () -> env.step(message));
    }

    /** Ends an episode: closes its environment, logging (not throwing) what goes wrong. */
    public void end(Environment env) {
        if (env == null) {
            return;
        }
        try {
            env.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(EnvironmentPool.class).warn("closing an environment: {}", e.toString());
        }
    }

    private Outcome call(String what, Callable<Environment.Step> body) {
        Future<Environment.Step> result = calls.submit(body);
        try {
            Environment.Step s = result.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                return Outcome.failure(what + " returned null");
            }
            return new Outcome(s.messages(), s.reward(), s.done(), null);
        } catch (TimeoutException e) {
            result.cancel(true);
            return Outcome.failure(what + " took longer than " + timeLimit.toMillis() / 1000.0 + " s");
        } catch (ExecutionException e) {
            return Outcome.failure(what + " failed: " + why(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            return Outcome.failure(what + " was interrupted");
        }
    }

    private static String why(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Stops the call threads and closes what the pool owns (an external process ends). */
    @Override
    public void close() {
        calls.shutdownNow();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(EnvironmentPool.class).warn("closing the environment: {}",
                        e.toString());
            }
        }
    }
}
