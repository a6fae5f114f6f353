package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mean policy entropy per completion-token position bucket, over a step's first pass: metrics
 * {@code entropy/pos_0-7}, {@code entropy/pos_8-31}, {@code entropy/pos_32-127}, {@code entropy/pos_128-511}
 * and {@code entropy/pos_512+} (token index within the completion, 0-based). Entropy collapse usually
 * shows first at the later positions; a bucket is reported when {@code max_completion_length} reaches it,
 * as NaN on a step where no completion does.
 */
final class EntropyByPosition {
    /** First position of each bucket; the last bucket is open-ended. */
    static final int[] STARTS = {0, 8, 32, 128, 512};

    private final int maxLength;
    private final double[] sums = new double[STARTS.length];
    private final double[] counts = new double[STARTS.length];

    /** @param maxLength {@code max_completion_length}: buckets starting at or past it are not reported */
    EntropyByPosition(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Adds a micro-batch: {@code entropy} and {@code mask} are {@code [B, T]}, T counted from the completion's start. */
    void add(NDArray entropy, NDArray mask) {
        float[] perPosition = entropy.stopGradient().mul(mask).sum(new int[] {0}).toFloatArray(); // [T]
        float[] tokens = mask.sum(new int[] {0}).toFloatArray(); // [T]
        for (int t = 0; t < perPosition.length; t++) {
            int b = bucket(t);
            sums[b] += perPosition[t];
            counts[b] += tokens[t];
        }
    }

    static int bucket(int position) {
        int b = 0;
        while (b + 1 < STARTS.length && position >= STARTS[b + 1]) {
            b++;
        }
        return b;
    }

    static String name(int bucket) {
        return bucket + 1 < STARTS.length
                ? "entropy/pos_" + STARTS[bucket] + "-" + (STARTS[bucket + 1] - 1)
                : "entropy/pos_" + STARTS[bucket] + "+";
    }

    /** The reported buckets' means, NaN for a bucket without tokens this step. */
    Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int b = 0; b < STARTS.length && STARTS[b] < maxLength; b++) {
            m.put(name(b), counts[b] > 0 ? sums[b] / counts[b] : Double.NaN);
        }
        return m;
    }
}
