package io.github.grpo4j.internal.tensor;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches PyTorch's gradient recording for the current thread and restores it on close, like torch's
 * {@code no_grad} / {@code enable_grad} blocks. Inside an open {@code GradientCollector} recording is on;
 * work whose graph would only be thrown away (values recomputed later with gradients) runs with it off.
 */
public final class GradMode implements AutoCloseable {
    private final boolean previous;

    private GradMode(boolean enabled) {
        this.previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** {@return a block in which no autograd graph is recorded} */
    public static GradMode off() {
        return new GradMode(false);
    }

    /** {@return a block in which ops on arrays that require gradients are recorded} */
    public static GradMode on() {
        return new GradMode(true);
    }

    /** {@return whether ops are recorded for autograd right now on this thread} */
    public static boolean recording() {
        return JniUtils.isGradMode();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
