package io.github.grpo4j.internal.train;

import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.internal.algo.ReferenceMath;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reductions behind the reported {@code reward} and {@code reward_std} metrics. */
public final class Stats {
    private Stats() {}

    /** Arithmetic mean. */
    public static double mean(double[] x) {
        return ReferenceMath.mean(x);
    }

    /** Standard deviation, population or sample (Bessel) as configured; 0 for a single value. */
    public static double std(double[] x, StdKind kind) {
        return x.length < 2 ? 0.0 : ReferenceMath.std(x, kind);
    }

    /** Mean over groups of the within-group reward std (TRL's {@code reward_std}). */
    public static double meanGroupStd(double[] reward, int[] group, StdKind kind) {
        Map<Integer, double[]> groups = new LinkedHashMap<>();
        Map<Integer, Integer> fill = new LinkedHashMap<>();
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        for (int g : group) {
            sizes.merge(g, 1, Integer::sum);
        }
        for (int r = 0; r < reward.length; r++) {
            double[] values = groups.computeIfAbsent(group[r], k -> new double[sizes.get(k)]);
            int i = fill.merge(group[r], 1, Integer::sum) - 1;
            values[i] = reward[r];
        }
        double sum = 0;
        for (double[] values : groups.values()) {
            sum += std(values, kind);
        }
        return sum / groups.size();
    }
}
