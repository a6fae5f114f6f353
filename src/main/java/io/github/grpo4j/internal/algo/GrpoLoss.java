package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.internal.tensor.Scalars;

/**
 * The GRPO loss of one micro-batch (docs/algorithm.md §3–§5), straight down the page:
 *
 * <pre>
 *   ρ   = exp(log π_θ − log π_old)                  token level, or GSPO's per-sequence ratio
 *   L   = min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A)      (+ dual clip for A &lt; 0)
 *   KL  = k1 / k2 / k3 of Δ = clamp(log π_ref − log π_θ, −20, 20)
 *   ℓ   = −(L − β·KL)
 *   loss = aggregate(ℓ, mask) normalised by the WHOLE batch's counts (grpo / bnpo / dapo / dr_grpo)
 * </pre>
 *
 * With μ = 1 pass the trainer passes {@code oldLogp = logp.stopGradient()}: ρ is exactly 1 in value but
 * its gradient is ∇log π_θ, so the loss is ~0 while the gradient is the policy gradient.
 */
public final class GrpoLoss {
    private GrpoLoss() {}

    /**
     * Computes this micro-batch's share of the loss and its metric sums.
     *
     * @param logp {@code [B, T]} log π_θ of the completion tokens, differentiable
     * @param oldLogp {@code [B, T]} log π_old (sampling log-probs, or {@code logp.stopGradient()})
     * @param refLogp {@code [B, T]} log π_ref, or null (only allowed when β = 0; then KL is not computed)
     * @param advantages {@code [B]} one advantage per completion
     * @param mask {@code [B, T]} 1 for completion tokens that count, 0 for padding / masked completions.
     *     Values of the log-prob tensors under mask 0 are ignored (they may be −inf or NaN)
     * @param o loss options
     * @param totals counts of the whole batch this micro-batch belongs to
     * @return the loss (scalar in {@code logp}'s manager) and the metric sums; intermediates are closed
     */
    public static LossTerms compute(
            NDArray logp,
            NDArray oldLogp,
            NDArray refLogp,
            NDArray advantages,
            NDArray mask,
            LossOptions o,
            BatchTotals totals) {
        Shape bt = logp.getShape();
        if (bt.dimension() != 2) {
            throw new IllegalArgumentException("logp must be [batch, seq], got " + bt);
        }
        requireShape("oldLogp", oldLogp, bt);
        requireShape("mask", mask, bt);
        requireShape("advantages", advantages, new Shape(bt.get(0)));
        if (refLogp == null) {
            if (o.beta() != 0) {
                throw new IllegalArgumentException("beta is " + o.beta() + " but refLogp is null");
            }
        } else {
            requireShape("refLogp", refLogp, bt);
        }
        DataType type = logp.getDataType();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray on = mask.gt(0); // [B, T] bool
            NDArray m = NDArrays.where(on, mask.toType(type, false), logp.zerosLike()); // [B, T]
            // padding may hold -inf / NaN log-probs: replace them before any op so neither the value nor
            // the gradient can turn into NaN (NaN * 0 is NaN)
            NDArray lp = NDArrays.where(on, logp, logp.zerosLike()); // [B, T]
            NDArray olp = NDArrays.where(on, oldLogp.toType(type, false), logp.zerosLike()); // [B, T]
            NDArray adv = advantages.toType(type, false).expandDims(1); // [B, 1]

            NDArray ratio = ImportanceRatios.of(o.level(), lp.sub(olp), m); // [B, T]
            NDArray surrogate =
                    ClippedSurrogate.surrogate(ratio, adv, o.epsilonLow(), o.epsilonHigh(), o.dualClip()); // [B, T]
            NDArray tokenLoss = surrogate.neg(); // [B, T]
            NDArray kl = null;
            if (refLogp != null) {
                NDArray rlp = NDArrays.where(on, refLogp.toType(type, false), logp.zerosLike()); // [B, T]
                kl = KlPenalty.of(o.kl(), lp, rlp); // [B, T]
                if (o.beta() != 0) {
                    tokenLoss = tokenLoss.add(Scalars.mul(kl, o.beta()));
                }
            }
            NDArray loss = LossAggregation.of(o.lossType(), tokenLoss, m, totals); // scalar

            // metric sums, fetched in one transfer
            NDArray ratioValue = ratio.stopGradient();
            NDArray low = ClippedSurrogate.lowClipped(ratioValue, adv, o.epsilonLow()).toType(type, false);
            NDArray high = ClippedSurrogate.highClipped(ratioValue, adv, o.epsilonHigh()).toType(type, false);
            NDArray region = low.maximum(high);
            NDArray klValue = kl == null ? m.zerosLike() : kl.stopGradient();
            NDArray sums = NDArrays.stack(new NDList(
                            klValue.mul(m).sum(), low.mul(m).sum(), high.mul(m).sum(), region.mul(m).sum(), m.sum(),
                            ratioValue.mul(m).sum()))
                    .toType(DataType.FLOAT64, false); // [6], in the order of LossTerms' sums
            double[] s = sums.toDoubleArray();
            double klSum = s[0], clipLowSum = s[1], clipHighSum = s[2], clipRegionSum = s[3], tokens = s[4],
                    ratioSum = s[5];
            NDScope.unregister(loss);
            return new LossTerms(loss, klSum, clipLowSum, clipHighSum, clipRegionSum, tokens, ratioSum);
        }
    }

    private static void requireShape(String name, NDArray a, Shape expected) {
        if (!a.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " must have shape " + expected + ", got " + a.getShape());
        }
    }
}
