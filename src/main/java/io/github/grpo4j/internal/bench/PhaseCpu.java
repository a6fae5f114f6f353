package io.github.grpo4j.internal.bench;

import io.github.grpo4j.internal.train.StepPhase;
import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.Map;

/**
 * Process CPU seconds (every thread: PyTorch's OpenMP workers, the JVM's own) spent in each phase of a
 * GRPO step. On a machine shared with other work a phase's wall time grows with the others' load, while
 * the CPU time it needed grows far less, so comparing configurations by CPU time survives a busy machine
 * better than comparing wall times (contention for caches and memory bandwidth still inflates it).
 */
final class PhaseCpu implements StepPhase.Listener {
    private final Map<StepPhase, Double> current = new EnumMap<>(StepPhase.class);
    private long mark;
    private long stepStart;

    /** Call right before a step: its first phase is measured from here. */
    void stepStarts() {
        current.clear();
        mark = cpuNanos();
        stepStart = mark;
    }

    @Override
    public void ended(StepPhase phase) {
        long now = cpuNanos();
        current.put(phase, (now - mark) / 1e9);
        mark = now;
    }

    /** CPU seconds of {@code phase} in the last step, or -1 when unknown. */
    double last(StepPhase phase) {
        return current.getOrDefault(phase, -1.0);
    }

    /** CPU seconds since {@link #stepStarts}, or -1 when unknown. */
    double sinceStepStart() {
        long now = cpuNanos();
        return now < 0 || stepStart < 0 ? -1 : (now - stepStart) / 1e9;
    }

    /** The process's CPU time so far in nanoseconds, or -1 when the JVM cannot tell. */
    static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
