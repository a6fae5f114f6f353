package io.github.grpo4j.internal.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Not a test: timings behind the design choices (run by hand, see the model section of the README).
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.github.grpo4j.internal.model.ForwardBench}
 */
public final class ForwardBench {
    private ForwardBench() {}

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        String what = args.length > 0 ? args[0] : "all";
        if (what.equals("all") || what.equals("cache")) {
            cacheWriteVersusConcat();
        }
        if (what.equals("all") || what.equals("decode")) {
            decodeAndTrain(Integer.parseInt(args.length > 1 ? args[1] : "128"));
        }
    }

    /** One layer's key path over a 512-token decode: in-place write + view, or concatenation. */
    static void cacheWriteVersusConcat() {
        int b = 64;
        int kv = 2;
        int d = 64;
        int steps = 512;
        for (int rep = 0; rep < 3; rep++) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray q = m.randomNormal(new Shape(b, kv, 4, d));
                NDArray buf = m.zeros(new Shape(b, kv, steps, d));
                long t0 = System.nanoTime();
                for (int t = 0; t < steps; t++) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray k = s.randomNormal(new Shape(b, kv, 1, d));
                        buf.set(new NDIndex(":, :, {}:{}", t, t + 1), k);
                        NDArray view = buf.get(s, new NDIndex(":, :, :{}", t + 1));
                        q.matMul(view.transpose(0, 1, 3, 2)).tempAttach(s);
                    }
                }
                long t1 = System.nanoTime();
                NDArray prev = m.zeros(new Shape(b, kv, 0, d));
                for (int t = 0; t < steps; t++) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray k = s.randomNormal(new Shape(b, kv, 1, d));
                        NDArray cat = prev.concat(k, 2);
                        prev.close();
                        prev = cat;
                        q.matMul(cat.transpose(0, 1, 3, 2)).tempAttach(s);
                    }
                }
                long t2 = System.nanoTime();
                System.out.printf("cache %d steps [B=%d, KV=%d, d=%d]: preallocated %.1f ms, concat %.1f ms%n",
                        steps, b, kv, d, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
        }
    }

    /** The built-in run's model (hidden 128, 4 layers, 4 heads / 2 KV heads). */
    static void decodeAndTrain(int rows) {
        ModelConfig c = ModelConfig.parse("{\"model_type\": \"qwen2\", \"vocab_size\": 64, \"hidden_size\": 128,"
                + " \"intermediate_size\": 512, \"num_hidden_layers\": 4, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2, \"max_position_embeddings\": 256, \"tie_word_embeddings\": true}");
        int prompt = 8;
        int gen = 32;
        try (Transformer model = Transformer.random(c, 1); NDManager m = NDManager.newBaseManager()) {
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                try (NDManager g = m.newSubManager(); KvCache cache = model.newCache(g, rows, prompt + gen)) {
                    NDArray ids = g.randomInteger(0, 64, new Shape(rows, prompt), DataType.INT64);
                    NDArray pos = g.arange(0L, (long) prompt).reshape(1, prompt).repeat(0, rows);
                    NDArray mask = g.ones(new Shape(rows, prompt + gen), DataType.INT64);
                    model.forward(ids, pos, mask.get(":, :{}", prompt), cache, prompt - 1).close();
                    long t1 = System.nanoTime();
                    for (int t = 0; t < gen; t++) {
                        try (NDManager s = g.newSubManager()) {
                            NDArray id = s.randomInteger(0, 64, new Shape(rows, 1), DataType.INT64);
                            NDArray p = s.full(new Shape(rows, 1), prompt + t).toType(DataType.INT64, false);
                            NDArray mk = mask.get(s, new NDIndex(":, :{}", prompt + t + 1));
                            model.forward(id, p, mk, cache);
                        }
                    }
                    long t2 = System.nanoTime();
                    System.out.printf("decode rows=%d: prefill %d tokens %.1f ms, %.2f ms/step over %d steps%n",
                            rows, prompt, (t1 - t0) / 1e6, (t2 - t1) / 1e6 / gen, gen);
                }
            }
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            for (int rep = 0; rep < 3; rep++) {
                try (NDManager s = m.newSubManager()) {
                    int seq = prompt + gen;
                    NDArray ids = s.randomInteger(0, 64, new Shape(rows, seq), DataType.INT64);
                    NDArray pos = s.arange(0L, (long) seq).reshape(1, seq).repeat(0, rows);
                    NDArray mask = s.ones(new Shape(rows, seq), DataType.INT64);
                    long t0 = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(ids, pos, mask, null);
                        long t1 = System.nanoTime();
                        gc.backward(logits.logSoftmax(-1).mean());
                        long t2 = System.nanoTime();
                        double flops = 6.0 * c.parameterCount() * rows * seq;
                        System.out.printf("train rows=%d seq=%d: forward %.1f ms, backward %.1f ms, ~%.1f GFLOP/s (6N)%n",
                                rows, seq, (t1 - t0) / 1e6, (t2 - t1) / 1e6, flops / (t2 - t0));
                    }
                    for (NDArray p : model.parameters().values()) {
                        p.getGradient().close();
                    }
                }
            }
        }
    }
}
