package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.tensor.Scalars;

/**
 * The GRPO loss of one micro-batch (docs/algorithm.md §3–§5), straight down the page:
 *
 * <pre>
 *   ρ   = exp(log π_θ − log π_old)                  token level, or GSPO's per-sequence ratio
 *   L   = min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A)      (+ dual clip for A &lt; 0)
 *         or, for loss_type cispo, sg(min(ρ, ε_high))·A·log π_θ   (MiniMax-M1)
 *   KL  = k1 / k2 / k3 of Δ = clamp(log π_ref − log π_θ, −20, 20)
 *   ℓ   = −(L·keep − β·KL) − c_H·H   keep: top_entropy_quantile's mask (1 by default); c_H: entropy_coeff
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
        return compute(logp, oldLogp, refLogp, advantages, mask, o, totals, null);
    }

    /**
     * As {@link #compute(NDArray, NDArray, NDArray, NDArray, NDArray, LossOptions, BatchTotals)}, with the
     * per-token entropies that the entropy options need.
     *
     * @param entropy {@code [B, T]} entropy of each token's distribution, or null when neither
     *     {@code entropy_coeff} nor {@code top_entropy_quantile} is used. With {@code entropy_coeff} ≠ 0 it
     *     must be differentiable: the bonus −coeff·H is added to every token's loss and aggregated like it.
     *     With {@code top_entropy_quantile} &lt; 1 the policy term (not the KL) counts only on the tokens
     *     {@link EntropyMask} keeps, while the normaliser still counts every token (as TRL)
     */
    public static LossTerms compute(
            NDArray logp,
            NDArray oldLogp,
            NDArray refLogp,
            NDArray advantages,
            NDArray mask,
            LossOptions o,
            BatchTotals totals,
            NDArray entropy) {
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
        boolean needsEntropy = o.entropyCoeff() != 0 || o.topEntropyQuantile() < 1;
        if (needsEntropy) {
            if (entropy == null) {
                throw new IllegalArgumentException("entropy_coeff / top_entropy_quantile need the entropies");
            }
            requireShape("entropy", entropy, bt);
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
            boolean cispo = o.lossType() == LossType.CISPO;
            NDArray objective = cispo
                    ? cispoObjective(ratio, adv, lp, o.epsilonHigh()) // [B, T]
                    : ClippedSurrogate.surrogate(ratio, adv, o.epsilonLow(), o.epsilonHigh(), o.dualClip()); // [B, T]
            NDArray tokenLoss = objective.neg(); // [B, T]
            NDArray ent = needsEntropy ? NDArrays.where(on, entropy.toType(type, false), logp.zerosLike()) : null;
            if (o.topEntropyQuantile() < 1) {
                tokenLoss = tokenLoss.mul(EntropyMask.highEntropy(ent, on, o.topEntropyQuantile())); // [B, T]
            }
            NDArray kl = null;
            if (refLogp != null) {
                NDArray rlp = NDArrays.where(on, refLogp.toType(type, false), logp.zerosLike()); // [B, T]
                kl = KlPenalty.of(o.kl(), lp, rlp); // [B, T]
                if (o.beta() != 0) {
                    tokenLoss = tokenLoss.add(Scalars.mul(kl, o.beta()));
                }
            }
            if (o.entropyCoeff() != 0) {
                tokenLoss = tokenLoss.sub(Scalars.mul(ent, o.entropyCoeff())); // entropy bonus
            }
            NDArray loss = LossAggregation.of(o.lossType(), tokenLoss, m, totals); // scalar

            // metric sums, fetched in one transfer
            NDArray ratioValue = ratio.stopGradient();
            NDArray low = cispo
                    ? m.zerosLike() // CISPO has no lower clip
                    : ClippedSurrogate.lowClipped(ratioValue, adv, o.epsilonLow()).toType(type, false);
            NDArray high = cispo
                    ? ratioValue.gt(o.epsilonHigh()).logicalAnd(adv.gt(0).broadcast(ratioValue.getShape()))
                            .toType(type, false) // TRL's cispo_clip_ratio
                    : ClippedSurrogate.highClipped(ratioValue, adv, o.epsilonHigh()).toType(type, false);
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

    /**
     * CISPO's per-token objective sg(min(ρ, ε_max))·A·log π_θ: the clipped importance weight is a
     * constant, so the gradient is min(ρ, ε_max)·A·∇log π_θ on every token, clipped or not.
     */
    static NDArray cispoObjective(NDArray ratio, NDArray adv, NDArray logp, double epsilonMax) {
        NDArray weight = ratio.stopGradient().minimum(epsilonMax); // no gradient path: a plain number is safe
        return weight.mul(adv).mul(logp);
    }

    private static void requireShape(String name, NDArray a, Shape expected) {
        if (!a.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " must have shape " + expected + ", got " + a.getShape());
        }
    }
}
