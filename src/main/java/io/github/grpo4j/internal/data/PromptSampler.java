package io.github.grpo4j.internal.data;

import io.github.grpo4j.Grpo4jException;
import java.util.ArrayList;
import java.util.List;

/**
 * Yields batches of P prompts, epoch after epoch. Epoch e visits every row once in an order
 * shuffled with seed {@link #epochSeed(long, int) epochSeed(seed, e)} (or file order without
 * shuffling); a batch that runs past the end of an epoch continues into the next. The state is the
 * {@link DataPosition}: a sampler created at a saved position yields exactly what the original would
 * have yielded next.
 */
public final class PromptSampler {
    private final PromptDataset data;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private int epoch;
    private int index;
    private int[] order;

    /** A sampler at the start of the data. */
    public PromptSampler(PromptDataset data, int batchSize, long seed, boolean shuffle) {
        this(data, batchSize, seed, shuffle, DataPosition.START);
    }

    /**
     * A sampler continuing at {@code start} (e.g. from a checkpoint).
     *
     * @throws Grpo4jException if {@code batchSize} < 1 or {@code start.index()} is past the data
     */
    public PromptSampler(PromptDataset data, int batchSize, long seed, boolean shuffle, DataPosition start) {
        if (batchSize < 1) {
            throw new Grpo4jException("batch size " + batchSize + " is invalid; valid: ≥ 1");
        }
        if (start.index() > data.size()) {
            throw new Grpo4jException("data position index " + start.index() + " is past the end of "
                    + data.source() + " (" + data.size() + " rows); was the checkpoint made with another data file?");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.epoch = start.epoch();
        this.index = start.index();
        this.order = order(data.size(), seed, epoch, shuffle);
    }

    /** The next {@code batchSize} rows. A row appears twice in a batch only if the batch spans epochs. */
    public List<PromptRow> next() {
        List<PromptRow> batch = new ArrayList<>(batchSize);
        for (int i : nextIndices()) {
            batch.add(data.row(i));
        }
        return batch;
    }

    /** Indices (into the dataset) of the next {@code batchSize} rows; advances like {@link #next()}. */
    public int[] nextIndices() {
        int[] out = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            if (index == order.length) {
                epoch++;
                index = 0;
                order = order(data.size(), seed, epoch, shuffle);
            }
            out[i] = order[index++];
        }
        return out;
    }

    /** Where the next batch starts; save it to resume. */
    public DataPosition position() {
        // Normalise "end of epoch e" to "start of epoch e + 1" so equal states have equal positions.
        return index == order.length ? new DataPosition(epoch + 1, 0) : new DataPosition(epoch, index);
    }

    /** The current epoch (0-based); it advances when a batch takes the first row of the next epoch. */
    public int epoch() {
        return epoch;
    }

    /**
     * The visiting order of epoch {@code epoch}: a permutation of 0..size-1 (Fisher-Yates with a
     * SplitMix64 stream seeded by {@link #epochSeed}), or 0..size-1 in order when not shuffling.
     * Fixed across JVMs and versions, so seeds reproduce.
     */
    public static int[] order(int size, long seed, int epoch, boolean shuffle) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplitMix64 rng = new SplitMix64(epochSeed(seed, epoch));
            for (int i = size - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The shuffling seed of epoch {@code epoch}: the run seed and the epoch mixed by SplitMix64. */
    public static long epochSeed(long seed, int epoch) {
        return SplitMix64.mix(seed ^ SplitMix64.mix(0x9E3779B97F4A7C15L * (epoch + 1L)));
    }

    /** Steele, Lea and Flood's SplitMix64: tiny, fast, and specified, so orders never change. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            state += 0x9E3779B97F4A7C15L;
            return mix(state);
        }

        /** Uniform in [0, bound) by rejection (no modulo bias). */
        int nextInt(int bound) {
            long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound) - 1; // largest multiple of bound, minus 1
            while (true) {
                long r = nextLong() >>> 1;
                if (r <= limit) {
                    return (int) (r % bound);
                }
            }
        }

        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
