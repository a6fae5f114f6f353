package io.github.grpo4j.internal.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a Java number that is safe under autograd.
 *
 * <p>DJL's {@code x.mul(2)} turns the number into a 0-d array that aliases a Java direct buffer
 * ({@code from_blob}) and closes it at once. Autograd saves that array for the backward pass of
 * {@code mul}, {@code div}, {@code pow}, {@code maximum} and {@code minimum}; once Java has collected the
 * buffer, backward reads whatever the memory holds then (seen as NaN gradients). These helpers make the
 * number a PyTorch-owned 0-d array of x's type instead. Use them for every op with a number on a path
 * that gradients flow through, and {@link #clip} for clamping; {@code add}/{@code sub} save nothing and
 * comparisons have no gradient, so those are safe as they are.
 */
public final class Scalars {
    private Scalars() {}

    public static NDArray mul(NDArray x, double value) {
        try (NDArray s = scalar(x, value)) {
            return x.mul(s);
        }
    }

    public static NDArray div(NDArray x, double value) {
        try (NDArray s = scalar(x, value)) {
            return x.div(s);
        }
    }

    public static NDArray maximum(NDArray x, double value) {
        try (NDArray s = scalar(x, value)) {
            return x.maximum(s);
        }
    }

    public static NDArray minimum(NDArray x, double value) {
        try (NDArray s = scalar(x, value)) {
            return x.minimum(s);
        }
    }

    /**
     * {@code clamp(x, low, high)} with the same gradient (1 inside [low, high], boundaries included,
     * 0 outside). DJL's {@code clip(number, number)} has the same freed-buffer problem as the rest.
     */
    public static NDArray clip(NDArray x, double low, double high) {
        // DJL's where does not broadcast: the bounds are expanded (views, no copy) to x's shape
        try (NDArray lo = scalar(x, low);
                NDArray hi = scalar(x, high);
                NDArray loFull = lo.broadcast(x.getShape());
                NDArray hiFull = hi.broadcast(x.getShape());
                NDArray below = x.lt(lo);
                NDArray above = x.gt(hi);
                NDArray upper = NDArrays.where(above, hiFull, x)) {
            return NDArrays.where(below, loFull, upper);
        }
    }

    /** A 0-d array of {@code x}'s type and manager whose memory PyTorch owns. */
    public static NDArray scalar(NDArray x, double value) {
        return x.getManager().full(new Shape(), (float) value, x.getDataType());
    }
}
