package io.github.grpo4j.internal.train;

/**
 * Every random choice of a run derives from the run's one seed and where it happens (step, purpose), so
 * a resumed run draws exactly what the uninterrupted run would have drawn, with no RNG state to save.
 */
public final class Seeds {
    private Seeds() {}

    /** Purposes, so that two uses in the same step never share a stream. */
    public static final long GENERATION = 1, SAMPLES = 3, EVAL = 4, INIT = 5, LORA = 6;

    /** A well-mixed 64-bit seed for {@code (runSeed, step, purpose)} (SplitMix64 finaliser). */
    public static long of(long runSeed, long step, long purpose) {
        long z = runSeed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + purpose * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The sampling seed of prompt group {@code group} of a generation batch whose stream is {@code batchSeed}
     * ({@code training.rollout_seeding: group}): which machine draws the group, and which groups it draws
     * along with it, change nothing.
     */
    public static long group(long batchSeed, int group) {
        return of(batchSeed, group, GENERATION);
    }
}
