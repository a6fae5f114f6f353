package io.github.grpo4j.internal.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java data whose memory PyTorch owns.
 *
 * <p>DJL's {@code NDManager.create(...)} wraps a direct buffer without copying ({@code from_blob}); only
 * the Java wrapper keeps that buffer alive. When autograd saves such an array for the backward pass
 * (the ids of an embedding, the index of a gather, a mask multiplied in) and the wrapper is closed before
 * {@code backward()} runs, the buffer is freed and backward reads garbage: wrong gradients, or an
 * "index out of bounds" with a random index. A copy owned by PyTorch lives as long as autograd needs it.
 */
public final class OwnedArrays {
    private OwnedArrays() {}

    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    /** A PyTorch-owned copy of {@code aliasing}, which is closed. */
    public static NDArray owned(NDArray aliasing) {
        NDArray copy = aliasing.duplicate();
        aliasing.close();
        return copy;
    }
}
