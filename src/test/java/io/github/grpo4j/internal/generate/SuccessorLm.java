package io.github.grpo4j.internal.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.internal.model.CausalLm;
import io.github.grpo4j.internal.model.KvCache;
import java.util.Map;

/**
 * Test double whose next token is a fixed function of the current one: logits are 20 on
 * {@code successor[id]} and 0 elsewhere, so greedy decoding follows the table exactly. For testing
 * when rows stop (EOS, stop strings, max_new_tokens).
 */
final class SuccessorLm implements CausalLm {
    private final NDManager manager = NDManager.newBaseManager();
    private final int[] successor;
    private final int maxPositions;
    private final NDArray table; // [V, V]

    SuccessorLm(int[] successor, int maxPositions) {
        this.successor = successor.clone();
        this.maxPositions = maxPositions;
        int v = successor.length;
        float[] t = new float[v * v];
        for (int i = 0; i < v; i++) {
            t[i * v + successor[i]] = 20f;
        }
        table = manager.create(t, new Shape(v, v));
    }

    @Override
    public int vocabSize() {
        return successor.length;
    }

    @Override
    public int maxPositions() {
        return maxPositions;
    }

    @Override
    public KvCache newCache(NDManager m, int batch, int capacity) {
        return new CountingCache(batch);
    }

    /** The successor model needs no keys or values; the cache only tracks the batch size. */
    private static final class CountingCache implements KvCache {
        private int rows;

        CountingCache(int rows) {
            this.rows = rows;
        }

        @Override
        public int length() {
            return 0;
        }

        @Override
        public int batchSize() {
            return rows;
        }

        @Override
        public void repeatInterleave(int times) {
            rows *= times;
        }

        @Override
        public void close() {}
    }

    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache) {
        return ids.oneHot(successor.length).matMul(table); // [B, S, V]
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of();
    }

    @Override
    public void close() {
        manager.close();
    }
}
