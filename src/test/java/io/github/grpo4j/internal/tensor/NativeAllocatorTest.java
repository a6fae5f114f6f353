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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * In a fresh JVM (in this one, free chunks that earlier tests left in glibc's heap would serve the
     * request whatever the threshold): after {@link NativeAllocator#apply}, a freed 8 MiB map, which would
     * raise glibc's dynamic threshold to 8 MiB, and then a 2 MiB request, which must be mapped on its own.
     * Prints the bytes newly mapped, then whether they were unmapped when freed.
     */
    public static final class Probe {
        public static void main(String[] args) {
            LibC libc = Native.load("c", LibC.class);
            if (args.length == 0 && !NativeAllocator.apply()) {
                System.out.println("not applied");
                return;
            }
            libc.free(libc.malloc(8L << 20));
            long mapped = libc.mallinfo2().hblkhd;
            Pointer block = libc.malloc(2L << 20);
            long grew = libc.mallinfo2().hblkhd - mapped;
            libc.free(block);
            System.out.println(grew + " " + (libc.mallinfo2().hblkhd == mapped));
        }
    }

    private static String probe(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void blocksOfOneMibAreMappedOnTheirOwnOnceApplied() throws Exception {
        assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
        String[] without = probe("without").split(" ");
        assertThat(Long.parseLong(without[0])).as("precondition: glibc's dynamic threshold serves 2 MiB from its heap")
                .isZero();
        String[] with = probe().split(" ");
        assertThat(Long.parseLong(with[0])).as("bytes newly mapped on their own").isGreaterThanOrEqualTo(2L << 20);
        assertThat(with[1]).as("and unmapped when freed").isEqualTo("true");
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
