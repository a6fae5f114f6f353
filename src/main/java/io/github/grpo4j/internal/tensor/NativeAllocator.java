package io.github.grpo4j.internal.tensor;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import java.util.Map;

/**
 * glibc's allocator, which holds PyTorch's tensors: makes it return freed large tensors to the system.
 *
 * <p>By default glibc serves an allocation of 128 KiB or more with its own memory map, but raises that
 * threshold up to 32 MiB each time such a block is freed, after which tensors of a few MB come from the heap
 * and, once freed, stay resident for later use. On a large model the step's biggest temporaries (logits,
 * activations, AdamW's) are then kept between phases: the 0.5B-shaped workload's peak was 15-20 % higher
 * for it (docs/performance.md). {@code mallopt(M_MMAP_THRESHOLD, 1 MiB)} fixes the threshold, as the
 * environment variable {@code MALLOC_MMAP_THRESHOLD_=1048576} does: every block of 1 MiB or more is mapped
 * on its own and unmapped when freed. Not for small models: there it only costs CPU (fresh zeroed pages on
 * every allocation) and saves nothing, so it is applied from {@link #LARGE_MODEL_BYTES} of weights on.
 * Values are not affected: only where the bytes live.
 */
public final class NativeAllocator {
    /** Weights from which the setting pays (1 GB: 250 M float32 parameters). */
    public static final long LARGE_MODEL_BYTES = 1_000_000_000L;
    /** Blocks of this many bytes or more are mapped on their own and returned when freed. */
    public static final int MMAP_THRESHOLD = 1 << 20;
    /** The environment variable with which a user sets the threshold (glibc reads it at start-up). */
    public static final String ENV = "MALLOC_MMAP_THRESHOLD_";
    /** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
    private static final int M_MMAP_THRESHOLD = -3;

    private static volatile boolean applied;

    private NativeAllocator() {}

    /** What {@link #forWeights} did. */
    public enum Outcome {
        /** The model is too small for the setting to pay. */
        SMALL_MODEL,
        /** The user set {@link #ENV}; glibc applied it at start-up and it is left as it is. */
        USER_SETTING,
        /** Not Linux with glibc, or the call failed: nothing changed. */
        UNAVAILABLE,
        /** The threshold is now {@link #MMAP_THRESHOLD} (in this call or an earlier one). */
        APPLIED
    }

    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    /**
     * Fixes glibc's mmap threshold at {@link #MMAP_THRESHOLD} when a model of {@code weightBytes} is large
     * enough for it to pay, unless the user set {@link #ENV}. Process-wide; calling it again is harmless.
     *
     * @param weightBytes the float32 bytes of the model's weights
     * @return what was done
     */
    public static Outcome forWeights(long weightBytes) {
        Outcome decided = decide(weightBytes, System.getenv(), System.getProperty("os.name", ""));
        if (decided != Outcome.APPLIED) {
            return decided;
        }
        return apply() ? Outcome.APPLIED : Outcome.UNAVAILABLE;
    }

    /** The decision without the call: {@link Outcome#APPLIED} means "call mallopt". */
    static Outcome decide(long weightBytes, Map<String, String> env, String osName) {
        if (weightBytes < LARGE_MODEL_BYTES) {
            return Outcome.SMALL_MODEL;
        }
        if (env.get(ENV) != null) {
            return Outcome.USER_SETTING;
        }
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return Outcome.UNAVAILABLE;
        }
        return Outcome.APPLIED;
    }

    /** Calls {@code mallopt(M_MMAP_THRESHOLD, 1 MiB)}; false where there is no glibc or it refuses. */
    static synchronized boolean apply() {
        if (applied) {
            return true;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            applied = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1; // mallopt returns 1 on success
        } catch (LinkageError | RuntimeException e) {
            applied = false; // musl or another libc without mallopt: keep its behaviour
        }
        return applied;
    }

    /** glibc's tunable that backs its memory maps with transparent huge pages (glibc 2.35 and later). */
    public static final String HUGE_PAGES = "glibc.malloc.hugetlb=1";

    /**
     * {@return a line for the run's console saying what {@code outcome} means}, with a hint when huge pages are
     * not asked for: a tunable glibc reads at start-up only, so the {@code grpo4j} launcher sets it and a
     * JVM started otherwise cannot.
     */
    public static String describe(Outcome outcome) {
        String line = describeThreshold(outcome);
        String tunables = System.getenv("GLIBC_TUNABLES");
        if (outcome == Outcome.SMALL_MODEL || outcome == Outcome.UNAVAILABLE
                || (tunables != null && tunables.contains("glibc.malloc.hugetlb"))) {
            return line;
        }
        return line + "; start the JVM with GLIBC_TUNABLES=" + HUGE_PAGES + " in its environment (the grpo4j launcher"
                + " does) for steps about 15 % faster: fresh tensors then fault in 2 MiB pages";
    }

    private static String describeThreshold(Outcome outcome) {
        return switch (outcome) {
            case APPLIED -> "Memory: freed tensors of 1 MiB or more go back to the system (glibc mmap threshold "
                    + "fixed at 1 MiB, as " + ENV + "=" + MMAP_THRESHOLD + " would)";
            case USER_SETTING -> "Memory: glibc's mmap threshold as set in " + ENV;
            case UNAVAILABLE -> "Memory: glibc's mmap threshold could not be set (not Linux with glibc)";
            case SMALL_MODEL -> "";
        };
    }
}
