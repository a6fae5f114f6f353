package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntropyByPositionTest {

    @Test
    void meansPerBucketOverTwoMicroBatchesByHand() {
        // positions 0..9; row entropies = position / 10, so bucket 0-7 holds 0.0 .. 0.7 and bucket 8-31 holds 0.8, 0.9
        float[] e = new float[10];
        for (int t = 0; t < 10; t++) {
            e[t] = t / 10f;
        }
        float[] full = new float[10];
        java.util.Arrays.fill(full, 1f);
        float[] short3 = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
        EntropyByPosition p = new EntropyByPosition(40);
        try (NDManager m = NDManager.newBaseManager()) {
            p.add(m.create(e, new Shape(1, 10)), m.create(full, new Shape(1, 10)));
            p.add(m.create(e, new Shape(1, 10)), m.create(short3, new Shape(1, 10)));
        }
        Map<String, Double> metrics = p.metrics();
        // bucket 0-7: (0+...+0.7) + (0+0.1+0.2) = 2.8 + 0.3 over 8 + 3 tokens; bucket 8-31: (0.8+0.9) / 2
        assertThat(metrics.keySet()).containsExactly("entropy/pos_0-7", "entropy/pos_8-31", "entropy/pos_32-127");
        assertThat(metrics.get("entropy/pos_0-7")).isCloseTo(3.1 / 11, within(1e-6));
        assertThat(metrics.get("entropy/pos_8-31")).isCloseTo(0.85, within(1e-6));
        assertThat(metrics.get("entropy/pos_32-127")).isNaN();
    }

    @Test
    void bucketNames() {
        assertThat(EntropyByPosition.bucket(0)).isZero();
        assertThat(EntropyByPosition.bucket(7)).isZero();
        assertThat(EntropyByPosition.bucket(8)).isEqualTo(1);
        assertThat(EntropyByPosition.bucket(10_000)).isEqualTo(4);
        assertThat(EntropyByPosition.name(4)).isEqualTo("entropy/pos_512+");
    }
}
