package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.AdvantageEstimator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Group-relative advantages (docs/algorithm.md, "Advantages"), in double precision on the CPU: the batch
 * is P×G numbers, so loops are cheaper than tensor ops. Completion i belongs to group {@code groups[i]}
 * (its prompt), so groups may have different sizes and need not be contiguous.
 *
 * <ul>
 *   <li>{@code grpo} (DeepSeekMath, Shao et al. 2024): A_i = (R_i − mean(group)) / s, with s the std of
 *       the group ({@code scale_rewards: group}), of the whole batch ({@code batch}) or 1 ({@code none},
 *       Dr. GRPO). std_eps = 0: s = 0 becomes 1; std_eps &gt; 0: divide by s + std_eps.
 *   <li>{@code rloo} (REINFORCE leave-one-out, Ahmadian et al. 2024; verl): A_i = R_i − mean of the other
 *       G − 1 rewards = G/(G − 1)·(R_i − mean), never divided by a std; a group of one gets 0.
 * </ul>
 *
 * A group whose rewards are all exactly equal carries no signal: its advantages are exactly 0 (not the
 * round-off of R − mean(R)), its rows are flagged in {@link AdvantageResult#zeroStdRow()} and it counts
 * towards {@code frac_reward_zero_std}.
 */
public final class Advantages {
    private Advantages() {}

    /**
     * Computes the advantages of a batch, with the zero-std flags and their fraction.
     *
     * @param rewards total reward per completion
     * @param groups the group (prompt) of each completion; any ints, equal int = same group
     * @param o estimator and scaling options
     */
    public static AdvantageResult compute(double[] rewards, int[] groups, AdvantageOptions o) {
        boolean[] zeroStd = zeroStdRows(rewards, groups);
        return new AdvantageResult(advantages(rewards, groups, o, zeroStd), zeroStd, fracRewardZeroStd(zeroStd, groups));
    }

    /** The advantages alone (see {@link #compute}). */
    public static double[] advantages(double[] rewards, int[] groups, AdvantageOptions o) {
        return advantages(rewards, groups, o, zeroStdRows(rewards, groups));
    }

    private static double[] advantages(double[] rewards, int[] groups, AdvantageOptions o, boolean[] constant) {
        Map<Integer, double[]> byGroup = members(rewards, groups);
        double batchStd = ReferenceMath.std(rewards, o.std());
        double[] a = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            double[] g = byGroup.get(groups[i]);
            if (constant[i]) {
                a[i] = 0.0; // all rewards equal: no signal, exactly 0 (not round-off of r − mean)
            } else if (o.estimator() == AdvantageEstimator.RLOO) {
                a[i] = rlooAdvantage(rewards[i], g);
            } else {
                double s = switch (o.scaleRewards()) {
                    case GROUP -> ReferenceMath.std(g, o.std());
                    case BATCH -> batchStd;
                    case NONE -> 1.0;
                };
                a[i] = (rewards[i] - ReferenceMath.mean(g)) / scaleDivisor(s, o.stdEps());
            }
        }
        return a;
    }

    /** The raw advantage R_i − ReferenceMath.mean(group) (what {@code scale_rewards: none} gives). */
    public static double[] rawAdvantages(double[] rewards, int[] groups) {
        checkSameLength(rewards, groups);
        Map<Integer, double[]> byGroup = members(rewards, groups);
        double[] a = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            a[i] = rewards[i] - ReferenceMath.mean(byGroup.get(groups[i]));
        }
        return a;
    }

    /** REINFORCE leave-one-out: R_i − mean of the group's other rewards; 0 for a group of one. */
    static double rlooAdvantage(double reward, double[] group) {
        if (group.length < 2) {
            return 0.0;
        }
        double others = 0;
        for (double r : group) {
            others += r;
        }
        others -= reward;
        return reward - others / (group.length - 1);
    }

    /** std_eps = 0: a zero std becomes 1 (as in the worked example); std_eps &gt; 0: s + std_eps (TRL, verl). */
    static double scaleDivisor(double s, double stdEps) {
        if (stdEps == 0) {
            return s == 0 ? 1.0 : s;
        }
        return s + stdEps;
    }

    /** True for each completion whose group's rewards are all exactly equal (groups of one included). */
    public static boolean[] zeroStdRows(double[] rewards, int[] groups) {
        checkSameLength(rewards, groups);
        Map<Integer, double[]> byGroup = members(rewards, groups);
        boolean[] z = new boolean[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            double[] g = byGroup.get(groups[i]);
            boolean allEqual = true;
            for (double r : g) {
                allEqual &= r == g[0];
            }
            z[i] = allEqual;
        }
        return z;
    }

    /** Fraction of groups whose rewards are all equal (TRL's {@code frac_reward_zero_std}). */
    public static double fracRewardZeroStd(double[] rewards, int[] groups) {
        return fracRewardZeroStd(zeroStdRows(rewards, groups), groups);
    }

    private static double fracRewardZeroStd(boolean[] z, int[] groups) {
        Map<Integer, Boolean> groupZero = new LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            groupZero.put(groups[i], z[i]);
        }
        long zero = groupZero.values().stream().filter(b -> b).count();
        return groupZero.isEmpty() ? 0.0 : (double) zero / groupZero.size();
    }

    private static Map<Integer, double[]> members(double[] rewards, int[] groups) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int g : groups) {
            counts.merge(g, 1, Integer::sum);
        }
        Map<Integer, double[]> out = new LinkedHashMap<>();
        Map<Integer, Integer> filled = new LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            double[] g = out.computeIfAbsent(groups[i], k -> new double[counts.get(k)]);
            int at = filled.merge(groups[i], 1, Integer::sum) - 1;
            g[at] = rewards[i];
        }
        return out;
    }

    /**
     * GDPO advantages (TRL {@code multi_objective_aggregation: normalize_then_sum}, Liu et al. 2026): for
     * each reward function k, its applicable (non-NaN) scores are normalised within each group,
     * z = (r − mean_group) / s_group, then summed with the functions' weights, c = Σ_k w_k z_k (NaN terms
     * skipped), and the sums are normalised over the whole batch, A = (c − mean_batch) / s_batch. Both
     * divisors follow {@code std} and {@code std_eps} exactly as {@link #compute} does (TRL: sample std,
     * + 1e-4); {@code scale_rewards} does not apply.
     *
     * <p>A group where every function scores all its completions alike carries no signal: its rows are
     * flagged in {@link AdvantageResult#zeroStdRow()}, count towards {@code frac_reward_zero_std}, and get
     * an advantage of exactly 0 (their sums are 0, so this only differs from TRL by the round-off of the
     * batch mean, or when some scores are missing). The batch statistics include their rows, as in TRL.
     * The reward arrays are small (one value per completion and function), so this is plain Java in double.
     *
     * @param perFunction {@code [function][completion]} raw scores, NaN where a function does not apply
     * @param weights one weight per function
     * @param groupIndex the group (prompt) of each completion
     * @param o the std kind and epsilon
     */
    public static AdvantageResult normalizeThenSum(double[][] perFunction, double[] weights, int[] groupIndex,
            AdvantageOptions o) {
        int n = groupIndex.length;
        Map<Integer, int[]> rowsByGroup = rowsByGroup(groupIndex);
        double[] combined = new double[n];
        Map<Integer, Boolean> zeroGroup = new LinkedHashMap<>();
        rowsByGroup.keySet().forEach(g -> zeroGroup.put(g, true));
        for (int k = 0; k < perFunction.length; k++) {
            double[] r = perFunction[k];
            if (r.length != n) {
                throw new IllegalArgumentException("function " + k + " has " + r.length + " scores for " + n + " completions");
            }
            for (Map.Entry<Integer, int[]> e : rowsByGroup.entrySet()) {
                // the rows of this group the function applies to
                int[] rows = Arrays.stream(e.getValue()).filter(i -> !Double.isNaN(r[i])).toArray();
                if (rows.length == 0) {
                    continue;
                }
                double[] values = Arrays.stream(rows).mapToDouble(i -> r[i]).toArray();
                if (Arrays.stream(values).anyMatch(v -> v != values[0])) {
                    zeroGroup.put(e.getKey(), false);
                }
                double mean = ReferenceMath.mean(values);
                double s = scaleDivisor(ReferenceMath.std(values, o.std()), o.stdEps());
                for (int i : rows) {
                    combined[i] += weights[k] * ((r[i] - mean) / s);
                }
            }
        }
        double mean = n == 0 ? 0 : ReferenceMath.mean(combined);
        double s = scaleDivisor(ReferenceMath.std(combined, o.std()), o.stdEps());
        double[] adv = new double[n];
        boolean[] zeroRow = new boolean[n];
        for (int i = 0; i < n; i++) {
            zeroRow[i] = zeroGroup.get(groupIndex[i]);
            adv[i] = zeroRow[i] ? 0.0 : (combined[i] - mean) / s;
        }
        return new AdvantageResult(adv, zeroRow, fracRewardZeroStd(zeroRow, groupIndex));
    }

    /** The row indices of each group, groups in order of first appearance. */
    private static Map<Integer, int[]> rowsByGroup(int[] groups) {
        Map<Integer, int[]> out = new LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            int[] rows = out.getOrDefault(groups[i], new int[0]);
            rows = Arrays.copyOf(rows, rows.length + 1);
            rows[rows.length - 1] = i;
            out.put(groups[i], rows);
        }
        return out;
    }

    /**
     * Rows to keep when zero-std groups are filtered out of the loss (DAPO dynamic sampling,
     * {@code filter_zero_std_groups}): the indices i with {@code !zeroStdRow[i]}, in order.
     */
    public static int[] keptRows(boolean[] zeroStdRow) {
        int[] kept = new int[zeroStdRow.length];
        int k = 0;
        for (int i = 0; i < zeroStdRow.length; i++) {
            if (!zeroStdRow[i]) {
                kept[k++] = i;
            }
        }
        return Arrays.copyOf(kept, k);
    }

    private static void checkSameLength(double[] rewards, int[] groups) {
        if (rewards.length != groups.length) {
            throw new IllegalArgumentException(
                    rewards.length + " rewards but " + groups.length + " group indices");
        }
    }
}
