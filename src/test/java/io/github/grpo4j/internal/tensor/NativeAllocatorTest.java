package io.github.grpo4j.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.github.grpo4j.internal.tensor.NativeAllocator.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * glibc's mmap threshold is fixed for large models only, never over the user's own setting, and changes
 * where tensors live, not their values.
 */
class NativeAllocatorTest {

    @Test
    void appliesToLargeModelsOnLinuxUnlessTheUserSetIt() {
        long large = NativeAllocator.LARGE_MODEL_BYTES;
        assertThat(NativeAllocator.decide(large - 1, Map.of(), "Linux")).isEqualTo(Outcome.SMALL_MODEL);
        assertThat(NativeAllocator.decide(large, Map.of(), "Linux")).isEqualTo(Outcome.APPLIED);
        assertThat(NativeAllocator.decide(4L * 630_167_424, Map.of(), "Linux")).isEqualTo(Outcome.APPLIED);
        assertThat(NativeAllocator.decide(large, Map.of(NativeAllocator.ENV, "65536"), "Linux"))
                .isEqualTo(Outcome.USER_SETTING);
        assertThat(NativeAllocator.decide(large, Map.of(), "Mac OS X")).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(NativeAllocator.describe(Outcome.SMALL_MODEL)).isEmpty();
        assertThat(NativeAllocator.describe(Outcome.APPLIED)).contains("MALLOC_MMAP_THRESHOLD_=1048576");
    }

    /** A forward and backward over 1 MiB tensors (the sizes the setting moves to their own maps). */
    private static float[][] forwardBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray w = m.randomNormal(new Shape(512, 512));
            NDArray x = m.randomNormal(new Shape(512, 512));
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = x.matMul(w).logSoftmax(1);
                gc.backward(y.mul(x).sum());
                return new float[][] {y.toFloatArray(), w.getGradient().toFloatArray()};
            }
        }
    }

    /** glibc's allocation statistics (glibc 2.33 and later), {@code size_t} fields. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class Mallinfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        /** Bytes in blocks mapped on their own. */
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    public interface LibC extends Library {
        Pointer malloc(long size);

        void free(Pointer p);

        Mallinfo2 mallinfo2();
    }

    @Test
    void blocksOfOneMibAreMappedOnTheirOwnOnceApplied() {
        assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
        LibC libc = Native.load("c", LibC.class);
        assertThat(NativeAllocator.apply()).isTrue();
        // a freed 8 MiB map would raise a dynamic threshold to 8 MiB, and 2 MiB would then come from the heap
        libc.free(libc.malloc(8L << 20));
        long mapped = libc.mallinfo2().hblkhd;
        Pointer block = libc.malloc(2L << 20);
        try {
            assertThat(libc.mallinfo2().hblkhd - mapped).as("bytes newly mapped on their own")
                    .isGreaterThanOrEqualTo(2L << 20);
        } finally {
            libc.free(block);
        }
        assertThat(libc.mallinfo2().hblkhd).as("and unmapped when freed").isEqualTo(mapped);
    }

    @Test
    void sameValuesWithTheThresholdFixed() {
        assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
        float[][] before = forwardBackward();
        assertThat(before[1]).as("gradients are informative").isNotEqualTo(new float[before[1].length]);
        assertThat(NativeAllocator.apply()).as("glibc's mallopt accepted M_MMAP_THRESHOLD").isTrue();
        assertThat(NativeAllocator.apply()).as("again: harmless").isTrue();
        float[][] after = forwardBackward();
        assertThat(after[0]).isEqualTo(before[0]);
        assertThat(after[1]).isEqualTo(before[1]);
    }
}
