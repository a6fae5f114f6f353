package io.github.grpo4j.internal.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Sets PyTorch's intra-op thread count. The system property is read once when the engine starts;
 * when it has started already (another command, a test in the same JVM) {@code torch.set_num_threads}
 * is called directly, which PyTorch allows at any time. Inter-op threads can only be set before the
 * engine's first parallel work, so they are left to {@code cli.Engines} (1).
 */
public final class Threads {
    private Threads() {}

    /** Applies {@code threads} and returns the count PyTorch reports afterwards. */
    public static int apply(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        Engine.getEngine("PyTorch"); // starts the engine (reading the property) if it has not started
        JniUtils.setNumThreads(threads);
        return JniUtils.getNumThreads();
    }
}
