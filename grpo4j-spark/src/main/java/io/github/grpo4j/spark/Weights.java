package io.github.grpo4j.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.github.grpo4j.internal.tensor.GradMode;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trainable weights as they travel from the driver to the executors (a broadcast per update): the LoRA
 * adapter's A and B matrices, or every weight of a model that is trained in full.
 *
 * @param values each parameter's values, row-major, by name in the policy's order
 */
record Weights(LinkedHashMap<String, float[]> values) implements Serializable {

    private static final NDIndex ALL = new NDIndex("...");

    /** A snapshot of {@code params}. */
    static Weights of(Map<String, NDArray> params) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, p.toFloatArray()));
        return new Weights(out);
    }

    /** Writes these values into {@code params} in place (same names and sizes). */
    void copyInto(Map<String, NDArray> params) {
        if (!params.keySet().equals(values.keySet())) {
            throw new IllegalStateException("the executor's model has parameters " + params.keySet()
                    + " but the driver sent " + values.keySet() + ": they must be built from the same config");
        }
        // no graph: an in-place write to a leaf that requires a gradient is refused while recording
        // (grad mode is per thread, and a Spark task thread starts with it on)
        try (GradMode off = GradMode.off()) {
            params.forEach((name, p) -> {
                try (NDArray src = p.getManager().create(values.get(name), p.getShape())) {
                    p.set(ALL, src);
                }
            });
        }
    }

    /** Number of floats. */
    long size() {
        long n = 0;
        for (float[] v : values.values()) {
            n += v.length;
        }
        return n;
    }
}
