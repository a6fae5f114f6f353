package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
/** The worked example of docs/algorithm.md §7 (docs/algorithm.md §7): four answers to "What is the capital of France?". */
final class SeedExample {
    static final double[] REWARDS = {0.9, 0.1, 0.1, 0.1};
    static final int[] ONE_GROUP = {0, 0, 0, 0};
    static final double[] NEW = {0.5, 0.2, 0.15, 0.15};
    static final double[] OLD = {0.4, 0.2, 0.2, 0.2};
    static final double[] REF = OLD;

    static final double EXACT = 1e-12;
    static final double FLOAT = 1e-6;

    private SeedExample() {}

    static double[] log(double[] p) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Math.log(p[i]);
        }
        return out;
    }

    /** One output = one sequence of one token: [4][1]. */
    static double[][] column(double[] v) {
        double[][] out = new double[v.length][1];
        for (int i = 0; i < v.length; i++) {
            out[i][0] = v[i];
        }
        return out;
    }

    static double[][] ones(int b, int t) {
        double[][] out = new double[b][t];
        for (double[] row : out) {
            java.util.Arrays.fill(row, 1.0);
        }
        return out;
    }

    static AdvantageOptions options(ScaleRewards scale, StdKind std, double eps, AdvantageEstimator est) {
        return new AdvantageOptions(scale, std, eps, est);
    }
}
