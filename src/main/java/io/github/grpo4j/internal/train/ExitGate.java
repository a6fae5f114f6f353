package io.github.grpo4j.internal.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets the JVM end (SIGTERM, Ctrl-C, {@code System.exit}) only between steps.
 *
 * <p>When the JVM exits it runs libtorch's static destructors while the main thread may still be inside a
 * step. A backward pass that starts then asks the destroyed device registry for its accelerator and the
 * process dies with SIGSEGV and an {@code hs_err_pid*.log} file instead of ending quietly (seen on runs
 * stopped with SIGTERM during the warm start). The run loops hold a {@link #enter() pass} around each step;
 * a shutdown hook waits for the step in flight to end, then keeps the gate shut, so the next step never
 * starts and the JVM ends with no native work running. Nothing is lost: checkpoints are written atomically
 * and the run resumes from the last one.
 */
public final class ExitGate {
    /** The gate of this process, closed by a shutdown hook when the JVM starts to end. */
    public static final ExitGate PROCESS = new ExitGate();

    /** How long the hook waits for a step in flight; after that the JVM ends anyway. */
    static final Duration PATIENCE = Duration.ofMinutes(2);

    private final ReentrantLock step = new ReentrantLock();
    private boolean hooked;

    ExitGate() {}

    /** One step's hold on the gate; closing it lets the JVM end again. */
    public interface Pass extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Holds the gate open for one step. Blocks for good once the JVM has started to end, so no new step
     * starts under a shutting-down native library.
     */
    public Pass enter() {
        hookOnce();
        step.lock();
        return step::unlock;
    }

    private synchronized void hookOnce() {
        if (!hooked && this == PROCESS) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shut(PATIENCE, System.err), "grpo4j-exit-gate"));
            hooked = true;
        }
    }

    /**
     * What the shutdown hook does: waits up to {@code patience} for the step in flight and then keeps the gate
     * shut (never released: the JVM is ending).
     *
     * @return whether the gate was shut before {@code patience} ran out
     */
    boolean shut(Duration patience, PrintStream err) {
        if (step.isLocked() && !step.isHeldByCurrentThread()) {
            err.println("grpo4j: stopping after the current step (up to " + patience.toSeconds()
                    + " s); the run resumes from its last checkpoint");
            err.flush();
        }
        try {
            return step.tryLock(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
