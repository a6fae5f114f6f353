package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;

/**
 * {@link KvCache} of a {@link Transformer}: per layer one key and one value buffer {@code [B, KV,
 * capacity, d]}, allocated once. Each forward writes its S new positions in place at {@code [P, P+S)}
 * and attends over a view of {@code [0, P+S)}.
 *
 * <p>Why preallocate rather than concatenate: concatenating copies all P cached positions on every
 * decode step (O(P) per token, O(P²) per sequence, plus a fresh allocation each time), while an
 * in-place write copies only the S new ones and the read is a strided view the matmul consumes
 * directly. The cost is memory for the full capacity up front, which the caller sizes to prompt +
 * max new tokens.
 */
final class TransformerKvCache implements KvCache {
    private final NDManager manager;
    private final NDArray[] keys;   // per layer [B, KV, capacity, d]
    private final NDArray[] values; // per layer [B, KV, capacity, d]
    private final int capacity;
    private int batch;
    private int length;

    TransformerKvCache(NDManager parent, ModelConfig config, int batch, int capacity) {
        if (batch <= 0) {
            throw new IllegalArgumentException("cache batch must be positive, got " + batch);
        }
        if (capacity <= 0 || capacity > config.maxPositionEmbeddings()) {
            throw new Grpo4jException("KV cache capacity " + capacity + " (prompt + new tokens) must be between 1 and"
                    + " max_position_embeddings = " + config.maxPositionEmbeddings());
        }
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.batch = batch;
        int layers = config.numHiddenLayers();
        keys = new NDArray[layers];
        values = new NDArray[layers];
        Shape shape = new Shape(batch, config.numKeyValueHeads(), capacity, config.headDim());
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    /** The manager owning the buffers (tests check that decoding adds nothing to it). */
    NDManager manager() {
        return manager;
    }

    /** Most positions this cache can hold. */
    int capacity() {
        return capacity;
    }

    /** Stores keys and values {@code [B, KV, S, d]} of layer {@code layer} at positions {@code [length, length+S)}. */
    void write(int layer, NDArray k, NDArray v) {
        long s = k.getShape().get(2);
        NDIndex at = new NDIndex(":, :, {}:{}", length, length + s);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    /** Keys of layer {@code layer} at positions {@code [0, upto)}: a view {@code [B, KV, upto, d]} owned by {@code m}. */
    NDArray keys(int layer, int upto, NDManager m) {
        return keys[layer].get(m, new NDIndex(":, :, :{}", upto));
    }

    /** Values of layer {@code layer} at positions {@code [0, upto)}, like {@link #keys}. */
    NDArray values(int layer, int upto, NDManager m) {
        return values[layer].get(m, new NDIndex(":, :, :{}", upto));
    }

    /** Marks {@code s} more positions as stored, after every layer has written them. */
    void advance(int s) {
        length += s;
    }

    @Override
    public void repeatInterleave(int times) {
        if (times <= 0) {
            throw new IllegalArgumentException("repeatInterleave times must be positive, got " + times);
        }
        if (times == 1) {
            return;
        }
        for (int l = 0; l < keys.length; l++) {
            keys[l] = replace(keys[l], keys[l].repeat(0, times));
            values[l] = replace(values[l], values[l].repeat(0, times));
        }
        batch *= times;
    }

    private static NDArray replace(NDArray old, NDArray fresh) {
        old.close();
        return fresh;
    }

    @Override
    public void close() {
        manager.close();
    }
}
