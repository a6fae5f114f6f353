package io.github.grpo4j.internal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlopsTest {

    /** The default model's parameters counted by hand, tensor by tensor. */
    @Test
    void defaultModelHasTheHandCountedParameters() {
        long embed = 64 * 256, head = 64 * 256;
        long q = 256 * 256 + 256, k = 256 * 64 + 64, v = 256 * 64 + 64, o = 256 * 256; // q/k/v bias (qwen2)
        long mlp = 3L * 256 * 768, norms = 2 * 256;
        long expected = embed + head + 4 * (q + k + v + o + mlp + norms) + 256; // + final norm
        assertThat(BenchOptions.defaults().modelConfig().parameterCount()).isEqualTo(expected).isEqualTo(3_051_264L);
    }

    @Test
    void stepFlopsOfTheDefaultWorkloadMatchHandComputation() {
        long n = 3_051_264L;
        // 64 completions, prompt 16 + 32 new: generation 2N·47, reference 2N·48, update 6N·48
        double perRow = 2.0 * n * 47 + 2.0 * n * 48 + 6.0 * n * 48;
        assertThat(Flops.step(n, 64, 16, 32, true, 1)).isEqualTo(64 * perRow);
        assertThat(Flops.step(n, 64, 16, 32, true, 1)).isCloseTo(93.344e9, within(1e6));
    }

    @Test
    void referenceIsLeftOutWithoutBetaAndUpdateCountsEachIteration() {
        long n = 1000;
        assertThat(Flops.step(n, 2, 3, 5, false, 2)).isEqualTo(2 * (2.0 * n * 7 + 2 * 6.0 * n * 8));
        assertThat(Flops.generation(n, 3, 5)).isEqualTo(14_000);
        assertThat(Flops.reference(n, 3, 5)).isEqualTo(16_000);
        assertThat(Flops.update(n, 3, 5)).isEqualTo(48_000);
    }

    /**
     * LoRA: no weight gradients of the frozen base, so the update is 4N + 6n per token (activation gradients
     * through every matrix, weight gradients of the adapters only); the reference runs the base alone.
     */
    @Test
    void loraStepCountsActivationGradientsEverywhereAndWeightGradientsOfTheAdaptersOnly() {
        long n = 1000;
        long a = 10;
        // per row, prompt 3 + 5 new: generation 2(N + n)·7, reference 2N·8, update (2(N+n) + 2(N+n) + 2n)·8
        double perRow = 2.0 * 1010 * 7 + 2.0 * 1000 * 8 + (2.0 * 1010 + 2.0 * 1010 + 2.0 * 10) * 8;
        assertThat(Flops.loraStep(n, a, 2, 3, 5, true, 1)).isEqualTo(2 * perRow);
        assertThat(Flops.loraUpdate(n, a, 3, 5)).isEqualTo(32_480);
        assertThat(Flops.loraStep(n, a, 2, 3, 5, false, 2)).isEqualTo(2 * (2.0 * 1010 * 7 + 2 * 32_480));
        // less than full fine-tuning of the same base, which also computes the base's weight gradients
        assertThat(Flops.loraStep(n, a, 2, 3, 5, true, 1)).isLessThan(Flops.step(n, 2, 3, 5, true, 1));
    }

    @Test
    void mfuIsAchievedOverPeakAndNanWithoutTime() {
        assertThat(Flops.mfu(100e9, 2.0, 200e9)).isCloseTo(0.25, within(1e-12));
        assertThat(Flops.mfu(1, 0, 1)).isNaN();
        assertThat(Flops.mfu(1, 1, 0)).isNaN();
    }
}
