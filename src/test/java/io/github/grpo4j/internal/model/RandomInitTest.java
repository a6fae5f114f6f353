package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random initialisation in blocks of rows draws the same values, in the same order, as all at once. */
class RandomInitTest {

    @Test
    void blocksOfRowsGiveTheSameValuesAsOneArray() {
        Shape shape = new Shape(37, 16);
        float[] expected = new float[37 * 16];
        SplittableRandom reference = new SplittableRandom(11);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) (reference.nextGaussian() * 0.02);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] whole = Transformer.randomNormal(m, shape, new SplittableRandom(11), 0.02).toFloatArray();
            assertThat(whole).containsExactly(expected);
            // 5 rows a block: 8 blocks, the last of 2 rows; 1 float: one row a block
            for (int block : new int[] {5 * 16, 1}) {
                float[] blocked = Transformer.randomNormal(m, shape, new SplittableRandom(11), 0.02, block).toFloatArray();
                assertThat(blocked).as("blocks of %d floats", block).containsExactly(expected);
            }
        }
    }
}
