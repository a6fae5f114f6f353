package io.github.grpo4j.internal.bench;

import io.github.grpo4j.internal.train.StepPhase;
import java.util.EnumMap;
import java.util.Map;

/**
 * Peak resident memory of each phase of a GRPO step: the kernel's peak ({@code VmHWM}) is read when a
 * phase ends and then reset ({@link ProcMemory#resetPeak}), so each reading covers one phase only. The
 * process's overall peak is kept as the largest reading, since resetting loses the kernel's own.
 */
final class PhasePeaks implements StepPhase.Listener {
    private final boolean resettable;
    private final Map<StepPhase, Long> current = new EnumMap<>(StepPhase.class);
    private long overall;

    /** Starts measuring: the peak so far (model construction) counts towards the overall peak. */
    PhasePeaks() {
        this.overall = ProcMemory.peakResidentBytes();
        this.resettable = ProcMemory.resetPeak();
    }

    /** Call right before a step: its first phase is measured from here. */
    void stepStarts() {
        current.clear();
        read();
    }

    @Override
    public void ended(StepPhase phase) {
        current.put(phase, resettable ? read() : -1L);
    }

    /** The peak of {@code phase} in the last step, or -1 when unknown (the peak cannot be reset here). */
    long last(StepPhase phase) {
        return current.getOrDefault(phase, -1L);
    }

    /** The process's peak resident size since it started, or -1 without /proc. */
    long overall() {
        return resettable ? Math.max(overall, ProcMemory.peakResidentBytes()) : ProcMemory.peakResidentBytes();
    }

    private long read() {
        long peak = ProcMemory.peakResidentBytes();
        overall = Math.max(overall, peak);
        if (resettable) {
            ProcMemory.resetPeak();
        }
        return peak;
    }
}
