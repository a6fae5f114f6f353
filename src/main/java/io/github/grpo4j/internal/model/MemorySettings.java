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

    /**
     * The most logits (tokens × vocabulary) one chunk holds when LoRA adapters are trained: 40 MB of float32.
     * With a frozen base and a real vocabulary the chunk's logits and their copies are most of the update's
     * peak, so chunks shrink to stay under it (65 tokens at 151,936 entries); vocabularies up to 39,062
     * entries keep the configured size. Full fine-tuning keeps the configured chunk: its peak is weights,
     * gradients and AdamW, and smaller chunks cost time (measured at the 0.5B shape: step 47.3 s with
     * chunks of 65 against 37.2 s unchunked, peak 15.27 against 15.35 GB).
     */
    public static final long MAX_CHUNK_LOGITS = 10_000_000;

    /** Chunks never shrink below this many tokens, however large the vocabulary. */
    static final int MIN_CHUNK = 16;

    public MemorySettings {
        if (logprobChunkSize < 0) {
            throw new IllegalArgumentException("logprob_chunk_size must be >= 0, got " + logprobChunkSize);
        }
    }

    /** {@return chunks of {@value #DEFAULT_CHUNK} tokens, no checkpointing} */
    public static MemorySettings defaults() {
        return new MemorySettings(DEFAULT_CHUNK, false);
    }

    /**
     * The settings for a model with {@code vocab} entries: chunks no larger than {@value #MAX_CHUNK_LOGITS}
     * logits (at least {@value #MIN_CHUNK} tokens); no chunking stays no chunking.
     *
     * @param vocab the model's vocabulary size
     * @return these settings, or these with a smaller chunk
     */
    public MemorySettings forVocab(long vocab) {
        long cap = Math.max(MIN_CHUNK, MAX_CHUNK_LOGITS / Math.max(1, vocab));
        return logprobChunkSize == 0 || cap >= logprobChunkSize ? this
                : new MemorySettings((int) cap, gradientCheckpointing);
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
