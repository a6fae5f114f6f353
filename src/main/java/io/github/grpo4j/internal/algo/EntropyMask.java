package io.github.grpo4j.internal.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * TRL's {@code top_entropy_quantile} (Wang et al. 2025, "Beyond the 80/20 rule"): the policy term is kept
 * only on the completion tokens whose entropy is at least the (1 − q)-quantile of the entropies of the
 * tokens scored together, i.e. on the top q share of the most uncertain ("forking") tokens.
 */
public final class EntropyMask {
    private EntropyMask() {}

    /**
     * The tokens to train on.
     *
     * @param entropy {@code [B, T]} per-token entropy (its gradient is not used)
     * @param on {@code [B, T]} bool, the tokens that count
     * @param topQuantile q in (0, 1]: 1 keeps every token; the threshold is the (1 − q)-quantile of the
     *     entropies under {@code on}, linearly interpolated as {@code torch.quantile}, and a token is kept
     *     when its entropy is ≥ the threshold (ties are kept)
     * @return {@code [B, T]} in {@code entropy}'s type: 1 for kept tokens, 0 elsewhere
     */
    public static NDArray highEntropy(NDArray entropy, NDArray on, double topQuantile) {
        DataType type = entropy.getDataType();
        NDArray e = entropy.stopGradient();
        if (topQuantile >= 1) {
            return on.toType(type, false);
        }
        int n = (int) on.toType(DataType.INT64, false).sum().getLong();
        if (n == 0) {
            return e.zerosLike();
        }
        // padding sorts first as -inf, so the n counted entropies are the last n of the sorted row
        NDArray flat = NDArrays.where(on, e, e.onesLike().mul(Double.NEGATIVE_INFINITY)).flatten().sort();
        long offset = flat.size() - n;
        double pos = (1 - topQuantile) * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        double vLo = flat.getFloat(offset + lo);
        double vHi = flat.getFloat(offset + hi);
        double threshold = vLo + (vHi - vLo) * (pos - lo);
        return e.gte(threshold).logicalAnd(on).toType(type, false);
    }
}
