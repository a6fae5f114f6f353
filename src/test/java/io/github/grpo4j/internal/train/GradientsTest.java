package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientsTest {

    /** sum(a²) + sum(b²), whose gradients are 2a and 2b; every result lives in {@code s}. */
    private static NDArray loss(NDArray a, NDArray b, NDManager s) {
        NDArray sa = a.square(); // lands in a's manager: move it to the scope
        sa.attach(s);
        NDArray sb = b.square();
        sb.attach(s);
        return sa.sum().add(sb.sum());
    }

    /** One backward of {@link #loss} over {@code a} and {@code b}: adds 2a and 2b to their gradients. */
    private static void backward(NDManager m, NDArray a, NDArray b) {
        try (NDManager s = m.newSubManager(); GradientCollector c = Engine.getInstance().newGradientCollector()) {
            c.backward(loss(a, b, s));
        }
    }

    /** {@code a} and {@code b} as parameters "a" and "b", gradients on, after one {@link #backward}. */
    private static Map<String, NDArray> withGradients(NDManager m, NDArray a, NDArray b) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        backward(m, a, b);
        return params;
    }

    /** Zeroing, norm and clipping run every step: they must leave nothing behind in the parameters' manager. */
    @Test
    void zeroNormAndClipLeaveNoArraysInTheParameterManagerAndComputeTheNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3});
            NDArray b = m.create(new float[] {4, 5});
            Map<String, NDArray> params = withGradients(m, a, b);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                double norm = Gradients.clipByGlobalNorm(params, 1.0);
                // ‖2·(1,2,3,4,5)‖ = 2·√55
                assertThat(norm).isCloseTo(2 * Math.sqrt(55), within(1e-4));
                Gradients.zero(params);
                assertThat(Gradients.globalNorm(params)).isZero();
                backward(m, a, b);
            }
            assertThat(m.getManagedArrays()).hasSize(before);
        }
    }

    /**
     * release frees each gradient (as PyTorch's zero_grad(set_to_none=True)) and keeps the weights, their Java
     * objects and their gradient switch: the next backward gives the same gradient as after zeroing.
     */
    @Test
    void releaseFreesTheGradientsAndTheNextBackwardRecreatesThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray b = m.create(new float[] {4, 5});
            Map<String, NDArray> params = withGradients(m, a, b);
            float[] first;
            try (NDArray g = a.getGradient()) {
                first = g.toFloatArray();
            }
            assertThat(first).containsExactly(2, 4, 6, 8, 10, 12);
            int arrays = m.getManagedArrays().size();
            Gradients.release(params);
            assertThat(Gradients.holdsGradient(a)).isFalse();
            assertThat(Gradients.holdsGradient(b)).isFalse();
            assertThat(params.get("a")).isSameAs(a);
            assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(a.hasGradient()).isTrue();
            Gradients.zero(params); // nothing to zero: allocates nothing
            assertThat(m.getManagedArrays()).hasSize(arrays);
            backward(m, a, b);
            assertThat(Gradients.holdsGradient(a)).isTrue();
            try (NDArray g = a.getGradient(); NDArray h = b.getGradient()) {
                assertThat(g.toFloatArray()).containsExactly(first);
                assertThat(h.toFloatArray()).containsExactly(8, 10);
            }
            assertThat(m.getManagedArrays()).hasSize(arrays);
        }
    }

    /** A matrix's gradient counts with its Frobenius norm, squared into the global sum with the others'. */
    @Test
    void theGlobalNormOfAMatrixGradientIsItsFrobeniusNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray b = m.create(new float[] {4, 5});
            // ‖2·(1..6, 4, 5)‖ = 2·√(91 + 41)
            assertThat(Gradients.globalNorm(withGradients(m, a, b))).isCloseTo(2 * Math.sqrt(132), within(1e-4));
        }
    }
}
