package io.github.grpo4j.internal.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The fp32 matmul throughput of this machine through the same engine and threads as the step: the
 * denominator of MFU. Square {@code size}×{@code size} products, timed in a few rounds after a warm-up;
 * the best round counts (a peak, so MFU is not flattered by a slow round).
 */
public final class MatmulPeak {
    private MatmulPeak() {}

    /** FLOP/s of fp32 {@code size}×{@code size} matmuls, best of {@code rounds} rounds of {@code perRound}. */
    public static double measure(int size, int rounds, int perRound) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(size, size)); // [size, size]
            NDArray b = m.randomNormal(new Shape(size, size)); // [size, size]
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            double best = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    a.matMul(b).close(); // CPU ops run synchronously: closing after each is timing-safe
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * size * size * (double) size * perRound / seconds);
            }
            return best;
        }
    }

    /** The default measurement: 1024×1024, 5 rounds of 10. */
    public static double measure() {
        return measure(1024, 5, 10);
    }
}
