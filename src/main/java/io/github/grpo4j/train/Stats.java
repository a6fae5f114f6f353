package io.github.grpo4j.train;

import io.github.grpo4j.algo.StdKind;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reductions behind the reported reward metrics; NaN entries ("does not apply") are skipped. */
final class Stats {
    private Stats() {}

    static double nanMean(double[] x) {
        double sum = 0;
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Standard deviation over non-NaN values; population or sample (Bessel) as configured. */
    static double nanStd(double[] x, StdKind kind) {
        double mean = nanMean(x);
        double ss = 0;
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                ss += (v - mean) * (v - mean);
                n++;
            }
        }
        int dof = kind == StdKind.SAMPLE ? n - 1 : n;
        return dof <= 0 ? (n == 0 ? Double.NaN : 0.0) : Math.sqrt(ss / dof);
    }

    /** Mean over groups of the within-group reward std (TRL's {@code reward_std}). */
    static double meanGroupStd(double[] reward, int[] group, StdKind kind) {
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
            sum += nanStd(values, kind);
        }
        return sum / groups.size();
    }
}
