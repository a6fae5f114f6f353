package io.github.grpo4j.internal.data.tasks;

import io.github.grpo4j.Grpo4jException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sampling and splitting shared by the built-in tasks: a subclass draws one problem from a
 * {@link Random} and names its canonical form; this class keeps the problems of the asked split.
 *
 * <p>Split rule: a problem is held out when {@code u(task name, canonical key) < held_out_fraction},
 * where u is a fixed 64-bit hash (FNV-1a then the SplitMix64 finalizer) mapped to [0, 1). It depends on
 * neither the seed nor the JVM, so train and held-out rows never overlap, for any seeds. Sampling uses
 * {@link java.util.Random}, whose algorithm the JDK specifies, so rows are the same on every JVM.
 */
abstract class SyntheticTask implements Task {
    private static final int MAX_REJECTIONS = 100_000;

    private final double heldOutFraction;

    SyntheticTask(double heldOutFraction) {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new Grpo4jException("task: held_out_fraction must be in [0, 1), got " + heldOutFraction);
        }
        this.heldOutFraction = heldOutFraction;
    }

    /** Draws one problem: a row with at least {@code prompt} and {@code answer}. */
    abstract Map<String, Object> sample(Random rng);

    /** The canonical form of a row's problem; problems with equal keys fall in the same split. */
    abstract String splitKey(Map<String, Object> row);

    /** The task's parameters, for messages. */
    abstract String describe();

    /** Which split a row's problem belongs to. */
    public final Split splitOf(Map<String, Object> row) {
        return unitHash(name() + "|" + splitKey(row)) < heldOutFraction ? Split.HELD_OUT : Split.TRAIN;
    }

    @Override
    public final List<Map<String, Object>> rows(Split split, int count, long seed) {
        if (count < 0) {
            throw new Grpo4jException("task " + name() + ": row count must be >= 0, got " + count);
        }
        Random rng = new Random(mix(seed, split));
        List<Map<String, Object>> out = new ArrayList<>(count);
        Set<Object> prompts = new HashSet<>();
        long budget = 50L * count + MAX_REJECTIONS;
        for (long draws = 0; out.size() < count; draws++) {
            if (draws >= budget) {
                throw new Grpo4jException("task " + describe() + ": found only " + out.size() + " distinct "
                        + split.configName() + " problems in " + budget + " draws, " + count
                        + " asked; ask for fewer rows or enlarge the task's parameters");
            }
            Map<String, Object> row = sample(rng);
            if (splitOf(row) == split && prompts.add(row.get("prompt"))) {
                out.add(freeze(row));
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public final Iterator<Map<String, Object>> stream(Split split, long seed) {
        Random rng = new Random(mix(seed, split));
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Map<String, Object> next() {
                for (int i = 0; i < MAX_REJECTIONS; i++) {
                    Map<String, Object> row = sample(rng);
                    if (splitOf(row) == split) {
                        return freeze(row);
                    }
                }
                throw new NoSuchElementException("task " + describe() + ": no " + split.configName()
                        + " problem in " + MAX_REJECTIONS + " draws (held_out_fraction " + heldOutFraction + ")");
            }
        };
    }

    private static Map<String, Object> freeze(Map<String, Object> row) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    /** The sorted distinct characters of the given strings. */
    static String alphabetOf(String... parts) {
        Set<Character> chars = new TreeSet<>();
        for (String p : parts) {
            for (char c : p.toCharArray()) {
                chars.add(c);
            }
        }
        StringBuilder sb = new StringBuilder();
        chars.forEach(sb::append);
        return sb.toString();
    }

    private static long mix(long seed, Split split) {
        return splitmix(seed * 0x9E3779B97F4A7C15L + split.ordinal() + 1);
    }

    /** A fixed hash of a string mapped to [0, 1). */
    static double unitHash(String s) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (splitmix(h) >>> 11) * 0x1.0p-53;
    }

    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return describe();
    }
}
