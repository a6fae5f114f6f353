package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
            if (!holdsGradient(p)) {
                continue; // released: the next backward creates it, so it is zero already
            }
            // set(index, Number) would leave a scalar array in the parameter's manager on every call
            try (NDArray g = p.getGradient(); NDArray zero = g.getManager().zeros(new Shape(), g.getDataType())) {
                g.set(ALL, zero);
            }
        }
    }

    /**
     * Frees every parameter's gradient, as PyTorch's {@code zero_grad(set_to_none=True)} (its default) does.
     * Gradients take as much memory as the weights; released after each optimizer update, they do not exist
     * during generation and the reference forward, and in the next backward each appears only when it is
     * written. The next backward creates each gradient instead of adding into a zeroed one: the same values.
     * A parameter that then gets no gradient reads as zeros ({@code getGradient}), as a zeroed one did.
     *
     * <p>DJL has no call that unsets a gradient, so the PyTorch tensor behind each parameter is replaced by a
     * fresh leaf over the same storage: the parameter keeps its Java object (every holder sees the change)
     * and its values, and the old tensor, with its gradient, is freed.
     */
    public static void release(Map<String, NDArray> params) {
        for (NDArray p : params.values()) {
            if (p instanceof PtNDArray pt && holdsGradient(pt)) {
                NDArray fresh = pt.stopGradient(); // a new leaf sharing the storage, no gradient
                fresh.setRequiresGradient(true);
                pt.intern(fresh); // pt now wraps fresh's tensor; its old tensor and gradient are deleted
            }
        }
    }

    /** Whether {@code p} holds a gradient buffer now (false after {@link #release} until a backward writes it). */
    public static boolean holdsGradient(NDArray p) {
        if (!(p instanceof PtNDArray pt)) {
            return true;
        }
        PtNDArray g = JniUtils.getGradient(pt); // null when undefined; NDArray.getGradient would make zeros
        if (g == null) {
            return false;
        }
        g.close();
        return true;
    }

    private static final NDIndex ALL = new NDIndex("...");

    /** Global L2 norm of all gradients, √Σ‖g‖². */
    public static double globalNorm(Map<String, NDArray> params) {
        double sumSq = 0;
        for (NDArray p : params.values()) {
            // each tensor's 2-norm in one pass without a temporary the tensor's size (as clip_grad_norm_ does),
            // of the flattened tensor: a vector norm whatever the rank. Every intermediate closed: they land in
            // the parameter's manager, which lives for the whole run
            try (NDArray g = p.getGradient(); NDArray flat = g.reshape(-1); NDArray n = flat.norm();
                    NDArray wide = n.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)) {
                double norm = wide.getDouble();
                sumSq += norm * norm;
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
