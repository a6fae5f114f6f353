package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.config.StdKind;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor twin of {@link Advantages}, kept for the tests: the same advantages computed with
 * NDArray ops (a group-membership matrix and matmuls) instead of loops, so that two independent
 * computations check each other. Batched: completion i belongs to group {@code groupIndex[i]}
 * (its prompt), so groups may have different sizes and need not be contiguous.
 *
 * <ul>
 *   <li>{@code grpo} (DeepSeekMath, Shao et al. 2024): A_i = (R_i − mean(group)) / s, with s the std of
 *       the group ({@code scale_rewards: group}), of the whole batch ({@code batch}) or 1 ({@code none},
 *       Dr. GRPO). std_eps = 0: s = 0 becomes 1 (the worked example of docs/algorithm.md); std_eps &gt; 0: divide by s + std_eps.
 *   <li>{@code rloo} (REINFORCE leave-one-out, Ahmadian et al. 2024; verl): A_i = R_i − mean of the other
 *       G − 1 rewards = G/(G − 1)·(R_i − mean), never divided by a std; a group of one gets 0.
 * </ul>
 *
 * A group whose rewards are all exactly equal carries no signal: its advantages are exactly 0 (not the
 * round-off of R − mean(R)), its rows are flagged in {@link AdvantageResult#zeroStdRow()} and it counts
 * towards {@code frac_reward_zero_std}. Statistics are computed in float64 and the result is cast back to
 * the rewards' type.
 */
final class TensorAdvantages {
    private TensorAdvantages() {}

    /**
     * Computes the advantages of a batch.
     *
     * @param rewards {@code [N]} total reward per completion
     * @param groupIndex length N: the group (prompt) of each completion; any ints, equal int = same group
     * @param o estimator and scaling options
     * @return advantages {@code [N]} in the rewards' manager and type, zero-std flags and their fraction
     */
    static Result compute(NDArray rewards, int[] groupIndex, AdvantageOptions o) {
        Shape shape = rewards.getShape();
        if (shape.dimension() != 1 || shape.get(0) != groupIndex.length) {
            throw new IllegalArgumentException(
                    "rewards must be [N] with N = groupIndex.length = " + groupIndex.length + ", got " + shape);
        }
        int n = groupIndex.length;
        int[] group = compactGroups(groupIndex);
        int groups = n == 0 ? 0 : Arrays.stream(group).max().getAsInt() + 1;
        if (n == 0) {
            return new Result(rewards.duplicate(), new boolean[0], 0.0);
        }
        NDManager manager = rewards.getManager();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // membership matrix: member[i][g] = 1 when completion i is in group g
            double[] onehot = new double[n * groups];
            for (int i = 0; i < n; i++) {
                onehot[i * groups + group[i]] = 1.0;
            }
            NDArray member = manager.create(onehot, new Shape(n, groups)); // [N, G]
            NDArray r = rewards.toType(DataType.FLOAT64, true); // [N]
            NDArray counts = member.sum(new int[] {0}); // [G]

            NDArray rowConstant = constantGroupRows(r, member); // [N] bool
            NDArray dev = r.sub(toRows(member, groupSums(member, r).div(counts))); // [N] R − mean(group)
            NDArray adv = switch (o.estimator()) {
                case GRPO -> dev.div(scale(r, dev, member, counts, o));
                case RLOO -> dev.mul(toRows(member, rlooFactor(counts)));
            };
            adv = NDArrays.where(rowConstant, manager.zeros(new Shape(n), DataType.FLOAT64), adv);
            NDArray result = adv.toType(rewards.getDataType(), true);
            NDScope.unregister(result);

            boolean[] zeroRow = rowConstant.toBooleanArray();
            boolean[] zeroGroup = new boolean[groups];
            for (int i = 0; i < n; i++) {
                zeroGroup[group[i]] = zeroRow[i];
            }
            int zero = 0;
            for (boolean z : zeroGroup) {
                zero += z ? 1 : 0;
            }
            return new Result(result, zeroRow, (double) zero / groups);
        }
    }

    /** The tensor result: advantages {@code [N]} in the rewards' manager and type, zero-std flags, their fraction. */
    record Result(NDArray advantages, boolean[] zeroStdRow, double fracRewardZeroStd) {}

    /** The divisor s of the grpo estimator, per row: group std, batch std or 1, then the std_eps rule. */
    static NDArray scale(NDArray r, NDArray dev, NDArray member, NDArray counts, AdvantageOptions o) {
        NDArray s = switch (o.scaleRewards()) {
            case GROUP -> toRows(member, groupStd(dev, member, counts, o.std()));
            case BATCH -> batchStd(r, o.std()).broadcast(r.getShape());
            case NONE -> r.onesLike();
        };
        if (o.stdEps() == 0) {
            // the seed: "if the standard deviation is 0, set it to 1"
            return NDArrays.where(s.eq(0), s.onesLike(), s);
        }
        return s.add(o.stdEps());
    }

    /** Per-group std of the rewards from their deviations to the group mean: [G]. */
    static NDArray groupStd(NDArray dev, NDArray member, NDArray counts, StdKind kind) {
        NDArray dof = kind == StdKind.SAMPLE ? counts.sub(1).maximum(1) : counts; // a group of 1 has var 0
        return groupSums(member, dev.square()).div(dof).sqrt();
    }

    /** Std of every reward of the batch around the batch mean (TRL's {@code scale_rewards: batch}): scalar. */
    static NDArray batchStd(NDArray r, StdKind kind) {
        long n = r.getShape().get(0);
        double dof = kind == StdKind.SAMPLE ? Math.max(n - 1, 1) : n;
        return r.sub(r.mean()).square().sum().div(dof).sqrt();
    }

    /** RLOO's G/(G − 1) per group, with 1 for a group of one (whose deviation is 0 anyway): [G]. */
    static NDArray rlooFactor(NDArray counts) {
        return counts.div(counts.sub(1).maximum(1));
    }

    /** True for rows whose group's rewards are all exactly equal (max == min): [N] bool. */
    static NDArray constantGroupRows(NDArray r, NDArray member) {
        NDArray in = member.gt(0); // [N, G]
        NDArray col = r.expandDims(1).broadcast(member.getShape()); // [N, G]
        NDArray inf = col.onesLike().mul(Double.POSITIVE_INFINITY);
        NDArray max = NDArrays.where(in, col, inf.neg()).max(new int[] {0}); // [G]
        NDArray min = NDArrays.where(in, col, inf).min(new int[] {0}); // [G]
        NDArray constant = max.eq(min).toType(DataType.FLOAT64, false); // [G]
        return toRows(member, constant).gt(0.5);
    }

    /** Σ over each group's rows: [N] values → [G]. */
    static NDArray groupSums(NDArray member, NDArray values) {
        return values.expandDims(0).matMul(member).squeeze(0);
    }

    /** Broadcasts a per-group value to the group's rows: [G] → [N]. */
    static NDArray toRows(NDArray member, NDArray perGroup) {
        return member.matMul(perGroup.expandDims(1)).squeeze(1);
    }

    /** Renumbers arbitrary group ids 0..G−1 in order of first appearance. */
    static int[] compactGroups(int[] groupIndex) {
        Map<Integer, Integer> ids = new LinkedHashMap<>();
        int[] out = new int[groupIndex.length];
        for (int i = 0; i < groupIndex.length; i++) {
            out[i] = ids.computeIfAbsent(groupIndex[i], k -> ids.size());
        }
        return out;
    }
}
