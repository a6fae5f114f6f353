package io.github.grpo4j.internal.model;

/**
 * How a {@link Transformer} policy trades compute for memory when it scores completions.
 *
 * @param logprobChunkSize      (row, position) pairs whose logits exist at once when log-probs and
 *                              entropies are computed; 0 computes all at once
 * @param gradientCheckpointing recompute each decoder layer's activations in the backward pass instead of
 *                              keeping them (only each layer's input is kept)
 */
public record MemorySettings(int logprobChunkSize, boolean gradientCheckpointing) {

    /** The default chunk: 256 rows of a 151,936-token vocabulary are 156 MB of float32 logits. */
    public static final int DEFAULT_CHUNK = 256;

    public MemorySettings {
        if (logprobChunkSize < 0) {
            throw new IllegalArgumentException("logprob_chunk_size must be >= 0, got " + logprobChunkSize);
        }
    }

    /** {@return chunks of {@value #DEFAULT_CHUNK} tokens, no checkpointing} */
    public static MemorySettings defaults() {
        return new MemorySettings(DEFAULT_CHUNK, false);
    }

    /** {@return whether {@code tokens} (row, position) pairs take more than one chunk} */
    public boolean chunks(long tokens) {
        return logprobChunkSize > 0 && tokens > logprobChunkSize;
    }

    /** {@return the chunk length for {@code tokens} pairs: all of them when chunking is off} */
    public int chunkFor(long tokens) {
        return chunks(tokens) ? logprobChunkSize : (int) Math.max(1, Math.min(Integer.MAX_VALUE, tokens));
    }
}
