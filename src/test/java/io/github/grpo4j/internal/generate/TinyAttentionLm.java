package io.github.grpo4j.internal.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.internal.model.CausalLm;
import io.github.grpo4j.internal.model.KvCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Test double of a causal LM: one single-head attention layer with learned absolute positions and a
 * real KV cache. Its logits depend on every earlier token through the cache, so a wrong cache,
 * position or mask in the generator changes the numbers that the tests compare with a cache-free
 * teacher-forced pass.
 */
public final class TinyAttentionLm implements CausalLm {
    static final String[] NAMES = {"embed", "pos", "wq", "wk", "wv", "head"};

    private final NDManager manager;
    private final int vocab;
    private final int dim;
    private final int maxPositions;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    /** Counts forward calls with a cache, to check that the prefix is not recomputed. */
    int cachedForwardCalls;
    long cachedForwardTokens;

    private TinyAttentionLm(NDManager manager, int vocab, int dim, int maxPositions) {
        this.manager = manager;
        this.vocab = vocab;
        this.dim = dim;
        this.maxPositions = maxPositions;
    }

    /** Random weights from {@code seed}; logits have a spread of a few units so distributions vary. */
    public static TinyAttentionLm random(int vocab, int dim, int maxPositions, long seed) {
        TinyAttentionLm lm = new TinyAttentionLm(NDManager.newBaseManager(), vocab, dim, maxPositions);
        Random rng = new Random(seed);
        lm.put("embed", normal(lm.manager, rng, new Shape(vocab, dim), 1.0));
        lm.put("pos", normal(lm.manager, rng, new Shape(maxPositions, dim), 1.0));
        lm.put("wq", normal(lm.manager, rng, new Shape(dim, dim), 1.0 / Math.sqrt(dim)));
        lm.put("wk", normal(lm.manager, rng, new Shape(dim, dim), 1.0 / Math.sqrt(dim)));
        lm.put("wv", normal(lm.manager, rng, new Shape(dim, dim), 1.0 / Math.sqrt(dim)));
        lm.put("head", normal(lm.manager, rng, new Shape(dim, vocab), 1.5 / Math.sqrt(dim)));
        return lm;
    }

    private static NDArray normal(NDManager m, Random rng, Shape shape, double scale) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * scale);
        }
        return m.create(v, shape);
    }

    private void put(String name, NDArray array) {
        array.setName(name);
        params.put(name, array);
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int maxPositions() {
        return maxPositions;
    }

    @Override
    public KvCache newCache(NDManager m, int batch, int capacity) {
        return new Cache(m.newSubManager(), batch, capacity);
    }

    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache) {
        return forward(ids, positions, attentionMask, cache, 0);
    }

    /** Applies the output head only from {@code firstLogit} on, as a real model should. */
    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache, int firstLogit) {
        NDManager m = ids.getManager();
        long b = ids.getShape().get(0);
        long s = ids.getShape().get(1);
        NDArray x = ids.oneHot(vocab).matMul(params.get("embed")) // [B, S, D]
                .add(positions.oneHot(maxPositions).matMul(params.get("pos")));
        NDArray q = x.matMul(params.get("wq")); // [B, S, D]
        NDArray k = x.matMul(params.get("wk"));
        NDArray v = x.matMul(params.get("wv"));
        int past = 0;
        if (cache != null) {
            Cache c = (Cache) cache;
            past = c.length();
            c.append(k, v);
            k = c.keys;
            v = c.values;
            cachedForwardCalls++;
            cachedForwardTokens += b * s;
        }
        long total = past + s;
        if (attentionMask.getShape().get(1) != total) {
            throw new IllegalStateException("mask has " + attentionMask.getShape() + ", expected length " + total);
        }
        boolean[] causal = new boolean[Math.toIntExact(s * total)];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j <= past + i; j++) {
                causal[Math.toIntExact(i * total + j)] = true;
            }
        }
        NDArray allowed = m.create(causal, new Shape(1, s, total)) // [1, S, P+S]
                .logicalAnd(attentionMask.toType(DataType.BOOLEAN, false).expandDims(1)); // [B, S, P+S]
        NDArray keysT = k.transpose(0, 2, 1); // [B, D, P+S]; lands in the cache's manager: move it to the step's
        keysT.attach(m);
        NDArray scores = q.matMul(keysT).div((float) Math.sqrt(dim)); // [B, S, P+S]
        scores = NDArrays.where(allowed, scores, m.create(-1e9f));
        NDArray out = scores.softmax(2).matMul(v); // [B, S, D]
        NDArray hidden = x.add(out).tanh(); // [B, S, D]
        if (firstLogit > 0) {
            hidden = hidden.get(new NDIndex(":, {}:, :", firstLogit)); // [B, S - firstLogit, D]
        }
        return hidden.matMul(params.get("head")); // [B, S - firstLogit, V]
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public TinyAttentionLm copy() {
        TinyAttentionLm lm = new TinyAttentionLm(NDManager.newBaseManager(), vocab, dim, maxPositions);
        for (var e : params.entrySet()) {
            lm.put(e.getKey(), lm.manager.create(e.getValue().toFloatArray(), e.getValue().getShape()));
        }
        return lm;
    }

    @Override
    public void save(Path directory) {
        try {
            Files.createDirectories(directory);
            try (OutputStream out = Files.newOutputStream(directory.resolve("tiny.ndlist"))) {
                out.write(new NDList(params.values()).encode());
            }
            Files.writeString(directory.resolve("tiny.txt"), vocab + " " + dim + " " + maxPositions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #save} wrote. */
    public static TinyAttentionLm load(Path directory) {
        try {
            String[] dims = Files.readString(directory.resolve("tiny.txt")).trim().split(" ");
            TinyAttentionLm lm = new TinyAttentionLm(NDManager.newBaseManager(), Integer.parseInt(dims[0]),
                    Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
            try (InputStream in = Files.newInputStream(directory.resolve("tiny.ndlist"))) {
                NDList list = NDList.decode(lm.manager, in);
                for (int i = 0; i < NAMES.length; i++) {
                    lm.put(NAMES[i], list.get(i));
                }
            }
            return lm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Keys and values [B, P, D], grown by concatenation; refuses to grow past its capacity. */
    private static final class Cache implements KvCache {
        private final NDManager manager;
        private final int capacity;
        private int batch;
        NDArray keys;
        NDArray values;

        Cache(NDManager manager, int batch, int capacity) {
            this.manager = manager;
            this.batch = batch;
            this.capacity = capacity;
        }

        void append(NDArray k, NDArray v) {
            if (k.getShape().get(0) != batch) {
                throw new IllegalStateException("cache holds " + batch + " rows, got " + k.getShape());
            }
            if (length() + k.getShape().get(1) > capacity) {
                throw new IllegalStateException("cache capacity " + capacity + " exceeded");
            }
            keys = grow(keys, k);
            values = grow(values, v);
        }

        private NDArray grow(NDArray old, NDArray add) {
            NDArray grown;
            if (old == null) {
                grown = add.duplicate();
            } else {
                grown = old.concat(add, 1);
                old.close();
            }
            grown.attach(manager);
            return grown;
        }

        @Override
        public int length() {
            return keys == null ? 0 : Math.toIntExact(keys.getShape().get(1));
        }

        @Override
        public int batchSize() {
            return batch;
        }

        @Override
        public void repeatInterleave(int times) {
            keys = repeat(keys, times);
            values = repeat(values, times);
            batch *= times;
        }

        private NDArray repeat(NDArray a, int times) {
            Shape s = a.getShape();
            NDArray r = a.expandDims(1).broadcast(s.get(0), times, s.get(1), s.get(2))
                    .reshape(s.get(0) * times, s.get(1), s.get(2));
            r.attach(manager);
            a.close();
            return r;
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
