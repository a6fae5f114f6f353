package io.github.grpo4j.internal.reward;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rewards of one batch.
 *
 * @param names       the functions' names, in {@link RewardSet} order
 * @param weights     the functions' weights, same order
 * @param perFunction {@code [function][completion]} raw (unweighted) score; NaN where the function
 *                    returned null, NaN or ±inf (i.e. "not applicable")
 * @param total       {@code [completion]} R = Σ_k w_k r_k over the applicable terms
 * @param nonFinite   {@code [function]} how many NaN / ±inf scores the function returned (warnings)
 * @param errors      {@code [function]} how many completions the function failed on and were scored 0
 *                    under {@code reward_on_error: zero}
 */
public record RewardResult(
        List<String> names, double[] weights, double[][] perFunction, double[] total, int[] nonFinite, int[] errors) {

    /**
     * The scores of completions {@code rows}, in that order; the warning counts stay those of the whole
     * batch (they were reported when it was scored).
     */
    public RewardResult rows(int[] rows) {
        double[][] per = new double[perFunction.length][rows.length];
        double[] tot = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < per.length; k++) {
                per[k][i] = perFunction[k][rows[i]];
            }
            tot[i] = total[rows[i]];
        }
        return new RewardResult(names, weights, per, tot, nonFinite, errors);
    }

    /** Batches scored by the same functions, one after the other; warning counts add up. */
    public static RewardResult concat(List<RewardResult> parts) {
        RewardResult first = parts.get(0);
        int n = parts.stream().mapToInt(RewardResult::size).sum();
        int k = first.perFunction.length;
        double[][] per = new double[k][n];
        double[] tot = new double[n];
        int[] nonFinite = new int[k];
        int[] errors = new int[k];
        int at = 0;
        for (RewardResult p : parts) {
            if (!p.names.equals(first.names)) {
                throw new IllegalArgumentException("scored by other functions: " + p.names + " vs " + first.names);
            }
            for (int f = 0; f < k; f++) {
                System.arraycopy(p.perFunction[f], 0, per[f], at, p.size());
                nonFinite[f] += p.nonFinite[f];
                errors[f] += p.errors[f];
            }
            System.arraycopy(p.total, 0, tot, at, p.size());
            at += p.size();
        }
        return new RewardResult(first.names, first.weights, per, tot, nonFinite, errors);
    }

    /** Number of completions scored. */
    public int size() {
        return total.length;
    }

    /** Index of a function by name; IllegalArgumentException when unknown. */
    public int indexOf(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no reward function '" + name + "' in " + names);
        }
        return i;
    }

    /** The raw score of function {@code name} for completion {@code i}; null when not applicable. */
    public Double value(String name, int i) {
        double v = perFunction[indexOf(name)][i];
        return Double.isNaN(v) ? null : v;
    }

    /** Mean of a function's applicable scores (TRL {@code rewards/<fn>/mean}); NaN when none applied. */
    public double mean(String name) {
        return RewardStats.nanmean(perFunction[indexOf(name)]);
    }

    /** Sample std of a function's applicable scores (TRL {@code rewards/<fn>/std}); NaN below two. */
    public double std(String name) {
        return RewardStats.nanstd(perFunction[indexOf(name)]);
    }

    /**
     * The per-function metrics with TRL's names, in function order: {@code rewards/<fn>/mean} and
     * {@code rewards/<fn>/std} (see {@link RewardStats} for the NaN rules). {@code reward} and
     * {@code reward_std} over {@link #total} are the trainer's, since TRL computes them per group.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            m.put("rewards/" + names.get(k) + "/mean", RewardStats.nanmean(perFunction[k]));
            m.put("rewards/" + names.get(k) + "/std", RewardStats.nanstd(perFunction[k]));
        }
        return m;
    }
}
