package io.github.grpo4j.internal.model;

/** Keys and values of the positions seen so far, per layer, for a batch of sequences. */
public interface KvCache extends AutoCloseable {

    /** Number of positions already stored (P in {@link CausalLm#forward}). */
    int length();

    int batchSize();

    /**
     * Repeats each sequence {@code times} times along the batch (row r becomes rows r*times ..
     * r*times+times-1), so a prompt prefilled once serves a whole group of completions.
     */
    void repeatInterleave(int times);

    @Override
    void close();
}
