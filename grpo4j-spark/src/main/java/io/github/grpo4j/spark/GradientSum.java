package io.github.grpo4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a partition contributes to one optimizer update: the gradient of its rows' share of the loss (each
 * micro-batch's loss already divided by the whole batch's counts, so the sum over partitions is the
 * gradient of the whole batch's loss) and the token-weighted sums behind the step's metrics. Sums add up
 * across partitions ({@link #add}); {@code treeAggregate} does that on the executors.
 *
 * @param gradients  per parameter, Σ of its gradient, or empty for a partition with no rows
 * @param loss       Σ of the micro-batches' losses
 * @param klSum      Σ m·KL over tokens
 * @param clipLow    tokens clipped below
 * @param clipHigh   tokens clipped above
 * @param clipRegion tokens in either clip region
 * @param ratioSum   Σ m·ρ over tokens
 * @param entropySum Σ m·H over tokens (the first pass's)
 */
record GradientSum(LinkedHashMap<String, float[]> gradients, double loss, double klSum, double clipLow,
        double clipHigh, double clipRegion, double ratioSum, double entropySum) implements Serializable {

    static GradientSum empty() {
        return new GradientSum(new LinkedHashMap<>(), 0, 0, 0, 0, 0, 0, 0);
    }

    /** The sum of two partitions' contributions (adds {@code other}'s gradients into this one's arrays). */
    GradientSum add(GradientSum other) {
        LinkedHashMap<String, float[]> sum = gradients;
        if (sum.isEmpty()) {
            sum = other.gradients;
        } else {
            for (Map.Entry<String, float[]> e : other.gradients.entrySet()) {
                float[] into = sum.get(e.getKey());
                float[] from = e.getValue();
                for (int i = 0; i < into.length; i++) {
                    into[i] += from[i];
                }
            }
        }
        return new GradientSum(sum, loss + other.loss, klSum + other.klSum, clipLow + other.clipLow,
                clipHigh + other.clipHigh, clipRegion + other.clipRegion, ratioSum + other.ratioSum,
                entropySum + other.entropySum);
    }
}
