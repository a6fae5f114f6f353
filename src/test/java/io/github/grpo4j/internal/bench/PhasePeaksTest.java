package io.github.grpo4j.internal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.internal.train.StepPhase;
import org.junit.jupiter.api.Test;

class PhasePeaksTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aPhaseReportsItsOwnPeakNotAnEarlierPhases() {
        assumeTrue(ProcMemory.resetPeak(), "needs Linux's /proc/self/clear_refs");
        PhasePeaks peaks = new PhasePeaks();
        peaks.stepStarts();
        long before = ProcMemory.residentBytes();
        try (NDManager m = NDManager.newBaseManager()) {
            m.ones(new Shape(64 * MIB)); // 256 MiB, written, so resident; freed when m closes
        }
        peaks.ended(StepPhase.GENERATION);
        peaks.ended(StepPhase.REFERENCE); // allocated nothing
        long generation = peaks.last(StepPhase.GENERATION);
        long reference = peaks.last(StepPhase.REFERENCE);
        assertThat(generation - before).isGreaterThan(200 * MIB);
        // without the reset between phases the reference phase would report the 256 MiB too
        assertThat(reference).isLessThan(generation - 200 * MIB);
        assertThat(peaks.last(StepPhase.UPDATE)).isEqualTo(-1);
        assertThat(peaks.overall()).isGreaterThanOrEqualTo(generation);
    }
}
