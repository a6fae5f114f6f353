package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/** Gradient bookkeeping DJL leaves to us: zeroing, global norm, norm clipping. */
public final class Gradients {
    private Gradients() {}

    /**
     * Zeroes every parameter's gradient in place. (DJL's {@code zeroGradients()} leaks a wrapper per
     * parameter, and gradients add up across backward calls.) A fill, not {@code g * 0}: a gradient
     * buffer that was never written may hold NaN, and NaN · 0 is NaN.
     */
    public static void zero(Map<String, NDArray> params) {
        for (NDArray p : params.values()) {
            // set(index, Number) would leave a scalar array in the parameter's manager on every call
            try (NDArray g = p.getGradient(); NDArray zero = g.getManager().zeros(new Shape(), g.getDataType())) {
                g.set(ALL, zero);
            }
        }
    }

    private static final NDIndex ALL = new NDIndex("...");

    /** Global L2 norm of all gradients, √Σ‖g‖². */
    public static double globalNorm(Map<String, NDArray> params) {
        double sumSq = 0;
        for (NDArray p : params.values()) {
            // every intermediate closed: they land in the parameter's manager, which lives for the whole run
            try (NDArray g = p.getGradient(); NDArray sq = g.square(); NDArray s = sq.sum();
                    NDArray wide = s.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)) {
                sumSq += wide.getDouble();
            }
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Clips gradients to a global norm of at most {@code maxNorm} like PyTorch's
     * {@code clip_grad_norm_} (scale by maxNorm / (norm + 1e-6) when norm exceeds maxNorm).
     *
     * @return the norm before clipping (what TRL reports as {@code grad_norm})
     */
    public static double clipByGlobalNorm(Map<String, NDArray> params, double maxNorm) {
        double norm = globalNorm(params);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray p : params.values()) {
                try (NDArray g = p.getGradient()) {
                    g.muli(scale);
                }
            }
        }
        return norm;
    }
}
