package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Map;

/** Restores AdamW moments as a resume does, in a fresh process (for {@link AdamWResumeTest}). */
public final class OptimizerLoadMain {
    private OptimizerLoadMain() {}

    /** Prints the restored first moment, so the test sees the load happened. */
    public static void main(String[] args) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {1f, 2f, 3f});
            AdamW adam = new AdamW(manager, Map.of("w", w), AdamW.Options.defaults());
            adam.load(Map.of("m.w", new float[] {0.5f, -1f, 2f}, "v.w", new float[] {1f, 1f, 4f}), 7);
            System.out.println("restored m.w = " + Arrays.toString(adam.state().get("m.w").toFloatArray()) + " step " + adam.step());
        }
    }
}
